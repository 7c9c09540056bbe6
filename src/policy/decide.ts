import type { DecisionKind, Mode, RiskAssessment, Rule } from '../contract/types';
import { applicableRules, compareRules, unjudgedPaths, type CallFacts } from './rules';
import { riskRank, type ToolState } from './risk';
import { nameActs, nameClearlyReads, nameVerbs } from './verbs';
import type { PathEnv } from './paths';

export interface DecideInput {
  call: CallFacts;
  tool: ToolState & { enabled: boolean };
  rules: Rule[];
  mode: Mode;
  paused: boolean;
  risk: RiskAssessment;
  now: number;
  env: PathEnv;
}

export type PolicyVerdict = 'allow' | 'deny' | 'ask';

export interface Decision {
  verdict: PolicyVerdict;
  /** null when the verdict is ask: a person decides. */
  kind: DecisionKind | null;
  ruleId: number | null;
  reasons: string[];
  /** In observe mode: what would have been decided. */
  wouldHave?: PolicyVerdict;
}

/** Read-only means the tool says so or its name reads, and nothing in its name acts. */
export function isReadOnly(toolName: string, tool: ToolState): boolean {
  if (nameActs(nameVerbs(toolName))) return false;
  return tool.definition?.annotations?.readOnlyHint === true || nameClearlyReads(toolName);
}

function decideAsking(input: DecideInput): Decision {
  const { call, tool, risk } = input;
  if (!tool.enabled) {
    return {
      verdict: 'deny',
      kind: 'auto-denied',
      ruleId: null,
      reasons: ['This tool is switched off in Airlock.'],
    };
  }
  if (input.paused) {
    return {
      verdict: 'deny',
      kind: 'auto-denied',
      ruleId: null,
      reasons: ['Airlock is paused: every new call is denied.'],
    };
  }
  const rules = applicableRules(input.rules, call, input.now, input.env);
  const deny = rules.find((r) => r.action === 'deny');
  if (deny)
    return {
      verdict: 'deny',
      kind: 'auto-denied',
      ruleId: deny.id,
      reasons: [`Denied by rule ${deny.id}.`],
    };

  if (risk.level === 'critical') {
    return {
      verdict: 'ask',
      kind: null,
      ruleId: null,
      reasons: ['Critical risk always asks, whatever the rules say.'],
    };
  }
  const ask = rules.find((r) => r.action === 'ask');
  if (ask)
    return { verdict: 'ask', kind: null, ruleId: ask.id, reasons: [`Rule ${ask.id} says to ask.`] };

  const notes: string[] = [];
  // Only the most specific allow rule speaks: a narrow rule with a ceiling is not overridden
  // by a broader one without.
  const allow = rules.find((r) => r.action === 'allow');
  if (!allow) notes.push(...unjudgedNotes(input));
  if (allow) {
    if (tool.changed) {
      notes.push(`Rule ${allow.id} is suspended until the changed tool definition is reviewed.`);
    } else if (allow.riskCeiling !== null && riskRank(risk.level) > riskRank(allow.riskCeiling)) {
      notes.push(
        `Rule ${allow.id} allows up to ${allow.riskCeiling} risk; this call is ${risk.level}.`,
      );
    } else {
      return {
        verdict: 'allow',
        kind: 'auto-approved',
        ruleId: allow.id,
        reasons: [`Allowed by rule ${allow.id}.`],
      };
    }
  }
  if (risk.level === 'low' && !tool.changed && isReadOnly(call.tool, tool)) {
    return {
      verdict: 'allow',
      kind: 'auto-approved',
      ruleId: null,
      reasons: [...notes, 'Read-only and low risk.'],
    };
  }
  return { verdict: 'ask', kind: null, ruleId: null, reasons: [...notes, whyAsk(input)] };
}

/**
 * The real reason a call falls through to a person: its strongest risk reason when it has
 * one above low, else that nothing says it only reads.
 */
export function whyAsk(input: Pick<DecideInput, 'call' | 'tool' | 'risk'>): string {
  const { risk } = input;
  const top = risk.reasons.find((r) => r.level === risk.level);
  if (risk.level !== 'low' && top) {
    return `${risk.level === 'high' ? 'High' : 'Medium'} risk, so a person decides: ${top.text}`;
  }
  if (input.tool.changed)
    return "The tool's definition changed since it was last reviewed, so a person decides.";
  return isReadOnly(input.call.tool, input.tool)
    ? 'Low risk, but a person decides.'
    : 'Nothing says this tool only reads, so a person decides.';
}

/** Say why an allow rule whose path condition could not judge the call's paths did not apply. */
function unjudgedNotes(input: DecideInput): string[] {
  for (const rule of [...input.rules].sort(compareRules)) {
    if (rule.action !== 'allow') continue;
    const paths = unjudgedPaths(rule, input.call, input.now, input.env);
    if (paths.length > 0)
      return [`Rule ${rule.id} does not apply: it cannot judge the path ${paths[0]}.`];
  }
  return [];
}

/**
 * The gate's decision for one call. Order: disabled tool, pause, deny rule, critical risk,
 * ask rule, allow rule (unless suspended or over its ceiling), read-only and low risk, else ask.
 * Observe mode allows and reports what would have happened; a switched-off tool and a pause
 * still deny there, since they are explicit switches a person just flipped.
 */
export function decide(input: DecideInput): Decision {
  const decision = decideAsking(input);
  if (input.mode !== 'observe') return decision;
  if (decision.verdict === 'deny' && decision.ruleId === null) return decision;
  return { ...decision, verdict: 'allow', kind: 'observed', wouldHave: decision.verdict };
}
