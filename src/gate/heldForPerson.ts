// The second way through the gate: a call held for a person. Its row is begun, the broker holds
// it (and says until when), and once resolved (a person, the timeout, a cancellation) the
// decision is on the disk before the shim hears it. A person may approve edited arguments.
import type { Decision } from '../policy/decide';
import type { Evaluation } from '../policy/evaluate';
import { inexactNumberShown } from '../contract/exactNumbers';
import { withArguments } from '../mcp/editedLine';
import { sha256Hex } from '../mcp/sha256';
import type { GroupCommit } from './groupCommit';
import { committedInGroup, mayJoinGroup } from './groupedDecision';
import type { Store } from '../store/store';
import type { CallDecision, CallStart } from '../store/types';
import { checkEditedArguments } from './argsSchema';
import type { ApprovalBroker, Resolution } from './broker';
import type { Answer } from './callAnswer';
import { type RecordBacklog, writeFailureCause } from './recordBacklog';
import type { ShimSession } from './session';
import { denialOrApproval, readToolCall, type ToolCall } from './toolCall';

/** What became of an approval with edited arguments. */
export type EditedApproval =
  | { kind: 'decided' }
  | { kind: 'not-pending' }
  /** The edit does not fit the tool's pinned schema (or cannot be built): still waiting. */
  | { kind: 'rejected'; error: string };

/** A call waiting for a person, as an edit of its arguments needs it. */
interface HeldCall {
  line: string;
  tool: string;
  /** The pinned definition's inputSchema (undefined: none known, and no edit is accepted). */
  inputSchema: unknown;
  /** A number editing would change (see PendingCall): no edit is accepted. */
  inexactNumber: string | undefined;
}

/** A call the gate asks a person about. */
export interface HoldRequest {
  session: ShimSession;
  rid: number;
  line: string;
  call: ToolCall;
  start: CallStart;
  evaluation: Pick<Evaluation, 'tool' | 'risk'> & { decision: Decision };
  answer: Answer;
  /** The call runs, with these arguments (the agent's when undefined): remember what it touches. */
  ran: (args?: unknown) => void;
}

export interface HeldForPersonDeps {
  store: () => Store;
  broker: ApprovalBroker;
  backlog: RecordBacklog;
  /** The group commit of the decisions decided now: timeouts and cancellations join it. */
  group: GroupCommit;
  log: (line: string) => void;
  announce: (callId: number) => void;
  /** The call could not be begun in the record: it is denied, and its row comes later. */
  unrecorded: (request: HoldRequest, err: unknown) => void;
}

/** Decisions whose record failed, kept for `airlock approve` to read; bounded if nobody asks. */
const MAX_RECORD_FAILURES = 1000;

export class HeldForPerson {
  /** Calls waiting for a person, by call id: what an edited approval is built from. */
  private readonly held = new Map<number, HeldCall>();
  /** Calls whose person's decision could not be recorded, with why (see takeRecordFailure). */
  private readonly recordFailures = new Map<number, string>();

  constructor(private readonly deps: HeldForPersonDeps) {}

  /** Hold the call for a person. Throws (the caller denies) when its row cannot be begun. */
  hold(request: HoldRequest): void {
    const { session, rid, call, start, evaluation } = request;
    const { tool, risk, decision } = evaluation;
    const store = this.deps.store();
    let id: number;
    try {
      // Not yet a decision: no need to wait for the disk (the decision's commit will).
      id = store.unsynced(() => store.calls.begin(start));
    } catch (err) {
      this.deps.unrecorded(request, err);
      throw err;
    }
    session.calls.set(rid, id);
    const inexactNumber = inexactNumberShown(call.argumentsRaw);
    this.held.set(id, {
      line: request.line,
      tool: call.tool,
      inputSchema: tool.definition?.inputSchema,
      inexactNumber,
    });
    const held = this.deps.broker.hold(
      {
        id,
        sessionId: session.id,
        host: start.host,
        server: start.server,
        serverId: session.serverId,
        tool: call.tool,
        description:
          tool.definition?.description ?? session.tools.get(call.tool)?.description ?? null,
        arguments: call.arguments,
        risk,
        definitionChanged: tool.changed,
        askReasons: decision.reasons,
        ...(inexactNumber !== undefined ? { inexactNumber } : {}),
      },
      (r: Resolution) =>
        void this.resolved(request, id, r).catch((err: unknown) =>
          this.deps.log(`error answering call ${id}: ${(err as Error).message}`),
        ),
    );
    // The broker's own word on the deadline: the countdown the shim shows runs to it.
    session.channel.send({ t: 'held', rid, deadline: held.deadline });
  }

