// The one schema of a rule as a person writes it (the app's form, a popup's "approve always",
// the CLI's flags). The contract holds its shape and limits; src/policy adds the checks that
// need its parsers (an argument path that parses, an `under` directory that is absolute) through
// `RuleChecks`, so the renderer, main and the core cannot disagree on what a rule may hold.
import { z } from 'zod';
import {
  RISK_LEVELS,
  type ArgCondition,
  type RiskLevel,
  type Rule,
  type RuleExpiry,
} from './types';

/** More conditions than this is a rule nobody can read back; the form and the CLI stop here. */
export const MAX_RULE_CONDITIONS = 32;

/** Checks beyond the shape: each returns why a value is refused, or null. */
export interface RuleChecks {
  argPath?: (path: string) => string | null;
  underDirectory?: (dir: string) => string | null;
}

const checked = (check: ((value: string) => string | null) | undefined) =>
  function (value: string, ctx: z.RefinementCtx): void {
    const problem = check?.(value) ?? null;
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  };

// The regex runs on arguments with the `u` flag (src/policy/rules.ts), so it is checked so.
function compiles(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}

// Any JSON value, typed `unknown` like ArgCondition's values (they come from arguments). zod
// leaves a `__proto__` key out of what it returns, so no stored rule ever holds one.
const jsonValue: z.ZodType<unknown> = z.json();

export function argConditionSchemaWith(checks: RuleChecks = {}) {
  const path = z
    .string()
    .min(1, 'Say which argument the condition looks at, e.g. "path" or "$.files[*].path".')
    .max(500)
    .superRefine(checked(checks.argPath));
  return z.discriminatedUnion('op', [
    z.strictObject({
      path,
      op: z.literal('under'),
      value: z.string().min(1).max(4096).superRefine(checked(checks.underDirectory)),
    }),
    z.strictObject({ path, op: z.literal('equals'), value: jsonValue }),
    z.strictObject({ path, op: z.literal('oneOf'), value: z.array(jsonValue).min(1).max(1000) }),
    z.strictObject({
      path,
      op: z.literal('regex'),
      value: z
        .string()
        .min(1)
        .max(1000)
        .refine(compiles, { message: 'The regular expression does not compile.' }),
    }),
    z
      .strictObject({
        path,
        op: z.literal('range'),
        min: z.number().finite().optional(),
        max: z.number().finite().optional(),
      })
      .refine((c) => c.min !== undefined || c.max !== undefined, {
        message: 'A range needs a min or a max (min or max, or both).',
      })
      .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, {
        message: 'A range needs min ≤ max.',
      }),
  ]) satisfies z.ZodType<ArgCondition>;
}

/** A condition's shape and limits, without the path checks src/policy adds. */
export const argConditionSchema = argConditionSchemaWith();

export const ruleExpirySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('forever') }),
  z.strictObject({ kind: z.literal('until'), at: z.number().int().nonnegative() }),
  z.strictObject({ kind: z.literal('session'), sessionId: z.string().min(1).max(200) }),
]) satisfies z.ZodType<RuleExpiry>;

export const riskLevelSchema = z.enum(RISK_LEVELS as [RiskLevel, ...RiskLevel[]]);

/** The fields of a draft; src/policy builds its input schema (with defaults) from the same. */
export function ruleDraftFieldsWith(checks: RuleChecks = {}) {
  return {
    serverId: z.number().int().positive().nullable(),
    tool: z.string().min(1, 'Give a tool name or a glob such as "*" or "read_*".').max(200),
    conditions: z.array(argConditionSchemaWith(checks)).max(MAX_RULE_CONDITIONS),
    action: z.enum(['allow', 'ask', 'deny']),
    expiry: ruleExpirySchema,
    riskCeiling: riskLevelSchema.nullable(),
    /** Allow rules only: hold the results of the calls it allows for review. */
    reviewResults: z.enum(['flagged', 'all']).nullable().optional(),
    note: z.string().max(2000),
    enabled: z.boolean(),
  };
}

/** A rule as the user edits it, before the core gives it an id, an origin and a date. */
export type RuleDraft = Omit<Rule, 'id' | 'origin' | 'createdAt'>;
export const ruleDraftSchema = z.strictObject(ruleDraftFieldsWith()) satisfies z.ZodType<RuleDraft>;
