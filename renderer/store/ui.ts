import type { Slice } from './types';

export type Tab = 'pending' | 'history' | 'rules' | 'servers' | 'settings';

export interface UiSlice {
  tab: Tab;
  /** Last failure of an IPC call, shown in a banner until dismissed. */
  error: string | null;
  setTab(tab: Tab): void;
  fail(error: unknown): void;
  clearError(): void;
}

export const uiSlice: Slice<UiSlice> = (set) => ({
  tab: 'pending',
  error: null,
  setTab: (tab) => set({ tab }),
  fail: (error) => set({ error: error instanceof Error ? error.message : String(error) }),
  clearError: () => set({ error: null }),
});
