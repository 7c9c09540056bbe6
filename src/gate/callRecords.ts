// What the record keeps of a call and of the gate's decision on it. Pure.
import type { DecidedBy, DecisionKind, RiskAssessment } from '../contract/types';
import type { Decision } from '../policy/decide';
import type { CallDecision, CallStart } from '../store/types';
import type { ShimSession } from './session';
import type { ToolCall } from './toolCall';
import type { Verdict } from './wire';

/** What a call's record takes from its session (a live one, or one that has ended). */
export type SessionRef = Pick<ShimSession, 'id' | 'info' | 'serverId'>;

/** What the record keeps of a call as it arrived from this session. */
export function callStart(
  session: SessionRef,
  call: ToolCall,
  at: number,
  risk: RiskAssessment,
): CallStart {
  return {
    at,
    sessionId: session.id,
    host: session.info?.host ?? '',
    serverId: session.serverId,
    server: session.info?.server ?? '',
    tool: call.tool,
    argumentsRaw: call.argumentsRaw,
    risk,
  };
}

/** A decision the gate made now (by a rule or by policy), as the record keeps it. */
export function decidedNow(
  decision: Decision,
  at: number,
): CallDecision & { kind: DecisionKind; message: string } {
  const kind: DecisionKind =
    decision.kind ?? (decision.verdict === 'allow' ? 'auto-approved' : 'auto-denied');
  const decidedBy: DecidedBy = decision.ruleId !== null ? 'rule' : 'policy';
  return {
    kind,
    decidedBy,
    ruleId: decision.ruleId,
    message: decision.reasons.join(' '),
    at,
    wouldHave: decision.wouldHave ?? null,
  };
}

/** The risk of a call the gate could not assess, and why: it says so instead of guessing. */
export function notAssessed(code: string, why: string): RiskAssessment {
  return { level: 'medium', reasons: [{ code, level: 'medium', text: `Not assessed: ${why}.` }] };
}

/** The record of a call denied because its decision could not be written when it was made. */
export function deniedUnrecorded(
  verdict: Verdict | 'ask',
  reason: string,
  cause: string,
  at: number,
): CallDecision {
  const would =
    verdict === 'allow'
      ? 'Would have been allowed'
      : verdict === 'ask'
        ? 'Would have asked'
        : 'Denied';
  return {
    kind: 'auto-denied',
    decidedBy: 'gate',
    ruleId: null,
    message: `${would} (${reason}), but the decision could not be recorded (${cause}), so the call was denied.`,
    at,
  };
}
