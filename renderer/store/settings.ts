import type { Settings } from '../../src/contract/ipc';
import { api } from '../api';
import type { Slice } from './types';

export interface SettingsSlice {
  settings: Settings | null;
  setSettingsState(settings: Settings): void;
  loadSettings(): Promise<void>;
  updateSettings(patch: Partial<Settings>): Promise<void>;
}

export const settingsSlice: Slice<SettingsSlice> = (set, get) => ({
  settings: null,
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
});
