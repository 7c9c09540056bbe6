// Observe mode, settled in one place. Observe mode logs and never blocks: a call goes ahead at
// once and is evaluated and recorded just after, in a batch; no queue bound applies (nothing
// waits) and no result is held. Only a switch a person flipped still stops a call there: the
// pause (which ends observing altogether) and a tool switched off. Pure.
import type { Decision } from '../policy/decide';
import type { GateMode } from '../policy/evaluate';

/** Observe mode is in force: nothing waits for a person, neither a call nor its result. */
export function observing(settings: GateMode): boolean {
  return settings.mode === 'observe' && !settings.paused;
}

/** A call arriving now goes ahead at once, before it is evaluated (observe mode). */
export function goesAheadAtOnce(settings: GateMode, toolEnabled: boolean): boolean {
  return observing(settings) && toolEnabled;
}

/**
 * A call that went ahead already is recorded as observed, whatever its evaluation says now (the
 * mode or the tool's switch may have changed since the shim let it through): what it would have
 * been is kept beside it.
 */
export function asObserved(decision: Decision): Decision {
  if (decision.kind === 'observed') return decision;
  return { ...decision, verdict: 'allow', kind: 'observed', wouldHave: decision.verdict };
}
