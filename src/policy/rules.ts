import { z } from 'zod';
import type { ArgCondition, Rule } from '../contract/types';
import { isExpired } from '../contract/durations';
import { ruleDraftFieldsWith, type RuleChecks } from '../contract/ruleDraft';
import { globMatch, hasWildcard, literalLength } from './glob';
import { parseJsonPath, selectJsonPath } from './jsonPath';
import { isPathUnder, unjudgeablePathReason, type PathEnv } from './paths';
import { canonicalJson } from '../contract/canonicalJson';

export interface CallFacts {
  serverId: number | null;
  sessionId: string;
  tool: string;
  arguments: unknown;
}

// Regexes from rules run on arguments an agent chose; past this length a regex condition
// cannot be judged safely in time, and the rule then fails closed (see conditionHolds).
const MAX_REGEX_INPUT = 10_000;

/** Whether a condition holds; 'unknown' when it cannot be judged (fails closed). */
type Holds = boolean | 'unknown';

function testValue(condition: ArgCondition, value: unknown, env: PathEnv): Holds {
  switch (condition.op) {
    case 'under':
      if (typeof value !== 'string') return false;
      // A path whose place the gate cannot pin down is never "under" anything: the condition
      // cannot be judged, so an allow rule does not apply and a deny or ask rule still does.
      if (unjudgeablePathReason(value, env) !== null) return 'unknown';
      return isPathUnder(value, condition.value, env);
    case 'equals':
      return sameJson(value, condition.value);
    case 'oneOf':
      return condition.value.some((option) => sameJson(value, option));
    case 'regex': {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
        return false;
      const text = String(value);
      if (text.length > MAX_REGEX_INPUT) return 'unknown';
      const re = compile(condition.value);
      return re === null ? 'unknown' : re.test(text);
    }
    case 'range': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())
            ? Number(value)
            : NaN;
      if (!Number.isFinite(n)) return false;
      return (
        (condition.min === undefined || n >= condition.min) &&
        (condition.max === undefined || n <= condition.max)
      );
    }
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

const regexCache = new Map<string, RegExp | null>();
function compile(source: string): RegExp | null {
  if (!regexCache.has(source)) {
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(source, tryRegExp(source));
  }
  return regexCache.get(source) ?? null;
}

function tryRegExp(source: string): RegExp | null {
  try {
    return new RegExp(source, 'u');
  } catch {
    return null;
  }
}

