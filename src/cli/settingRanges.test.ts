// One range per setting: the CLI's `settings set` and `gate --timeout`, the gate's control
// channel's schema and the app's IPC schema accept exactly the same values.
import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../contract/ipc';
import { SETTING_RANGES } from '../contract/settingRanges';
import { SETTING_DEFAULTS } from '../gate/settings';
import { settingsPatchSchema } from '../gate/wire';
import { parseSetting, parseTimeoutSeconds } from './commands/settings';

const accepts = (fn: () => unknown): boolean => {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
};

const appAccepts = (patch: object): boolean =>
  settingsSchema.safeParse({
    ...SETTING_DEFAULTS,
    retentionDays: 0,
    startAtLogin: false,
    sound: true,
    theme: 'system',
    ...patch,
  }).success;

describe('setting ranges', () => {
  const { timeoutSeconds: t, retentionDays: r } = SETTING_RANGES;

  it.each([t.min - 1, t.min, 45, t.max, t.max + 1, 7.5])('timeout %s', (n) => {
    const ok = Number.isInteger(n) && n >= t.min && n <= t.max;
    expect(accepts(() => parseSetting('timeout', String(n)))).toBe(ok);
    expect(accepts(() => parseTimeoutSeconds(String(n), '--timeout'))).toBe(ok);
    expect(settingsPatchSchema.safeParse({ timeoutSeconds: n }).success).toBe(ok);
    expect(appAccepts({ timeoutSeconds: n })).toBe(ok);
  });

  it.each([r.min - 1, r.min, 30, r.max, r.max + 1])('retention %s', (n) => {
    const ok = n >= r.min && n <= r.max;
    expect(accepts(() => parseSetting('retention', String(n)))).toBe(ok);
    expect(appAccepts({ retentionDays: n })).toBe(ok);
    // The gate stores "keep everything" as null.
    const stored = n === 0 ? null : n;
    expect(settingsPatchSchema.safeParse({ retentionDays: stored }).success).toBe(ok);
  });
});
