import { describe, expect, it } from 'vitest';
import { DURATIONS, describeExpiry, durationOf, expiryFor, isExpired } from './durations';

const T0 = 1_700_000_000_000;
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

describe('durations', () => {
  it('are worded one way', () => {
    expect(DURATIONS.map((d) => d.label)).toEqual([
      'for 15 minutes',
      'for 1 hour',
      'until the host restarts',
      'always',
    ]);
  });

  it('give expiries, and a session duration without a session lasts always', () => {
    expect(expiryFor('15m', T0, null)).toEqual({ kind: 'until', at: T0 + 900_000 });
    expect(expiryFor('1h', T0, 's')).toEqual({ kind: 'until', at: T0 + 3_600_000 });
    expect(expiryFor('session', T0, 's1')).toEqual({ kind: 'session', sessionId: 's1' });
    expect(expiryFor('session', T0, null)).toEqual({ kind: 'forever' });
    expect(expiryFor('forever', T0, 's')).toEqual({ kind: 'forever' });
  });

  it('recognise the duration a rule was saved with, within a minute', () => {
    expect(durationOf({ kind: 'until', at: T0 + 3_600_000 }, T0 + 20_000)).toBe('1h');
    expect(durationOf({ kind: 'until', at: T0 + 3_600_000 }, T0 + 300_000)).toBe('1h');
    expect(durationOf({ kind: 'until', at: T0 + 900_000 }, T0 + 300_000)).toBeNull();
    expect(durationOf({ kind: 'until', at: T0 + 900_000 }, T0)).toBe('15m');
    expect(durationOf({ kind: 'until', at: T0 + 7_200_000 }, T0)).toBeNull();
    expect(durationOf({ kind: 'session', sessionId: 's' }, T0)).toBe('session');
  });

  it('describe a saved rule the same way the builder offered it', () => {
    const wording = { createdAt: T0, now: T0 + 1000, time: hhmm };
    expect(describeExpiry({ kind: 'forever' }, wording)).toBe('always');
    expect(describeExpiry({ kind: 'session', sessionId: 's' }, wording)).toBe(
      'until the host restarts',
    );
    const hour = { kind: 'until', at: T0 + 3_600_000 } as const;
    expect(describeExpiry(hour, wording)).toBe(`for 1 hour (until ${hhmm(hour.at)})`);
    expect(describeExpiry(hour, { now: T0, time: hhmm })).toBe(`until ${hhmm(hour.at)}`);
    expect(describeExpiry(hour, { ...wording, now: hour.at })).toBe(`expired (${hhmm(hour.at)})`);
    expect(isExpired(hour, hour.at)).toBe(true);
    expect(isExpired(hour, hour.at - 1)).toBe(false);
  });

  it('expire a session rule in another session only, and never a rule for always', () => {
    const session = { kind: 'session', sessionId: 's1' } as const;
    expect(isExpired(session, T0, 's1')).toBe(false);
    expect(isExpired(session, T0, 's2')).toBe(true);
    expect(isExpired(session, T0)).toBe(false);
    expect(isExpired({ kind: 'forever' }, Number.MAX_SAFE_INTEGER, 's2')).toBe(false);
  });
});
