// The check of what the gate sends: the handshake, the gate → shim messages and the answers to
// control requests of wire.ts, written out by hand because loading zod would add ~100 ms to
// every start of the shim (a host may start it only to probe it) and of the CLI's
// pending/approve/deny/status. wireCheck.test.ts holds these functions to the zod schemas in
// wire.ts: both accept and refuse the same messages.
import { INEXACT_NUMBER_MAX_CHARS } from '../contract/exactNumbers';
import {
  DECISION_KINDS,
  RISK_LEVELS,
  type PendingCall,
  type ResultReview,
  type RiskReason,
} from '../contract/types';
import type {
  ControlResponse,
  GateHandshake,
  GateMessage,
  SettledCall,
  SettledResult,
} from '../gate/wire';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isCount = (v: unknown): v is number => isInt(v) && v >= 0;
const HEX64 = /^[0-9a-f]{64}$/;
const HEX32 = /^[0-9a-f]{32}$/;

const isTime = isCount;
const isNullOr = <T>(v: unknown, check: (v: unknown) => v is T): boolean => v === null || check(v);
const isStrArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Exactly these keys (zod's strictObject). */
function hasKeys(o: Obj, keys: readonly string[]): boolean {
  const own = Object.keys(o);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(o, k));
}

/** These keys, and of `optional` any that are present (zod's strictObject with optional fields). */
function hasKeysWith(o: Obj, keys: readonly string[], optional: readonly string[]): boolean {
  const present = optional.filter((k) => Object.hasOwn(o, k));
  return hasKeys(o, [...keys, ...present]);
}

export function checkGateHandshake(v: unknown): GateHandshake | null {
  if (!isObj(v)) return null;
  switch (v.t) {
    case 'challenge':
      return hasKeys(v, ['t', 'v', 'nonce']) &&
        isInt(v.v) &&
        typeof v.nonce === 'string' &&
        HEX32.test(v.nonce)
        ? (v as GateHandshake)
        : null;
    case 'welcome':
      return hasKeys(v, ['t', 'proof']) && typeof v.proof === 'string' && HEX64.test(v.proof)
        ? (v as GateHandshake)
        : null;
    case 'refused':
      return hasKeys(v, ['t', 'reason']) && isStr(v.reason, 500) ? (v as GateHandshake) : null;
    default:
      return null;
  }
}

/** The edited arguments of an approval (wire.ts: `edit` of a decision). */
function isEdit(v: unknown): boolean {
  return (
    isObj(v) &&
    hasKeys(v, ['args', 'digest']) &&
    isStr(v.args, 64 * 1024 * 1024) &&
    typeof v.digest === 'string' &&
    HEX64.test(v.digest)
  );
}

export function checkGateMessage(v: unknown): GateMessage | null {
  if (!isObj(v)) return null;
  switch (v.t) {
    case 'held':
      return hasKeys(v, ['t', 'rid', 'deadline']) && isCount(v.rid) && isCount(v.deadline)
        ? (v as GateMessage)
        : null;
    case 'decision':
      return hasKeysWith(v, ['t', 'rid', 'verdict', 'text', 'mac'], ['edit']) &&
        isCount(v.rid) &&
        (v.verdict === 'allow' || v.verdict === 'deny') &&
        isStr(v.text, 10_000) &&
        typeof v.mac === 'string' &&
        HEX64.test(v.mac) &&
        (v.edit === undefined || isEdit(v.edit))
        ? (v as GateMessage)
        : null;
    case 'disabled':
      return hasKeys(v, ['t', 'tools']) &&
        Array.isArray(v.tools) &&
        v.tools.length <= 10_000 &&
        v.tools.every((t) => isStr(t, 1000))
        ? (v as GateMessage)
        : null;
    case 'mode':
      return hasKeys(v, ['t', 'observe']) && typeof v.observe === 'boolean'
        ? (v as GateMessage)
        : null;
    case 'review':
      return hasKeys(v, ['t', 'rid', 'mode']) &&
        isCount(v.rid) &&
        (v.mode === 'flagged' || v.mode === 'all')
        ? (v as GateMessage)
        : null;
    case 'resultHeld':
      return hasKeys(v, ['t', 'rid', 'deadline']) && isCount(v.rid) && isCount(v.deadline)
        ? (v as GateMessage)
        : null;
    case 'resultVerdict':
      return hasKeys(v, ['t', 'rid', 'verdict', 'text', 'mac']) &&
        isCount(v.rid) &&
        (v.verdict === 'pass' || v.verdict === 'redact' || v.verdict === 'replace') &&
        isStr(v.text, 10_000) &&
        typeof v.mac === 'string' &&
        HEX64.test(v.mac)
        ? (v as GateMessage)
        : null;
    default:
      return null;
  }
}

