import type { AppView } from '../../src/contract/ipc';
import type { Slice } from './types';

export type Tab = AppView;
export const TAB_IDS: readonly Tab[] = ['pending', 'history', 'rules', 'servers', 'settings'];

/** The view a window opens on: main opens `index.html#servers` from a notification. */
export function initialTab(hash: string): Tab {
  const named = hash.replace(/^#/, '');
  return (TAB_IDS as readonly string[]).includes(named) ? (named as Tab) : 'pending';
}

export interface UiSlice {
  tab: Tab;
  /** Last failure of an IPC call, shown in a banner until dismissed. */
  error: string | null;
  setTab(tab: Tab): void;
  fail(error: unknown): void;
  clearError(): void;
}

export const uiSlice: Slice<UiSlice> = (set) => ({
  tab: typeof window === 'undefined' ? 'pending' : initialTab(window.location.hash),
  error: null,
  setTab: (tab) => set({ tab }),
  fail: (error) => set({ error: error instanceof Error ? error.message : String(error) }),
  clearError: () => set({ error: null }),
});
