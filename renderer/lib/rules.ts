// Rule drafts prefilled from a call ("this tool, arguments like these") and rule wording.
import type { RuleDraft } from '../../src/contract/ipc';
import type { ArgCondition, RiskLevel, Rule, RuleExpiry } from '../../src/contract/types';
import { isRecord } from './diff';

export type Duration = '15m' | '1h' | 'session' | 'forever';

export const DURATIONS: { value: Duration; label: string }[] = [
  { value: '15m', label: 'for 15 minutes' },
  { value: '1h', label: 'for 1 hour' },
  { value: 'session', label: 'until the host restarts' },
  { value: 'forever', label: 'always' },
];

export function expiryFor(duration: Duration, now: number, sessionId: string | null): RuleExpiry {
  switch (duration) {
    case '15m':
      return { kind: 'until', at: now + 15 * 60_000 };
    case '1h':
      return { kind: 'until', at: now + 60 * 60_000 };
    case 'session':
      return sessionId ? { kind: 'session', sessionId } : { kind: 'forever' };
    case 'forever':
      return { kind: 'forever' };
  }
}

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

export function draftOf(rule: Rule): RuleDraft {
  const { serverId, tool, conditions, action, expiry, riskCeiling, note, enabled } = rule;
  return { serverId, tool, conditions, action, expiry, riskCeiling, note, enabled };
}

export { describeCondition } from '../../src/contract/ruleText';

export function describeExpiry(e: RuleExpiry, now: number): string {
  switch (e.kind) {
    case 'forever':
      return 'never expires';
    case 'session':
      return 'until the host restarts';
    case 'until':
      if (e.at <= now) return 'expired';
      return `until ${new Date(e.at).toLocaleString()}`;
  }
}

export function isExpired(e: RuleExpiry, now: number): boolean {
  return e.kind === 'until' && e.at <= now;
}
