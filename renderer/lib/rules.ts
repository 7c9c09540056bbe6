// Rule drafts prefilled from a call ("this tool, arguments like these") and rule wording.
import type { RuleDraft } from '../../src/contract/ipc';
import type { ArgCondition, RiskLevel, Rule } from '../../src/contract/types';
import { expiryFor, type Duration } from '../../src/contract/durations';
import { isRecord } from './diff';

export {
  DURATIONS,
  describeExpiry,
  durationOf,
  expiryFor,
  isExpired,
  type Duration,
} from '../../src/contract/durations';

const PATH_LIKE = /^(\/|~\/|~$|[A-Za-z]:[\\/]|\\\\)/;

/** Top-level string arguments that hold a file system path. */
export function pathArguments(args: unknown): { key: string; value: string }[] {
  if (!isRecord(args)) return [];
  return Object.entries(args).flatMap(([key, value]) =>
    typeof value === 'string' && PATH_LIKE.test(value) ? [{ key, value }] : [],
  );
}

/** The folder holding a path, in the path's own style (POSIX or Windows). */
export function folderOf(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  if (cut < 0) return trimmed;
  if (cut === 0) return trimmed.slice(0, 1);
  const folder = trimmed.slice(0, cut);
  return /^[A-Za-z]:$/.test(folder) ? folder + trimmed.charAt(cut) : folder;
}

export interface CallLike {
  serverId: number | null;
  tool: string;
  arguments: unknown;
  risk: RiskLevel;
  sessionId?: string | null;
}

/** "Allow this tool when its path arguments stay under the folders of this call." */
export function draftFromCall(call: CallLike, duration: Duration, now: number): RuleDraft {
  const conditions: ArgCondition[] = pathArguments(call.arguments).map(({ key, value }) => ({
    path: key,
    op: 'under',
    value: folderOf(value),
  }));
  return {
    serverId: call.serverId,
    tool: call.tool,
    conditions,
    action: 'allow',
    expiry: expiryFor(duration, now, call.sessionId ?? null),
    riskCeiling: call.risk === 'critical' ? 'high' : call.risk,
    note: '',
    enabled: true,
  };
}

export function emptyDraft(): RuleDraft {
  return {
    serverId: null,
    tool: '*',
    conditions: [],
    action: 'ask',
    expiry: { kind: 'forever' },
    riskCeiling: null,
    note: '',
    enabled: true,
  };
}

/** The risk ceiling an allow rule starts with, as with `airlock rules add`. */
export const DEFAULT_ALLOW_CEILING = 'medium' as const;

/**
 * The draft with another action. Switching to allow starts at the default ceiling ("any risk"
 * is an explicit choice, made after); other actions carry no ceiling.
 */
export function withAction(draft: RuleDraft, action: RuleDraft['action']): RuleDraft {
  if (action === draft.action) return draft;
  return { ...draft, action, riskCeiling: action === 'allow' ? DEFAULT_ALLOW_CEILING : null };
}

export function draftOf(rule: Rule): RuleDraft {
  const { serverId, tool, conditions, action, expiry, riskCeiling, note, enabled } = rule;
  return { serverId, tool, conditions, action, expiry, riskCeiling, note, enabled };
}

export { describeCondition } from '../../src/contract/ruleText';