const isRiskLevel = (v: unknown): boolean => (RISK_LEVELS as readonly unknown[]).includes(v);
const DECIDERS: readonly unknown[] = ['user', 'rule', 'policy', 'timeout', 'host', 'gate'];

/** Risk reasons, copied with only their named fields; null if one does not fit. */
function checkReasons(v: unknown): RiskReason[] | null {
  if (!Array.isArray(v)) return null;
  const reasons: RiskReason[] = [];
  for (const r of v as unknown[]) {
    if (!isObj(r) || typeof r.code !== 'string' || typeof r.text !== 'string') return null;
    if (!isRiskLevel(r.level)) return null;
    reasons.push({ code: r.code, level: r.level as RiskReason['level'], text: r.text });
  }
  return reasons;
}

/** What a waiting call and a held result both carry: which call, from where, and its clock. */
type HeldFields = Pick<
  PendingCall,
  | 'id'
  | 'sessionId'
  | 'host'
  | 'server'
  | 'serverId'
  | 'tool'
  | 'arguments'
  | 'receivedAt'
  | 'deadline'
>;

/** Those fields, copied alone, or null if one does not fit. */
function checkHeldFields(v: Record<string, unknown>): HeldFields | null {
  const ok =
    isInt(v.id) &&
    typeof v.sessionId === 'string' &&
    typeof v.host === 'string' &&
    typeof v.server === 'string' &&
    isNullOr(v.serverId, isInt) &&
    typeof v.tool === 'string' &&
    Object.hasOwn(v, 'arguments') &&
    isTime(v.receivedAt) &&
    isTime(v.deadline);
  if (!ok) return null;
  const h = v as unknown as HeldFields;
  return {
    id: h.id,
    sessionId: h.sessionId,
    host: h.host,
    server: h.server,
    serverId: h.serverId,
    tool: h.tool,
    arguments: h.arguments,
    receivedAt: h.receivedAt,
    deadline: h.deadline,
  };
}

/**
 * A waiting call as the gate lists it, with only the fields the schema names (zod's z.object
 * drops the others, so a gate cannot slip extra keys into `pending --json`); null if it does
 * not fit.
 */
function checkPendingCall(v: unknown): PendingCall | null {
  if (!isObj(v)) return null;
  const risk = v.risk;
  if (!isObj(risk) || !isRiskLevel(risk.level)) return null;
  const reasons = checkReasons(risk.reasons);
  const held = checkHeldFields(v);
  const ok =
    reasons !== null &&
    held !== null &&
    (v.description === null || typeof v.description === 'string') &&
    typeof v.definitionChanged === 'boolean' &&
    isStrArray(v.askReasons) &&
    (v.inexactNumber === undefined || isStr(v.inexactNumber, INEXACT_NUMBER_MAX_CHARS));
  if (!ok) return null;
  const call = v as unknown as PendingCall;
  return {
    ...held,
    description: call.description,
    risk: { level: call.risk.level, reasons },
    definitionChanged: call.definitionChanged,
    askReasons: [...call.askReasons],
    ...(call.inexactNumber !== undefined ? { inexactNumber: call.inexactNumber } : {}),
  };
}

