// From a call and what the gate knows about its tool and session, to a decision. Pure: the
// gate gathers the facts (store, session), and records and acts on the result.
import type { Mode, RiskAssessment, Rule, ToolRecord } from '../contract/types';
import { decide, type Decision } from './decide';
import type { PathEnv } from './paths';
import { assessCall, type RiskFacts, type SessionFacts, type ToolState } from './risk';

export interface CallContext {
  tool: string;
  arguments: unknown;
  /** The registry's record of the tool, once a tools/list result named it. */
  record: ToolRecord | null;
  sessionId: string;
  serverId: number | null;
  roots: string[];
  readSensitiveEarlier: boolean;
  knownDomains: string[];
  /**
   * How the code this server runs differs from what the user reviewed (command path, env…),
   * one line each; non-empty suspends every allow rule for its calls.
   */
  identityChanges?: string[];
}

/** The two switches every call is decided under (the app's Settings, src/contract, hold more). */
export interface GateMode {
  mode: Mode;
  paused: boolean;
}

export interface Evaluation {
  tool: ToolState & { enabled: boolean };
  risk: RiskAssessment;
  /** What the risk scan found (sensitive data, domains, paths): act on these, never re-scan. */
  facts: RiskFacts;
  decision: Decision;
}

/** A tool the server never listed is new, and not trusted any further than a new one. */
export function toolStateOf(record: ToolRecord | null): ToolState & { enabled: boolean } {
  if (!record) return { definition: null, isNew: true, changed: false, poison: [], enabled: true };
  return {
    definition: record.definition,
    isNew: false,
    changed: record.reviewedHash !== null && record.reviewedHash !== record.hash,
    poison: record.poison,
    enabled: record.enabled,
  };
}

export function evaluateCall(
  call: CallContext,
  rules: Rule[],
  settings: GateMode,
  now: number,
  env: PathEnv,
): Evaluation {
  const tool = toolStateOf(call.record);
  const { risk, facts } = assessCall(
    { tool: call.tool, arguments: call.arguments },
    tool,
    sessionFactsOf(call, env),
  );
  const changes = call.identityChanges ?? [];
  const decision = decide({
    call: {
      serverId: call.serverId,
      sessionId: call.sessionId,
      tool: call.tool,
      arguments: call.arguments,
    },
    // Changed code is not trusted on its old word: no allow rule, and no read-only shortcut
    // (its annotations are the new code's claims), as for a changed tool definition.
    tool: changes.length ? { ...tool, changed: true } : tool,
    rules: changes.length ? rules.filter((r) => r.action !== 'allow') : rules,
    mode: settings.mode,
    paused: settings.paused,
    risk,
    now,
    env,
  });
  if (changes.length === 0) return { tool, risk, facts, decision };
  const note = `This server runs different code than you reviewed, so its allow rules are suspended until you review it (${changes.join('; ')}).`;
  return { tool, risk, facts, decision: { ...decision, reasons: [note, ...decision.reasons] } };
}

/**
 * The facts of other arguments for the same call (a person approved edited ones): what ran is
 * what the gate remembers, read in the same session as the call itself.
 */
export function factsOfArguments(call: CallContext, args: unknown, env: PathEnv): RiskFacts {
  const tool = toolStateOf(call.record);
  return assessCall({ tool: call.tool, arguments: args }, tool, sessionFactsOf(call, env)).facts;
}

function sessionFactsOf(call: CallContext, env: PathEnv): SessionFacts {
  return {
    roots: call.roots,
    env,
    readSensitiveEarlier: call.readSensitiveEarlier,
    knownDomains: call.knownDomains,
  };
}
