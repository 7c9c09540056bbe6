// The settings the gate acts on, as kept in the store (the app keeps its own beside them).
import type { Mode } from '../contract/types';
import { inRange, SETTING_RANGES } from '../contract/settingRanges';
import type { Store } from '../store/store';

export interface GateSettings {
  mode: Mode;
  paused: boolean;
  timeoutSeconds: number;
  /** Prune the record older than this many days; null keeps everything. */
  retentionDays: number | null;
}

export const SETTING_DEFAULTS: GateSettings = {
  mode: 'ask',
  paused: false,
  timeoutSeconds: 45,
  retentionDays: null,
};

export function readGateSettings(store: Store): GateSettings {
  const s = store.settings;
  return {
    mode: s.get<Mode>('mode', SETTING_DEFAULTS.mode),
    paused: s.get('paused', SETTING_DEFAULTS.paused),
    timeoutSeconds: s.get('timeoutSeconds', SETTING_DEFAULTS.timeoutSeconds),
    retentionDays: s.get<number | null>('retentionDays', SETTING_DEFAULTS.retentionDays),
  };
}

/** A settings change from a control client, checked field by field; null when invalid. */
export function parseSettingsPatch(input: unknown): Partial<GateSettings> | null {
  if (!input || typeof input !== 'object') return null;
  const p = input as Record<string, unknown>;
  const out: Partial<GateSettings> = {};
  for (const [key, value] of Object.entries(p)) {
    if (key === 'mode' && (value === 'ask' || value === 'observe')) out.mode = value;
    else if (key === 'paused' && typeof value === 'boolean') out.paused = value;
    else if (key === 'timeoutSeconds' && inRange(value, SETTING_RANGES.timeoutSeconds))
      out.timeoutSeconds = value;
    // Kept as null for "keep everything", so a stored 0 is refused.
    else if (
      key === 'retentionDays' &&
      (value === null || (inRange(value, SETTING_RANGES.retentionDays) && value > 0))
    )
      out.retentionDays = value;
    else return null;
  }
  return out;
}
