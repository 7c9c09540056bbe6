// The allowed range of each numeric setting, in one place for the desktop app, the gate, the
// CLI's `settings set` and `gate --timeout`, so no two of them can disagree.

export interface SettingRange {
  min: number;
  max: number;
  unit: 'seconds' | 'days' | 'characters';
}

export const SETTING_RANGES = {
  /** How long a call waits for a decision before it is denied. */
  timeoutSeconds: { min: 5, max: 3600, unit: 'seconds' },
  /** Prune the record older than this; 0 keeps everything (stored as null). */
  retentionDays: { min: 0, max: 3650, unit: 'days' },
  /** How much of each call's result History keeps as text (secrets masked); 0 keeps none. */
  resultExcerptChars: { min: 0, max: 32_768, unit: 'characters' },
} as const satisfies Record<string, SettingRange>;

export function inRange(value: unknown, range: SettingRange): value is number {
  return (
    Number.isInteger(value) && (value as number) >= range.min && (value as number) <= range.max
  );
}

/** "a whole number of seconds from 5 to 3600" */
export function describeRange(range: SettingRange): string {
  return `a whole number of ${range.unit} from ${range.min} to ${range.max}`;
}
