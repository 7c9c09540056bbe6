import type { ServerView } from '../../src/contract/ipc';
import { api } from '../api';
import type { Slice } from './types';

export interface ServersSlice {
  servers: ServerView[];
  loadServers(): Promise<void>;
  setToolEnabled(serverId: number, tool: string, enabled: boolean): Promise<void>;
  markToolReviewed(serverId: number, tool: string, hash: string): Promise<void>;
}

export const serversSlice: Slice<ServersSlice> = (set, get) => ({
  servers: [],
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
});
