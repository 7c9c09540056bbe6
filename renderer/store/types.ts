import type { StateCreator } from 'zustand';
import type { HistorySlice } from './history';
import type { PendingSlice } from './pending';
import type { ResultsSlice } from './results';
import type { RulesSlice } from './rules';
import type { ServersSlice } from './servers';
import type { SettingsSlice } from './settings';
import type { UiSlice } from './ui';

export type AppState = UiSlice &
  PendingSlice &
  HistorySlice &
  RulesSlice &
  ServersSlice &
  SettingsSlice &
  ResultsSlice;
export type Slice<T> = StateCreator<AppState, [], [], T>;
