// The changes a control client (the CLI) makes through the running gate: rules, a tool's on/off
// state and review, a server's reviewed identity. They go through here rather than straight
// into the file so the gate's own caches and every listener (the open app) hear of them at once.
// Each is checked the way the app checks the same change (src/app/createServices.ts): the wire
// schema is the app channel's payload schema, then validateRule and the same "what you saw is
// what you accept" comparisons. The record's writes, and so the audit chain, are the app's too.
import type { ReviewResultsMode, Rule } from '../contract/types';
import { validateRule } from '../policy/rules';
import { canonicalJson } from '../contract/canonicalJson';
import type { Store } from '../store/store';
import type { ChangeRequest } from './wire';

/** What a change needs from the gate: the record and the ways to tell listeners. */
export interface ChangeTarget {
  readonly store: Store;
  /** Rules changed: the app's rules view reloads. */
  rulesChanged(): void;
  /** A server's tools changed on/off: its shims hear of it, the app's servers view reloads. */
  pushDisabledTools(serverId: number): void;
  /** A review changed what a server or tool counts as: the app's servers view reloads. */
  serversChanged(): void;
  /** Hold a tool's results for review (or not); the app's servers view reloads. */
  setReviewMode(serverId: number, tool: string, mode: ReviewResultsMode): void;
}

/** A change as its sender writes it, without the request number. */
export type ChangeBody = ChangeRequest extends infer T
  ? T extends unknown
    ? Omit<T, 'req'>
    : never
  : never;

/** The answer, without its request number. */
export type ChangeReply =
  { t: 'saved'; id: number } | { t: 'ok' } | { t: 'error'; message: string };

const CHANGE_TYPES: ReadonlySet<string> = new Set<ChangeRequest['t']>([
  'addRule',
  'updateRule',
  'removeRule',
  'setToolEnabled',
  'markToolReviewed',
  'reviewServerIdentity',
  'setToolReviewResults',
]);

export function isChangeRequest(req: { t: string }): req is ChangeRequest {
  return CHANGE_TYPES.has(req.t);
}

/** Every tool on every server: what an allow rule must never become by a slip of the keyboard. */
export function allowsEverything(rule: Pick<Rule, 'action' | 'tool' | 'serverId'>): boolean {
  return rule.action === 'allow' && rule.serverId === null && /^\*+$/.test(rule.tool);
}

/**
 * Whether saving `after` over `before` (null: a new rule) turns on a rule that lets everything
 * through which was not in force before: that needs the person's explicit yes (`--yes`).
 */
export function widensToEverything(
  before: Pick<Rule, 'action' | 'tool' | 'serverId' | 'enabled'> | null,
  after: Pick<Rule, 'action' | 'tool' | 'serverId' | 'enabled'>,
): boolean {
  const inForce = (r: typeof after): boolean => r.enabled && allowsEverything(r);
  return inForce(after) && !(before !== null && inForce(before));
}

export const ALLOWS_EVERYTHING_MESSAGE =
  'this rule would let every tool on every server through without asking; add --yes if you mean it, or narrow it with --server or --tool';

/** A rule the app's form would refuse too: its reasons go back as they are. */
class RuleProblem extends Error {}

/** Apply one change; a refusal (or a failed write) is an error answer, never a throw. */
export function applyChange(target: ChangeTarget, req: ChangeRequest, now: number): ChangeReply {
  try {
    return apply(target, req, now);
  } catch (err) {
    const message = (err as Error).message;
    // A write that failed (the database locked by another process, a full disk) changed nothing.
    return err instanceof RuleProblem
      ? { t: 'error', message }
      : { t: 'error', message: `the gate could not save the change: ${message}` };
  }
}

function checkedRule(input: object, origin: string): Omit<Rule, 'id' | 'createdAt'> {
  let result;
  try {
    result = validateRule({ ...input, origin });
  } catch (err) {
    // A value nested past the stack: refused like any other rule that does not fit.
    throw new RuleProblem(`the rule could not be read: ${(err as Error).message}`);
  }
  if (!result.ok) throw new RuleProblem(result.error);
  return result.rule;
}

function apply(target: ChangeTarget, req: ChangeRequest, now: number): ChangeReply {
  const { store } = target;
  switch (req.t) {
    case 'addRule': {
      const rule = checkedRule(req.rule, 'manual');
      if (widensToEverything(null, rule) && req.confirmed !== true)
        return { t: 'error', message: ALLOWS_EVERYTHING_MESSAGE };
      const saved = store.rules.add(rule, now);
      target.rulesChanged();
      return { t: 'saved', id: saved.id };
    }
    case 'updateRule': {
      const current = store.rules.get(req.id);
      if (!current) return { t: 'error', message: `there is no rule ${req.id}` };
      const merged = checkedRule({ ...current, ...req.patch }, current.origin);
      if (widensToEverything(current, merged) && req.confirmed !== true)
        return { t: 'error', message: ALLOWS_EVERYTHING_MESSAGE };
      const saved = store.rules.update(req.id, merged, now);
      target.rulesChanged();
      return { t: 'saved', id: saved.id };
    }
    case 'removeRule': {
      if (!store.rules.remove(req.id, now))
        return { t: 'error', message: `there is no rule ${req.id}` };
      target.rulesChanged();
      return { t: 'ok' };
    }
    case 'setToolEnabled': {
      if (!store.tools.get(req.serverId, req.tool))
        return { t: 'error', message: `server ${req.serverId} has no tool "${req.tool}"` };
      store.tools.setEnabled(req.serverId, req.tool, req.enabled, now);
      target.pushDisabledTools(req.serverId);
      return { t: 'ok' };
    }
    case 'setToolReviewResults': {
      if (!store.tools.get(req.serverId, req.tool))
        return { t: 'error', message: `server ${req.serverId} has no tool "${req.tool}"` };
      target.setReviewMode(req.serverId, req.tool, req.mode);
      return { t: 'ok' };
    }
    case 'markToolReviewed': {
      const record = store.tools.get(req.serverId, req.tool);
      if (!record)
        return { t: 'error', message: `server ${req.serverId} has no tool "${req.tool}"` };
      // Accept only the definition the person saw: a newer change needs its own review.
      if (record.hash !== req.hash)
        return {
          t: 'error',
          message: `"${req.tool}" changed again since you looked: review the new definition`,
        };
      store.tools.markReviewed(req.serverId, req.tool, now);
      target.serversChanged();
      return { t: 'ok' };
    }
    case 'reviewServerIdentity': {
      const server = store.servers.get(req.serverId);
      if (!server) return { t: 'error', message: `there is no server ${req.serverId}` };
      if (server.identityChanges.length === 0)
        return { t: 'error', message: `server ${req.serverId} has nothing to review` };
      // Accept only what the person saw: a change that came after needs its own review.
      if (canonicalJson(server.identityChanges) !== canonicalJson(req.changes))
        return {
          t: 'error',
          message: `what server ${req.serverId} runs changed again since you looked: review the new change`,
        };
      store.servers.reviewFacts(req.serverId, now);
      target.serversChanged();
      return { t: 'ok' };
    }
  }
}
