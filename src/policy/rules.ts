import { z } from 'zod';
import type { ArgCondition, Rule, RuleExpiry } from '../contract/types';
import { RISK_LEVELS } from '../contract/types';
import { globMatch, hasWildcard, literalLength } from './glob';
import { parseJsonPath, selectJsonPath } from './jsonPath';
import { isPathUnder, unjudgeablePathReason, type PathEnv } from './paths';
import { canonicalJson } from '../registry/hash';

export interface CallFacts {
  serverId: number | null;
  sessionId: string;
  tool: string;
  arguments: unknown;
}

// Regexes from rules run on arguments an agent chose; past this length a regex condition
// cannot be judged safely in time, and the rule then fails closed (see conditionHolds).
const MAX_REGEX_INPUT = 10_000;

type Verdict = boolean | 'unknown';

function testValue(condition: ArgCondition, value: unknown, env: PathEnv): Verdict {
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
export function conditionHolds(condition: ArgCondition, args: unknown, env: PathEnv): Verdict {
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

export function isExpired(expiry: RuleExpiry, now: number, sessionId: string): boolean {
  if (expiry.kind === 'until') return now >= expiry.at;
  if (expiry.kind === 'session') return expiry.sessionId !== sessionId;
  return false;
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

export type ExpiryChoice = '15m' | '1h' | 'session' | 'forever';

export function expiryFromChoice(choice: ExpiryChoice, now: number, sessionId: string): RuleExpiry {
  switch (choice) {
    case '15m':
      return { kind: 'until', at: now + 15 * 60_000 };
    case '1h':
      return { kind: 'until', at: now + 60 * 60_000 };
    case 'session':
      return { kind: 'session', sessionId };
    case 'forever':
      return { kind: 'forever' };
  }
}

// Validation is checked against a POSIX and a Windows reading, since the gate that applies a
// rule may run on either; `under` must name an absolute place, never one relative to the gate.
const POSIX: PathEnv = { home: '/home/u', cwd: '/', caseInsensitive: false, sep: '/' };
const WINDOWS: PathEnv = { home: 'C:\\Users\\u', cwd: 'C:\\', caseInsensitive: true, sep: '\\' };

const jsonPath = z
  .string()
  .min(1, 'Say which argument the condition looks at, e.g. "path" or "$.files[*].path".')
  .max(500)
  .superRefine((path, ctx) => {
    try {
      parseJsonPath(path);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

const conditionSchema = z.discriminatedUnion('op', [
  z.object({
    path: jsonPath,
    op: z.literal('under'),
    value: z
      .string()
      .min(1)
      .superRefine((p, ctx) => {
        const posix = unjudgeablePathReason(p, POSIX);
        const windows = unjudgeablePathReason(p, WINDOWS);
        if (posix !== null && windows !== null)
          ctx.addIssue({
            code: 'custom',
            message: `A directory for "under" must be absolute (or start with ~/): ${posix}.`,
          });
      }),
  }),
  z.object({ path: jsonPath, op: z.literal('equals'), value: z.json() }),
  z.object({ path: jsonPath, op: z.literal('oneOf'), value: z.array(z.json()).min(1).max(1000) }),
  z.object({
    path: jsonPath,
    op: z.literal('regex'),
    value: z
      .string()
      .min(1)
      .max(1000)
      .refine((source) => compile(source) !== null, {
        message: 'The regular expression does not compile.',
      }),
  }),
  z
    .object({
      path: jsonPath,
      op: z.literal('range'),
      min: z.number().finite().optional(),
      max: z.number().finite().optional(),
    })
    .refine((c) => c.min !== undefined || c.max !== undefined, {
      message: 'A range needs a min or a max.',
    })
    .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, {
      message: 'A range needs min ≤ max.',
    }),
]);

const expirySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('forever') }),
  z.object({ kind: z.literal('until'), at: z.number().finite() }),
  z.object({ kind: z.literal('session'), sessionId: z.string().min(1) }),
]);

export const ruleDraftSchema = z
  .object({
    id: z.number().int().optional(),
    serverId: z.number().int().nullable().default(null),
    tool: z.string().min(1, 'Give a tool name or a glob such as "*" or "read_*".').max(200),
    conditions: z.array(conditionSchema).max(32).default([]),
    action: z.enum(['allow', 'ask', 'deny']),
    expiry: expirySchema.default({ kind: 'forever' }),
    // Absent: medium for allow rules (see withDefaultCeiling); null means "any risk", chosen.
    riskCeiling: z
      .enum(RISK_LEVELS as [string, ...string[]])
      .nullable()
      .optional(),
    reviewResults: z.enum(['flagged', 'all']).nullable().optional(),
    note: z.string().max(2000).default(''),
    origin: z
      .string()
      .regex(/^(manual|decision:\d+)$/, 'origin is "manual" or "decision:N".')
      .default('manual'),
    enabled: z.boolean().default(true),
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

/** A rule before the store gives it an id and a creation time. */
export type RuleDraft = Omit<Rule, 'id' | 'createdAt'> & { id?: number; createdAt?: number };

export type RuleValidation = { ok: true; rule: RuleDraft } | { ok: false; error: string };

/** Parse untrusted rule input (UI, CLI, file): defaults filled in, or a clear error. */
export function validateRule(input: unknown): RuleValidation {
  const result = ruleDraftSchema.safeParse(input);
  if (!result.success) {
    const error = result.error.issues
      .map((issue) =>
        issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
      )
      .join('\n');
    return { ok: false, error };
  }
  return { ok: true, rule: result.data as RuleDraft };
}
