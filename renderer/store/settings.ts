import type { HostReport, Settings } from '../../src/contract/ipc';
import { api } from '../api';
import type { Slice } from './types';

export interface SettingsSlice {
  settings: Settings | null;
  hosts: HostReport[] | null;
  setSettingsState(settings: Settings): void;
  loadSettings(): Promise<void>;
  updateSettings(patch: Partial<Settings>): Promise<void>;
  scanHosts(): Promise<void>;
  guardHost(host: string, guard: boolean): Promise<void>;
}

export const settingsSlice: Slice<SettingsSlice> = (set, get) => ({
  settings: null,
  hosts: null,
  setSettingsState: (settings) => set({ settings }),
  loadSettings: async () => {
    try {
      set({ settings: await api.getSettings() });
    } catch (e) {
      get().fail(e);
    }
  },
  updateSettings: async (patch) => {
    try {
      set({ settings: await api.setSettings(patch) });
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
  guardHost: async (host, guard) => {
    try {
      const report = guard ? await api.guardHost({ host }) : await api.unguardHost({ host });
      set({ hosts: (get().hosts ?? []).map((h) => (h.host === report.host ? report : h)) });
    } catch (e) {
      get().fail(e);
    }
  },
});
