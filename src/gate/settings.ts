// The settings the gate acts on, as kept in the store (the app keeps its own beside them).
import type { Mode } from '../contract/types';
import type { Store } from '../store/store';

export interface GateSettings {
  mode: Mode;
  paused: boolean;
  timeoutSeconds: number;
  /** Prune the record older than this many days; null keeps everything. */
  retentionDays: number | null;
  /** Characters of each result's text the record keeps (secrets masked); 0 keeps none. */
  resultExcerptChars: number;
}

export const SETTING_DEFAULTS: GateSettings = {
  mode: 'ask',
  paused: false,
  timeoutSeconds: 45,
  retentionDays: null,
  resultExcerptChars: 2048,
};

export function readGateSettings(store: Store): GateSettings {
  const s = store.settings;
  return {
    mode: s.get<Mode>('mode', SETTING_DEFAULTS.mode),
    paused: s.get('paused', SETTING_DEFAULTS.paused),
    timeoutSeconds: s.get('timeoutSeconds', SETTING_DEFAULTS.timeoutSeconds),
    retentionDays: s.get<number | null>('retentionDays', SETTING_DEFAULTS.retentionDays),
    resultExcerptChars: s.get('resultExcerptChars', SETTING_DEFAULTS.resultExcerptChars),
  };
}
