// How long a rule lasts, worded one way everywhere: the popup's rule builder, Rules, History
// and the command line all use these labels.
import type { RuleExpiry } from './types';

export type Duration = '15m' | '1h' | 'session' | 'forever';

const MINUTE = 60_000;

export const DURATIONS: readonly { value: Duration; label: string; ms: number | null }[] = [
  { value: '15m', label: 'for 15 minutes', ms: 15 * MINUTE },
  { value: '1h', label: 'for 1 hour', ms: 60 * MINUTE },
  { value: 'session', label: 'until the host restarts', ms: null },
  { value: 'forever', label: 'always', ms: null },
];

export function durationLabel(duration: Duration): string {
  return DURATIONS.find((d) => d.value === duration)?.label ?? duration;
}

/** The expiry a duration chosen now gives; "until the host restarts" needs the host's session. */
export function expiryFor(duration: Duration, now: number, sessionId: string | null): RuleExpiry {
  const ms = DURATIONS.find((d) => d.value === duration)?.ms ?? null;
  if (ms !== null) return { kind: 'until', at: now + ms };
  if (duration === 'session' && sessionId) return { kind: 'session', sessionId };
  return { kind: 'forever' };
}

/**
 * The duration a rule created at `createdAt` was given, or null for an end time set by hand.
 * The slack (a tenth of the duration, at least a minute) covers the moments between choosing
 * a duration and the rule being saved.
 */
export function durationOf(expiry: RuleExpiry, createdAt: number): Duration | null {
  if (expiry.kind === 'forever') return 'forever';
  if (expiry.kind === 'session') return 'session';
  const length = expiry.at - createdAt;
  const match = DURATIONS.find(
    (d) => d.ms !== null && length <= d.ms + MINUTE && length >= d.ms - Math.max(MINUTE, d.ms / 10),
  );
  return match?.value ?? null;
}

export interface ExpiryWording {
  /** When the rule was created; without it an end time is shown as it is. */
  createdAt?: number;
  now: number;
  /** How a moment is written (the app: local time; the CLI: ISO minutes). */
  time?: (ms: number) => string;
}

/** "always", "until the host restarts", "for 1 hour (until 14:02)", "expired (14:02)". */
export function describeExpiry(expiry: RuleExpiry, wording: ExpiryWording): string {
  const time = wording.time ?? ((ms: number) => new Date(ms).toLocaleString());
  if (expiry.kind !== 'until') return durationLabel(expiry.kind);
  if (expiry.at <= wording.now) return `expired (${time(expiry.at)})`;
  const duration = wording.createdAt === undefined ? null : durationOf(expiry, wording.createdAt);
  return duration
    ? `${durationLabel(duration)} (until ${time(expiry.at)})`
    : `until ${time(expiry.at)}`;
}

/**
 * Whether a rule no longer applies: its end time has come, or it was made "until the host
 * restarts" in another session than `sessionId`. Without a session (a list shown outside any
 * host's session) only the end time counts.
 */
export function isExpired(expiry: RuleExpiry, now: number, sessionId?: string): boolean {
  if (expiry.kind === 'until') return expiry.at <= now;
  if (expiry.kind === 'session') return sessionId !== undefined && expiry.sessionId !== sessionId;
  return false;
}