/** A held result as the gate lists it, with only the fields the schema names (as above). */
function checkResultReview(v: unknown): ResultReview | null {
  if (!isObj(v)) return null;
  const findings = checkReasons(v.findings);
  const held = checkHeldFields(v);
  const ok =
    findings !== null &&
    held !== null &&
    (v.mode === 'flagged' || v.mode === 'all') &&
    isCount(v.size) &&
    typeof v.sha256 === 'string' &&
    typeof v.isError === 'boolean' &&
    isCount(v.chars) &&
    typeof v.preview === 'string' &&
    typeof v.hasSecrets === 'boolean' &&
    (v.risk === null || isRiskLevel(v.risk));
  if (!ok) return null;
  const r = v as unknown as ResultReview;
  return {
    ...held,
    mode: r.mode,
    size: r.size,
    sha256: r.sha256,
    isError: r.isError,
    chars: r.chars,
    preview: r.preview,
    hasSecrets: r.hasSecrets,
    risk: r.risk,
    findings,
  };
}

const RESULT_DECIDERS: readonly unknown[] = ['user', 'timeout', 'policy', 'host', 'gate'];

function isSettledResult(v: unknown): v is SettledResult {
  return (
    isObj(v) &&
    hasKeys(v, ['verdict', 'decidedBy', 'at', 'message']) &&
    (v.verdict === 'pass' || v.verdict === 'redact' || v.verdict === 'replace') &&
    RESULT_DECIDERS.includes(v.decidedBy) &&
    isTime(v.at) &&
    (v.message === null || isStr(v.message, 10_000))
  );
}

function isSettledCall(v: unknown): v is SettledCall {
  return (
    isObj(v) &&
    hasKeys(v, ['decision', 'decidedBy', 'ruleId', 'message', 'decidedAt']) &&
    (DECISION_KINDS as readonly unknown[]).includes(v.decision) &&
    (v.decidedBy === null || DECIDERS.includes(v.decidedBy)) &&
    isNullOr(v.ruleId, isInt) &&
    (v.message === null || isStr(v.message, 10_000)) &&
    isNullOr(v.decidedAt, isTime)
  );
}

/**
 * The gate's answer to a control request (`airlock pending`/`approve`/`deny`/`result`/`status`…).
 */
export function checkControlResponse(v: unknown): ControlResponse | null {
  if (!isObj(v) || !isCount(v.req)) return null;
  switch (v.t) {
    case 'pending': {
      if (!hasKeysWith(v, ['t', 'req', 'calls'], ['results']) || !Array.isArray(v.calls))
        return null;
      const calls: PendingCall[] = [];
      for (const c of v.calls as unknown[]) {
        const call = checkPendingCall(c);
        if (!call) return null;
        calls.push(call);
      }
      if (v.results === undefined) return { t: 'pending', req: v.req, calls };
      if (!Array.isArray(v.results)) return null;
      const results: ResultReview[] = [];
      for (const r of v.results as unknown[]) {
        const review = checkResultReview(r);
        if (!review) return null;
        results.push(review);
      }
      return { t: 'pending', req: v.req, calls, results };
    }
    case 'ok':
      return hasKeys(v, ['t', 'req']) ? (v as ControlResponse) : null;
    case 'saved':
      return hasKeys(v, ['t', 'req', 'id']) && isCount(v.id) && v.id > 0
        ? (v as ControlResponse)
        : null;
    case 'status':
      return hasKeys(v, ['t', 'req', 'mode', 'pending', 'sessions', 'dataDir', 'pid']) &&
        typeof v.mode === 'string' &&
        isCount(v.pending) &&
        isCount(v.sessions) &&
        typeof v.dataDir === 'string' &&
        isInt(v.pid)
        ? (v as ControlResponse)
        : null;
    case 'error':
      return hasKeysWith(v, ['t', 'req', 'message'], ['settled', 'review']) &&
        isStr(v.message, 10_000) &&
        (v.settled === undefined || isSettledCall(v.settled)) &&
        (v.review === undefined || isSettledResult(v.review))
        ? (v as ControlResponse)
        : null;
    default:
      return null;
  }
}
