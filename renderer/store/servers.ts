import type { HostEvent, HostReport, IdentityChange, ServerView } from '../../src/contract/ipc';
import { api } from '../api';
import type { Slice } from './types';

/** One host config entry, as Guard / Unguard name it. */
export interface EntryRef {
  host: string;
  server: string;
  project: string | null;
}

export interface ServersSlice {
  servers: ServerView[];
  /** Every host found on this machine; null until first scanned. */
  hosts: HostReport[] | null;
  /** What the host watcher noticed, not yet dismissed. */
  hostEvents: HostEvent[];
  /** Entries with a Guard / Unguard under way, by `entryKey`. */
  guarding: string[];
  loadServers(): Promise<void>;
  setToolEnabled(serverId: number, tool: string, enabled: boolean): Promise<void>;
  markToolReviewed(serverId: number, tool: string, hash: string): Promise<void>;
  /** Accepts these changes in what the server runs (the ones shown): its allow rules apply again. */
  reviewServerIdentity(serverId: number, changes: IdentityChange[]): Promise<void>;
  scanHosts(): Promise<void>;
  /** `singleConsent` true writes the host's own allow entry, false takes it back (install only). */
  guardHost(host: string, guard: boolean, singleConsent?: boolean): Promise<void>;
  guardEntry(entry: EntryRef, guard: boolean): Promise<void>;
  loadHostEvents(): Promise<void>;
  hostEventsArrived(events: HostEvent[]): void;
  dismissHostEvents(ids?: number[]): Promise<void>;
}

export const entryKey = (e: EntryRef): string => JSON.stringify([e.host, e.project, e.server]);

export const serversSlice: Slice<ServersSlice> = (set, get) => {
  const replaceHost = (report: HostReport): void =>
    set({ hosts: (get().hosts ?? []).map((h) => (h.host === report.host ? report : h)) });
  return {
    servers: [],
    hosts: null,
    hostEvents: [],
    guarding: [],
    loadServers: async () => {
      try {
        set({ servers: await api.listServers() });
      } catch (e) {
        get().fail(e);
      }
    },
    setToolEnabled: async (serverId, tool, enabled) => {
      try {
        await api.setToolEnabled({ serverId, tool, enabled });
        await get().loadServers();
      } catch (e) {
        get().fail(e);
      }
    },
    markToolReviewed: async (serverId, tool, hash) => {
      try {
        await api.markToolReviewed({ serverId, tool, hash });
        await get().loadServers();
      } catch (e) {
        get().fail(e);
      }
    },
    reviewServerIdentity: async (serverId, changes) => {
      try {
        await api.reviewServerIdentity({ serverId, changes });
        await get().loadServers();
      } catch (e) {
        get().fail(e);
      }
    },
    scanHosts: async () => {
      try {
        set({ hosts: await api.scanHosts() });
      } catch (e) {
        get().fail(e);
      }
    },
    guardHost: async (host, guard, singleConsent) => {
      try {
        replaceHost(
          guard
            ? await api.guardHost({
                host,
                ...(singleConsent !== undefined ? { singleConsent } : {}),
              })
            : await api.unguardHost({ host }),
        );
        await get().loadHostEvents();
      } catch (e) {
        get().fail(e);
      }
    },
    guardEntry: async (entry, guard) => {
      const key = entryKey(entry);
      if (get().guarding.includes(key)) return;
      set({ guarding: [...get().guarding, key] });
      try {
        const req = {
          host: entry.host,
          server: entry.server,
          ...(entry.project !== null ? { project: entry.project } : {}),
        };
        replaceHost(guard ? await api.guardServer(req) : await api.unguardServer(req));
        await get().loadHostEvents();
      } catch (e) {
        get().fail(e);
      } finally {
        set({ guarding: get().guarding.filter((k) => k !== key) });
      }
    },
    loadHostEvents: async () => {
      try {
        set({ hostEvents: await api.listHostEvents() });
      } catch (e) {
        get().fail(e);
      }
    },
    hostEventsArrived: (events) => {
      const ids = new Set(get().hostEvents.map((e) => e.id));
      set({ hostEvents: [...get().hostEvents, ...events.filter((e) => !ids.has(e.id))] });
      // The configs changed: the host list is stale.
      void get().scanHosts();
      void get().loadHostEvents();
    },
    dismissHostEvents: async (ids) => {
      try {
        set({ hostEvents: await api.dismissHostEvents(ids ? { ids } : {}) });
      } catch (e) {
        get().fail(e);
      }
    },
  };
};