  private async resolved(request: HoldRequest, id: number, r: Resolution): Promise<void> {
    const { session, rid, answer, ran } = request;
    this.held.delete(id);
    const decision = {
      kind: r.kind,
      decidedBy: r.decidedBy,
      ruleId: null,
      message: r.message,
      at: Date.now(),
      approvedArgumentsRaw: r.edit?.argumentsJson ?? null,
    };
    try {
      // On the disk before the shim may forward the call. A failed commit throws before the
      // first await (so takeRecordFailure knows at once); the flush runs off the event loop.
      const store = this.deps.store();
      const write = (): unknown => store.calls.decide(id, decision);
      await (mayJoinGroup(r.decidedBy)
        ? committedInGroup(this.deps.group, write)
        : durably(store, write));
      this.deps.announce(id);
    } catch (err) {
      const cause = writeFailureCause(err);
      this.deps.log(`could not record the decision on call ${id} (${cause}): the call is denied`);
      // An approval that is not on record is not an approval: the call is denied, and its row
      // says so once the database takes writes again.
      const denied =
        r.verdict === 'allow'
          ? {
              ...decision,
              approvedArgumentsRaw: null,
              kind: 'auto-denied' as const,
              decidedBy: 'gate' as const,
              message: `Approved, but the approval could not be recorded (${cause}), so the call was denied.`,
            }
          : decision;
      this.deps.backlog.add(`the decision on call ${id}`, () =>
        this.recordDenied(request.start, id, r, denied),
      );
      if (this.recordFailures.size >= MAX_RECORD_FAILURES) this.recordFailures.clear();
      this.recordFailures.set(id, cause);
      session.calls.delete(rid);
      if (r.kind !== 'cancelled')
        answer('deny', `Denied by Airlock: the decision could not be recorded (${cause})`);
      return;
    }
    if (r.kind === 'cancelled') {
      session.calls.delete(rid);
      return; // the host withdrew it, or the shim is gone: nobody to answer
    }
    if (r.verdict === 'allow')
      ran(r.edit ? (JSON.parse(r.edit.argumentsJson) as unknown) : undefined);
    answer(r.verdict, denialOrApproval(r), r.edit);
  }

  /**
   * The backlog's write for a decision whose record failed. Its commit may have failed (the
   * row is still undecided: the denial decides it), or only the flush that followed it (the
   * row holds the decision as made, and a decision, once recorded, stands). An approval that
   * never reached the disk was not acted on: the call's denial then gets a row of its own,
   * so the record says what happened. A denial in the row says it already.
   */
  private recordDenied(start: CallStart, id: number, r: Resolution, denied: CallDecision): void {
    const store = this.deps.store();
    const extra = store.transaction(() => {
      const decided = store.calls.decide(id, denied);
      return decided || r.verdict !== 'allow' ? null : store.calls.record(start, denied);
    });
    this.deps.announce(id);
    if (extra !== null) this.deps.announce(extra);
  }

  /**
   * A person approves a waiting call with edited arguments. They must fit the tool's pinned
   * inputSchema (ajv, bounded: see argsSchema.ts); the line the shim will forward is built here
   * the way the shim builds it (withArguments), and the decision is bound to its digest. A
   * refused edit decides nothing: the call keeps waiting.
   */
  approveEdited(id: number, args: unknown): EditedApproval {
    const held = this.held.get(id);
    if (!held) return { kind: 'not-pending' };
    // The edit arrives as parsed values, the agent's big number already rounded in them:
    // forwarding it would change what the agent sent without the person seeing it.
    if (held.inexactNumber !== undefined)
      return {
        kind: 'rejected',
        error: `the arguments hold ${held.inexactNumber}, a number editing would change: approve or deny the call as sent`,
      };
    const check = checkEditedArguments(held.inputSchema, args);
    if (!check.ok) return { kind: 'rejected', error: check.error };
    const argumentsJson = JSON.stringify(args);
    const line = withArguments(held.line, argumentsJson);
    // The edited line must read back as the same tool's call: never forward what cannot.
    const call = line === null ? null : readToolCall(line);
    if (line === null || call === null || call.tool !== held.tool)
      return { kind: 'rejected', error: 'the edited call could not be built from the request' };
    const digest = sha256Hex(line);
    return this.deps.broker.decide(id, 'allow', null, { argumentsJson, digest })
      ? { kind: 'decided' }
      : { kind: 'not-pending' };
  }

  /**
   * Why the decision just made on call `id` could not be recorded, once; null when it was.
   * The person who decided hears the real cause, not a timeout.
   */
  takeRecordFailure(id: number): string | null {
    const cause = this.recordFailures.get(id) ?? null;
    this.recordFailures.delete(id);
    return cause;
  }
}

/** Commits fn now; resolves once it is on the disk. Throws at once when the commit fails. */
function durably<T>(store: Store, fn: () => T): Promise<T> {
  let done!: (err: Error | null) => void;
  const flushed = new Promise<void>((resolve, reject) => {
    done = (err) => (err ? reject(err) : resolve());
  });
  const result = store.commitDurably(fn, (err) => done(err));
  return flushed.then(() => result);
}
