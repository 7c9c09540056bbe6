// The facts about a call that its chain events carry. The same functions build event payloads
// and read call rows back, so `audit verify` can tell a call row edited behind the chain's back.
import type { RiskReason } from '../contract/types';
import { canonicalJson } from '../contract/canonicalJson';
import { sha256 } from './chain';
import { digestText } from './digest';
import type { CallDecision, CallOutcome, CallResult, CallStart } from './types';

export interface CallDbRow {
  id: number;
  at: number;
  session_id: string;
  host: string;
  server_id: number | null;
  server: string;
  tool: string;
  arguments: string;
  risk: string;
  reasons: string;
  decision: string | null;
  decided_by: string | null;
  rule_id: number | null;
  message: string | null;
  decided_at: number | null;
  would_have: string | null;
  outcome_error: number | null;
  outcome_duration_ms: number | null;
  outcome_size: number | null;
  /** Edit, then approve: what was approved instead of `arguments` (NULL: not edited). */
  approved_arguments: string | null;
  /** Bytes since migration 009 (hex text before it, or when it was not a hex digest). */
  result_sha256: Buffer | string | null;
  result_excerpt: string | null;
  result_chars: number | null;
  result_risk: string | null;
  result_findings: string | null;
  result_review: string | null;
}

export type Facts = Record<string, unknown>;

export const BEGUN_KEYS = [
  'at',
  'sessionId',
  'host',
  'serverId',
  'server',
  'tool',
  'argumentsSha256',
  'risk',
  'reasons',
] as const;
export const DECIDED_KEYS = [
  'decision',
  'decidedBy',
  'ruleId',
  'message',
  'decidedAt',
  'wouldHave',
] as const;
export const OUTCOME_KEYS = ['isError', 'durationMs', 'size'] as const;
/**
 * Chained only for an edited approval, in the decision's event: a group of its own, so the
 * digests of every decision recorded before edits existed stay what they were. A row edited
 * to add, change or drop approved arguments no longer matches the chain.
 */
export const EDITED_KEYS = ['approvedArgumentsSha256'] as const;
export const RESULT_KEYS = [
  'resultSha256',
  'resultExcerpt',
  'resultChars',
  'resultRisk',
  'resultFindings',
] as const;
export const REVIEW_KEYS = ['resultReview'] as const;
export const ALL_KEYS: readonly string[] = [
  ...BEGUN_KEYS,
  ...DECIDED_KEYS,
  ...OUTCOME_KEYS,
  ...EDITED_KEYS,
  ...RESULT_KEYS,
  ...REVIEW_KEYS,
];

export function argumentsText(c: CallStart): string {
  return c.argumentsRaw ?? JSON.stringify(c.arguments ?? {});
}

export function begunFacts(c: CallStart, args: string): Facts {
  return {
    at: c.at,
    sessionId: c.sessionId,
    host: c.host,
    serverId: c.serverId,
    server: c.server,
    tool: c.tool,
    argumentsSha256: sha256(args),
    risk: c.risk.level,
    reasons: c.risk.reasons,
  };
}

export function decidedFacts(d: CallDecision): Facts {
  return {
    decision: d.kind,
    decidedBy: d.decidedBy,
    ruleId: d.ruleId,
    message: d.message,
    decidedAt: d.at,
    wouldHave: d.wouldHave ?? null,
  };
}

export function editedFacts(approvedArgumentsRaw: string): Facts {
  return { approvedArgumentsSha256: sha256(approvedArgumentsRaw) };
}

export function outcomeFacts(o: CallOutcome): Facts {
  return { isError: o.isError, durationMs: o.durationMs, size: o.size };
}

export function resultFacts(r: CallResult): Facts {
  return {
    resultSha256: r.sha256,
    resultExcerpt: r.excerpt,
    resultChars: r.chars,
    resultRisk: r.risk,
    resultFindings: r.findings,
  };
}

export function rowFacts(r: CallDbRow): Facts {
  return {
    at: r.at,
    sessionId: r.session_id,
    host: r.host,
    serverId: r.server_id,
    server: r.server,
    tool: r.tool,
    argumentsSha256: sha256(r.arguments),
    risk: r.risk,
    reasons: JSON.parse(r.reasons) as RiskReason[],
    decision: r.decision,
    decidedBy: r.decided_by,
    ruleId: r.rule_id,
    message: r.message,
    decidedAt: r.decided_at,
    wouldHave: r.would_have,
    isError: r.outcome_error === null ? null : r.outcome_error === 1,
    durationMs: r.outcome_duration_ms,
    size: r.outcome_size,
    approvedArgumentsSha256:
      r.approved_arguments === null || r.approved_arguments === undefined
        ? null
        : sha256(r.approved_arguments),
    resultSha256: r.result_sha256 === null ? null : digestText(r.result_sha256),
    resultExcerpt: r.result_excerpt,
    resultChars: r.result_chars,
    resultRisk: r.result_risk,
    resultFindings:
      r.result_findings === null ? null : (JSON.parse(r.result_findings) as RiskReason[]),
    resultReview: r.result_review === null ? null : (JSON.parse(r.result_review) as unknown),
  };
}

/** The first key whose value differs, or null. Keys absent from `expected` count as null. */
export function firstDifference(
  expected: Facts,
  actual: Facts,
  keys: readonly string[],
): string | null {
  for (const k of keys) {
    if (canonicalJson(expected[k] ?? null) !== canonicalJson(actual[k] ?? null)) return k;
  }
  return null;
}

/**
 * A lean event points at the facts it chains instead of repeating them: the digest of those
 * facts (in key order), the names of the groups it covers, and the decision kind in the clear
 * so the chain still reads as a story. The call row holds the facts once; `audit verify`
 * recomputes the digest from the row. Events written before this form carry the facts whole,
 * and verify reads both.
 */
export const FACT_GROUPS = {
  begun: BEGUN_KEYS,
  decided: DECIDED_KEYS,
  outcome: OUTCOME_KEYS,
  edited: EDITED_KEYS,
  result: RESULT_KEYS,
  review: REVIEW_KEYS,
} as const;
export type FactGroup = keyof typeof FACT_GROUPS;

export function keysOf(groups: readonly FactGroup[]): string[] {
  return groups.flatMap((g) => [...FACT_GROUPS[g]]);
}

export function factsDigest(facts: Facts, keys: readonly string[]): string {
  return sha256(canonicalJson(keys.map((k) => facts[k] ?? null)));
}

export function leanFacts(groups: readonly FactGroup[], facts: Facts): Facts {
  return {
    covers: groups.join('+'),
    ...(groups.includes('decided') ? { decision: facts.decision } : {}),
    sha256: factsDigest(facts, keysOf(groups)),
  };
}

/** The groups a lean event covers, or null when its payload is not a lean one. */
export function leanGroups(payload: Facts): FactGroup[] | null {
  if (typeof payload.sha256 !== 'string' || typeof payload.covers !== 'string') return null;
  const groups = payload.covers.split('+');
  return groups.every((g): g is FactGroup => Object.hasOwn(FACT_GROUPS, g)) ? groups : null;
}
