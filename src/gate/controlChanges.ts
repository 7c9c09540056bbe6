// The changes a person makes to what the gate decides by: rules, a tool's on/off state and
// review, a server's reviewed identity. The CLI sends them through the running gate (applyChange
// answers its control request) and the app calls the same functions (gateChanges), so one place
// decides what a change may do: validateRule, the "lets everything through" check, and the same
// "what you saw is what you accept" comparisons. They go through the gate rather than straight
// into the file so its caches and every listener (the open app) hear of them at once.
import type { IdentityChange, RuleDraft } from '../contract/ipc';
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

/** Why a change was refused; nothing was written. */
export type RefusalReason = 'missing' | 'allows-everything' | 'invalid';

/** A change the checks refused (a failed write throws its own error instead). */
export class ChangeRefused extends Error {
  constructor(
    message: string,
    readonly reason: RefusalReason,
  ) {
    super(message);
  }
}

/** The person's explicit yes to a rule that lets everything through. */
export interface RuleConsent {
  confirmed?: boolean;
}

/** Every change, checked, written and announced; each refusal throws ChangeRefused. */
export interface GateChanges {
  /** `origin` says where the rule came from: "manual", or "decision:ID" from a consent. */
  addRule(draft: RuleDraft, origin: string, consent?: RuleConsent): Rule;
  updateRule(id: number, patch: Partial<RuleDraft>, consent?: RuleConsent): Rule;
  removeRule(id: number): void;
  setToolEnabled(serverId: number, tool: string, enabled: boolean): void;
  setToolReviewResults(serverId: number, tool: string, mode: ReviewResultsMode): void;
  /** Accept the tool's definition whose hash the person saw. */
  markToolReviewed(serverId: number, tool: string, hash: string): void;
  /** Accept what the server runs now, if `changes` are still what the person saw. */
  reviewServerIdentity(serverId: number, changes: IdentityChange[]): void;
}

/** The changes over `target`, dated by `clock`. */
export function gateChanges(target: ChangeTarget, clock: () => number = Date.now): GateChanges {
  // Read at each change, not now: the gate builds its changes before its store opens.
  const store = (): Store => target.store;
  const mustHaveTool = (serverId: number, tool: string): void => {
    if (!store().tools.get(serverId, tool))
      throw new ChangeRefused(`server ${serverId} has no tool "${tool}"`, 'missing');
  };
  return {
    addRule(draft, origin, consent = {}) {
      const rule = checkedRule(draft, origin);
      if (widensToEverything(null, rule) && consent.confirmed !== true)
        throw new ChangeRefused(ALLOWS_EVERYTHING_MESSAGE, 'allows-everything');
      const saved = store().rules.add(rule, clock());
      target.rulesChanged();
      return saved;
    },
    updateRule(id, patch, consent = {}) {
      const current = store().rules.get(id);
      if (!current) throw new ChangeRefused(`there is no rule ${id}`, 'missing');
      const merged = checkedRule({ ...current, ...patch }, current.origin);
      if (widensToEverything(current, merged) && consent.confirmed !== true)
        throw new ChangeRefused(ALLOWS_EVERYTHING_MESSAGE, 'allows-everything');
      const saved = store().rules.update(id, merged, clock());
      target.rulesChanged();
      return saved;
    },
    removeRule(id) {
      if (!store().rules.remove(id, clock()))
        throw new ChangeRefused(`there is no rule ${id}`, 'missing');
      target.rulesChanged();
    },
    setToolEnabled(serverId, tool, enabled) {
      mustHaveTool(serverId, tool);
      store().tools.setEnabled(serverId, tool, enabled, clock());
      target.pushDisabledTools(serverId);
    },
    setToolReviewResults(serverId, tool, mode) {
      mustHaveTool(serverId, tool);
      target.setReviewMode(serverId, tool, mode);
    },
    markToolReviewed(serverId, tool, hash) {
      const record = store().tools.get(serverId, tool);
      if (!record) throw new ChangeRefused(`server ${serverId} has no tool "${tool}"`, 'missing');
      // Accept only the definition the person saw: a newer change needs its own review.
      if (record.hash !== hash)
        throw new ChangeRefused(
          `"${tool}" changed again since you looked: review the new definition`,
          'invalid',
        );
      store().tools.markReviewed(serverId, tool, clock());
      target.serversChanged();
    },
    reviewServerIdentity(serverId, changes) {
      const server = store().servers.get(serverId);
      if (!server) throw new ChangeRefused(`there is no server ${serverId}`, 'missing');
      if (server.identityChanges.length === 0)
        throw new ChangeRefused(`server ${serverId} has nothing to review`, 'invalid');
      // Accept only what the person saw: a change that came after needs its own review.
      if (canonicalJson(server.identityChanges) !== canonicalJson(changes))
        throw new ChangeRefused(
          `what server ${serverId} runs changed again since you looked: review the new change`,
          'invalid',
        );
      store().servers.reviewFacts(serverId, clock());
      target.serversChanged();
    },
  };
}

/** Apply one change from a control client; a refusal (or a failed write) is an error answer, never a throw. */
export function applyChange(target: ChangeTarget, req: ChangeRequest, now: number): ChangeReply {
  try {
    return apply(
      gateChanges(target, () => now),
      req,
    );
  } catch (err) {
    const message = (err as Error).message;
    // A write that failed (the database locked by another process, a full disk) changed nothing.
    return err instanceof ChangeRefused
      ? { t: 'error', message }
      : { t: 'error', message: `the gate could not save the change: ${message}` };
  }
}

/** The rule as it would be saved, or ChangeRefused with why not (for a dry run too). */
export function checkedRule(input: object, origin: string): Omit<Rule, 'id' | 'createdAt'> {
  let result;
  try {
    result = validateRule({ ...input, origin });
  } catch (err) {
    // A value nested past the stack: refused like any other rule that does not fit.
    throw new ChangeRefused(`the rule could not be read: ${(err as Error).message}`, 'invalid');
  }
  if (!result.ok) throw new ChangeRefused(result.error, 'invalid');
  return result.rule;
}

function apply(changes: GateChanges, req: ChangeRequest): ChangeReply {
  const consent = {
    confirmed: req.t === 'addRule' || req.t === 'updateRule' ? req.confirmed : false,
  };
  switch (req.t) {
    case 'addRule':
      return { t: 'saved', id: changes.addRule(req.rule, 'manual', consent).id };
    case 'updateRule':
      return { t: 'saved', id: changes.updateRule(req.id, req.patch, consent).id };
    case 'removeRule':
      changes.removeRule(req.id);
      return { t: 'ok' };
    case 'setToolEnabled':
      changes.setToolEnabled(req.serverId, req.tool, req.enabled);
      return { t: 'ok' };
    case 'setToolReviewResults':
      changes.setToolReviewResults(req.serverId, req.tool, req.mode);
      return { t: 'ok' };
    case 'markToolReviewed':
      changes.markToolReviewed(req.serverId, req.tool, req.hash);
      return { t: 'ok' };
    case 'reviewServerIdentity':
      changes.reviewServerIdentity(req.serverId, req.changes);
      return { t: 'ok' };
  }
}