/** A condition holds when its path selects at least one value and every selected value passes. */
export function conditionHolds(condition: ArgCondition, args: unknown, env: PathEnv): Holds {
  const values = selectJsonPath(args, condition.path);
  if (values.length === 0) return false;
  let unknown = false;
  for (const value of values) {
    const verdict = testValue(condition, value, env);
    if (verdict === false) return false;
    if (verdict === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : true;
}

/** Enabled, unexpired, same server (or any), tool glob matches, every condition holds. */
export function ruleApplies(rule: Rule, call: CallFacts, now: number, env: PathEnv): boolean {
  if (!rule.enabled || isExpired(rule.expiry, now, call.sessionId)) return false;
  if (rule.serverId !== null && rule.serverId !== call.serverId) return false;
  if (!globMatch(rule.tool, call.tool)) return false;
  for (const condition of rule.conditions) {
    const verdict = conditionHolds(condition, call.arguments, env);
    // A condition that cannot be judged fails closed: it never allows, and it still denies or asks.
    if (verdict === 'unknown' ? rule.action === 'allow' : !verdict) return false;
  }
  return true;
}

/**
 * Why an allow rule that names this server and tool could not judge the call's paths: one line
 * per argument whose place cannot be pinned down (relative, ~user, C:foo, UNC, stream...).
 */
export function unjudgedPaths(rule: Rule, call: CallFacts, now: number, env: PathEnv): string[] {
  if (!rule.enabled || isExpired(rule.expiry, now, call.sessionId)) return [];
  if (rule.serverId !== null && rule.serverId !== call.serverId) return [];
  if (!globMatch(rule.tool, call.tool)) return [];
  const out: string[] = [];
  for (const condition of rule.conditions) {
    if (condition.op !== 'under') continue;
    for (const value of selectJsonPath(call.arguments, condition.path)) {
      const why = typeof value === 'string' ? unjudgeablePathReason(value, env) : null;
      if (why !== null) out.push(`${JSON.stringify(value)} (${why})`);
    }
  }
  return out;
}

/** Conditions narrow most, then an exact tool name, then a named server, then literal length. */
export function ruleSpecificity(rule: Rule): number {
  return (
    rule.conditions.length * 10_000 +
    (hasWildcard(rule.tool) ? 0 : 2_000) +
    (rule.serverId !== null ? 1_000 : 0) +
    Math.min(literalLength(rule.tool), 999)
  );
}

const ACTION_RANK = { deny: 3, ask: 2, allow: 1 } as const;

/** Orders rules best first: deny > ask > allow, then most specific, then newest. */
export function compareRules(a: Rule, b: Rule): number {
  return (
    ACTION_RANK[b.action] - ACTION_RANK[a.action] ||
    ruleSpecificity(b) - ruleSpecificity(a) ||
    b.createdAt - a.createdAt ||
    b.id - a.id
  );
}

/** Every rule that applies to the call, best first. */
export function applicableRules(rules: Rule[], call: CallFacts, now: number, env: PathEnv): Rule[] {
  return rules.filter((rule) => ruleApplies(rule, call, now, env)).sort(compareRules);
}

/** The rule that decides: deny > ask > allow; the most specific among equals. */
export function pickRule(rules: Rule[], call: CallFacts, now: number, env: PathEnv): Rule | null {
  return applicableRules(rules, call, now, env)[0] ?? null;
}

// Validation is checked against a POSIX and a Windows reading, since the gate that applies a
// rule may run on either; `under` must name an absolute place, never one relative to the gate.
const POSIX: PathEnv = { home: '/home/u', cwd: '/', caseInsensitive: false, sep: '/' };
const WINDOWS: PathEnv = { home: 'C:\\Users\\u', cwd: 'C:\\', caseInsensitive: true, sep: '\\' };

// The shape and limits are the contract's (src/contract/ruleDraft.ts); policy adds what needs
// its parsers: an argument path that parses, an `under` directory that is absolute.
const policyChecks: RuleChecks = {
  argPath(path) {
    try {
      parseJsonPath(path);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  },
  underDirectory(dir) {
    const posix = unjudgeablePathReason(dir, POSIX);
    const windows = unjudgeablePathReason(dir, WINDOWS);
    return posix !== null && windows !== null
      ? `A directory for "under" must be absolute (or start with ~/): ${posix}.`
      : null;
  },
};

const draft = ruleDraftFieldsWith(policyChecks);

/** A draft from any source; what the person left out gets the defaults a new rule has. */
export const ruleInputSchema = z
  .strictObject({
    ...draft,
    id: z.number().int().optional(),
    serverId: draft.serverId.default(null),
    conditions: draft.conditions.default([]),
    expiry: draft.expiry.default({ kind: 'forever' }),
    // Absent: medium for allow rules (see withDefaultCeiling); null means "any risk", chosen.
    riskCeiling: draft.riskCeiling.optional(),
    note: draft.note.default(''),
    origin: z
      .string()
      .regex(/^(manual|decision:\d+)$/, 'origin is "manual" or "decision:N".')
      .default('manual'),
    enabled: draft.enabled.default(true),
    createdAt: z.number().optional(),
  })
  .refine((r) => r.riskCeiling == null || r.action === 'allow', {
    message: 'A risk ceiling applies to allow rules only.',
    path: ['riskCeiling'],
  })
  .refine((r) => r.reviewResults == null || r.action === 'allow', {
    message: 'Reviewing results applies to allow rules only.',
    path: ['reviewResults'],
  })
  .transform(withDefaultCeiling);

/** The risk an allow rule lets through when its author named none. */
export const DEFAULT_RISK_CEILING = 'medium';

// An allow rule never widens silently: without a stated ceiling it stops at medium, and
// "any risk" (null) must be asked for.
function withDefaultCeiling<T extends { action: string; riskCeiling?: string | null }>(
  r: T,
): T & { riskCeiling: string | null } {
  const fallback = r.action === 'allow' ? DEFAULT_RISK_CEILING : null;
  return { ...r, riskCeiling: r.riskCeiling === undefined ? fallback : r.riskCeiling };
}

/** A checked rule before the store gives it an id and a creation time. */
export type CheckedRule = Omit<Rule, 'id' | 'createdAt'> & { id?: number; createdAt?: number };

export type RuleValidation = { ok: true; rule: CheckedRule } | { ok: false; error: string };

/** Parse untrusted rule input (UI, CLI, file): defaults filled in, or a clear error. */
export function validateRule(input: unknown): RuleValidation {
  const result = ruleInputSchema.safeParse(input);
  if (!result.success) {
    const error = result.error.issues
      .map((issue) =>
        issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
      )
      .join('\n');
    return { ok: false, error };
  }
  return { ok: true, rule: result.data as CheckedRule };
}
