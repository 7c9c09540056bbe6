// What `airlock approve`/`deny` says about a call that was already decided, and `airlock
// result` about a result no longer held: who decided it, how and when, in words ("call 7 was
// already approved by you at 14:02", "the result of call 7 was already replaced by you at 14:03").
import type { SettledCall, SettledResult } from '../gate/wire';

export function settledSentence(id: number, s: SettledCall, now: number): string {
  const when = typeof s.decidedAt === 'number' ? ` at ${clock(s.decidedAt, now)}` : '';
  const rule = typeof s.ruleId === 'number' ? `rule ${s.ruleId}` : null;
  const why =
    typeof s.message === 'string' && s.message
      ? ` (${s.message.replace(/\s+/g, ' ').slice(0, 200)})`
      : '';
  const head = `call ${id} was already`;
  switch (s.decision) {
    case 'approved':
      return `${head} approved by you${when}`;
    case 'denied':
      return `${head} denied by you${when}${why}`;
    case 'auto-approved':
      return `${head} approved ${rule ? `by ${rule}${when}` : `automatically${when}${why}`}`;
    case 'auto-denied':
      return `${head} denied ${rule ? `by ${rule}${when}` : `automatically${when}${why}`}`;
    case 'observed':
      return `${head} let through in observe mode${when}; it never waited for a decision`;
    case 'timed-out':
      return `${head} denied${when}: nobody decided in time`;
    case 'cancelled':
      return `${head} cancelled by the host${when}`;
    case 'interrupted':
      return `${head} denied${when}: the gate stopped while it waited`;
    case 'unreachable':
      return `${head} denied${when}: the gate could not be reached`;
    default:
      return `${head} decided${when}`;
  }
}

const RESULT_DONE = { pass: 'passed', redact: 'passed redacted', replace: 'replaced' } as const;

export function settledResultSentence(id: number, s: SettledResult, now: number): string {
  const when = ` at ${clock(s.at, now)}`;
  const why =
    typeof s.message === 'string' && s.message
      ? ` (${s.message.replace(/\s+/g, ' ').slice(0, 200)})`
      : '';
  const head = `the result of call ${id} was already`;
  const done = RESULT_DONE[s.verdict] ?? 'decided';
  switch (s.decidedBy) {
    case 'user':
      return `${head} ${done} by you${when}${s.verdict === 'replace' ? why : ''}`;
    case 'policy':
      return `${head} ${done} automatically${when}${why}`;
    case 'timeout':
      return `${head} ${done}${when}: nobody decided in time`;
    case 'host':
      return `${head} dropped${when}: the host withdrew the call${why}`;
    case 'gate':
      return `${head} ${done} by Airlock${when}${why}`;
    default:
      return `${head} ${done}${when}`;
  }
}

/** "14:02" today, "2026-11-30 14:02" another day; local time, as the user reads a clock. */
export function clock(at: number, now: number): string {
  const d = new Date(at);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const sameDay = new Date(now).toDateString() === d.toDateString();
  return sameDay ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}
