// The call desk: every gated call a shim reports takes one of two ways through the gate.
// Decided now: evaluated (policy, risk, rules, the tool's registry record), committed with the
// decisions that arrived together, then answered; in observe mode the call goes ahead at once
// and its record follows in a batch (observePath.ts settles when). Held for a person: see
// heldForPerson.ts. Either way the shim hears exactly one answer per call (callAnswer.ts), and
// what the risk scan found (sensitive data, domains) is remembered from the scan itself.
import { randomUUID } from 'node:crypto';
import type { RiskAssessment, Rule, ToolRecord } from '../contract/types';
import { evaluateCall, factsOfArguments, type CallContext } from '../policy/evaluate';
import { sha256Hex } from '../mcp/sha256';
import type { PathEnv } from '../policy/paths';
import type { RiskFacts } from '../policy/risk';
import { describeChange } from '../registry/codeIdentity';
import type { Store } from '../store/store';
import type { ApprovalBroker } from './broker';
import { answerOnce, type Answer } from './callAnswer';
import { callStart, decidedNow, deniedUnrecorded, notAssessed } from './callRecords';
import { DeferredWrites } from './deferredWrites';
import { queueFull } from './floodBounds';
import { recordFloodDenial, type FloodRecord } from './floodDenial';
import { GroupCommit } from './groupCommit';
import { HeldForPerson, type EditedApproval, type HoldRequest } from './heldForPerson';
import { KnownDomains } from './knownDomains';
import { asObserved, goesAheadAtOnce, observing } from './observePath';
import { RecordBacklog, writeFailureCause } from './recordBacklog';
import { Outcomes, recordOffline } from './outcomes';
import { ResultReviewDesk } from './resultReviewDesk';
import type { ResultReviews } from './resultReviews';
import type { ShimSession } from './session';
import { identityOf } from './sessionIdentity';
import type { GateSettings } from './settings';
import { readToolCall, type ToolCall } from './toolCall';
import type { OfflineCall, ReviewMode, SessionInfo, ShimMessage, Verdict } from './wire';

export type { EditedApproval } from './heldForPerson';
// The flood's bounds live beside their test; these names stay importable from here.
export {
  MAX_RECORDED_FLOOD_DENIALS,
  MAX_WAITING_PER_SERVER,
  MAX_WAITING_TOTAL,
  queueFull,
} from './floodBounds';

type ShimMsg<T extends ShimMessage['t']> = Extract<ShimMessage, { t: T }>;

export interface CallDeskDeps {
  store: () => Store;
  broker: ApprovalBroker;
  env: PathEnv;
  settings: () => GateSettings;
  log: (line: string) => void;
  /** A history row was written or changed. */
  announce: (callId: number) => void;
  /** The scan found something in this call's result (a notice for the person). */
  resultFlagged?: (callId: number) => void;
  /** Results held for a person (review results); without it, nothing is held. */
  results?: ResultReviews;
  /** Which results of this tool are held for review; null holds none. */
  reviewModeOf?: (serverId: number | null, tool: string) => ReviewMode | null;
}

/** A call as read, with what the gate knows of it at the moment it arrived. */
interface Arrival {
  session: ShimSession;
  rid: number;
  call: ToolCall;
  /** The registry's record of the tool, read once per call. */
  record: ToolRecord | null;
  /** The settings, read once per call. */
  settings: GateSettings;
  now: number;
}

export class CallDesk {
  /** Records the database refused when they happened (locked, full), written once it can. */
  readonly backlog: RecordBacklog;
  /** Decisions made now, committed together before each call is answered. */
  private readonly group: GroupCommit;
  /** Records of calls already answered, and outcomes: committed in batches. */
  private readonly writes: DeferredWrites;
  private readonly known: KnownDomains;
  private readonly reviews: ResultReviewDesk;
  private readonly held: HeldForPerson;
  private readonly outcomes: Outcomes;
  private readonly flood: FloodRecord;

  constructor(private readonly deps: CallDeskDeps) {
    this.backlog = new RecordBacklog(deps.log);
    this.writes = new DeferredWrites(deps.store, this.backlog, deps.log);
    // Outcomes and observed records waiting for their batch ride along in the decisions' commit.
    this.group = new GroupCommit(
      (fn, durable, alone) =>
        this.writes.rideAlong((writeWaiting) =>
          this.store.commitDurably(
            () => {
              const result = fn();
              writeWaiting();
              return result;
            },
            durable,
            alone,
          ),
        ),
      deps.log,
    );
    this.known = new KnownDomains(deps.store, this.backlog);
    this.reviews = new ResultReviewDesk({ ...deps, writes: this.writes });
    this.outcomes = new Outcomes({
      ...deps,
      writes: this.writes,
      known: this.known,
      reviews: this.reviews,
    });
    this.flood = { ...deps, writes: this.writes };
    this.held = new HeldForPerson({
      store: deps.store,
      broker: deps.broker,
      backlog: this.backlog,
      group: this.group,
      log: deps.log,
      announce: deps.announce,
      unrecorded: (r, err) =>
        this.unrecorded(r.session, r.rid, r.start, 'ask', r.evaluation.decision.reasons, err),
    });
  }

  private get store(): Store {
    return this.deps.store();
  }

  /** A call the shim holds until the gate answers. */
  ask(session: ShimSession, msg: ShimMsg<'ask'>): void {
    const { rid, line, digest } = msg;
    let call: ToolCall | null = null;
    const answer = answerOnce(session, rid, digest, {
      log: this.deps.log,
      // Review results: the shim must know before it forwards (the answer may come at once).
      beforeAllow: () => {
        if (call) this.reviews.beforeAllow(session, rid, call);
      },
    });
    // The gate decides on exactly the bytes it is shown: it parses the line itself.
    if (sha256Hex(line) !== digest)
      return answer('deny', 'Denied by Airlock: the request did not match its digest');
    // A newer call under this request number: an outcome under it is this one's from now on.
    this.writes.forgetObserved(session, rid);
    // Older records the database refused go first, so the record keeps its order.
    if (this.backlog.size) this.backlog.retry();
    try {
      const settings = this.deps.settings();
      // A flood must not drown the gate: past a bounded queue, a new call is denied at once,
      // before any evaluation (the costly part), without a prompt. Observe mode holds nothing.
      const full = observing(settings)
        ? null
        : queueFull(this.deps.broker, session.serverId, session.id);
      if (full) {
        answer('deny', `Denied by Airlock: ${full}`);
        return recordFloodDenial(this.flood, session, rid, line, full);
      }
      call = readToolCall(line);
      if (!call) return answer('deny', 'Denied by Airlock: the gate could not read this tool call');
      const arrival: Arrival = {
        session,
        rid,
        call,
        record: this.toolRecord(session, call.tool),
        settings,
        now: Date.now(),
      };
      if (goesAheadAtOnce(settings, arrival.record?.enabled ?? true)) {
        answer('allow', 'Allowed by Airlock (observe mode)');
        return this.observe(arrival);
      }
      this.decide(arrival, line, answer);
    } catch (err) {
      // Fail closed: a call the gate could not record is not forwarded. (Once answered, the
      // answer stands: answerOnce drops this one.)
      const cause = writeFailureCause(err);
      this.deps.log(`could not decide on ${call?.tool ?? 'a call'}: ${cause}`);
      answer('deny', `Denied by Airlock: the decision could not be recorded (${cause})`);
    }
  }

  /** A call the shim let through in observe mode: evaluate it as it stood, and record it. */
  observed(session: ShimSession, msg: ShimMsg<'observed'>): void {
    const { rid, line } = msg;
    if (sha256Hex(line) !== msg.digest) return;
    const call = readToolCall(line);
    if (!call) return;
    this.observe({
      session,
      rid,
      call,
      record: this.toolRecord(session, call.tool),
      settings: this.deps.settings(),
      now: Date.now(),
    });
  }

  /**
   * The call went ahead already: evaluate and record it with the next batch. Never throws and
   * never answers: whatever fails here, the one answer the call got stands.
   */
  private observe(a: Arrival): void {
    const { session, rid, call, now } = a;
    let risk: RiskAssessment;
    let recorded;
    try {
      const evaluated = this.evaluate(a, this.store.rules.list());
      risk = evaluated.risk;
      recorded = decidedNow(asObserved(evaluated.decision), now);
      this.remember(session, evaluated.facts);
    } catch (err) {
      const cause = writeFailureCause(err);
      this.deps.log(`could not evaluate the observed call to ${call.tool}: ${cause}`);
      risk = notAssessed('gate.unassessed', `the gate could not evaluate this call (${cause})`);
      recorded = {
        kind: 'observed' as const,
        decidedBy: 'gate' as const,
        ruleId: null,
        message: `Observed; the gate could not evaluate it (${cause}).`,
        at: now,
      };
    }
    const start = callStart(session, call, now, risk);
    const decision = recorded;
    // The outcome finds the call by the handle the batch keeps (see DeferredWrites.observed),
    // not by session.calls: an id set inside a transaction that is then rolled back would
    // name no row, or another call's.
    this.writes.observed(session, rid, (observed) => {
      const id = this.store.calls.record(start, decision, observed.outcome ?? undefined);
      this.deps.announce(id);
      observed.flagged?.(id);
      return id;
    });
  }

  /** Evaluate the call and take its way: decided now (committed, then answered) or held. */
  private decide(a: Arrival, line: string, answer: Answer): void {
    const { session, rid, call, now } = a;
    let rules: Rule[];
    let evaluated: ReturnType<typeof evaluateCall>;
    try {
      rules = this.store.rules.list();
      evaluated = this.evaluate(a, rules);
    } catch (err) {
      return this.notEvaluated(a, answer, err);
    }
    const { decision } = evaluated;
    const start = callStart(session, call, now, evaluated.risk);
    // What ran: the agent's arguments (their facts are the scan's), or those a person approved.
    const ran = (args?: unknown): void =>
      this.remember(
        session,
        args === undefined
          ? evaluated.facts
          : factsOfArguments(this.contextOf(a), args, this.deps.env),
      );

    if (decision.verdict === 'ask') {
      const request: HoldRequest = {
        session,
        rid,
        line,
        call,
        start,
        evaluation: evaluated,
        answer,
        ran,
      };
      return this.held.hold(request);
    }

    const recorded = decidedNow(decision, now);
    const verdict: Verdict = decision.verdict;
    // An allow rule may hold the results of the calls it lets through.
    const ruleReview =
      verdict === 'allow' && decision.ruleId !== null
        ? rules.find((r) => r.id === decision.ruleId)?.reviewResults
        : undefined;
    if (ruleReview) this.reviews.ruleHolds(session, rid, ruleReview);
    // Committed with the decisions that arrived together, then answered.
    this.group.add({
      write: () => this.store.calls.record(start, recorded),
      committed: (id) => {
        session.calls.set(rid, id);
        if (verdict === 'allow') {
          ran();
          answer('allow', `Allowed by Airlock: ${recorded.message}`);
        } else answer('deny', `Denied by Airlock: ${recorded.message}`);
        this.deps.announce(id);
      },
      failed: (err) => {
        // Fail closed: a call the gate could not record is not forwarded.
        const cause = writeFailureCause(err);
        this.deps.log(`could not decide on ${call.tool}: ${cause}`);
        this.unrecorded(session, rid, start, verdict, decision.reasons, err);
        answer('deny', `Denied by Airlock: the decision could not be recorded (${cause})`);
      },
    });
  }

  /**
   * The gate could not evaluate the call (a rule or tool record it cannot read): it is denied,
   * saying so, and recorded as such with the next batch. Fail closed.
   */
  private notEvaluated(a: Arrival, answer: Answer, err: unknown): void {
    const cause = writeFailureCause(err);
    this.deps.log(`could not evaluate the call to ${a.call.tool}: ${cause}`);
    answer('deny', `Denied by Airlock: the gate could not evaluate this call (${cause})`);
    const why = `the gate could not evaluate this call (${cause})`;
    const start = callStart(a.session, a.call, a.now, notAssessed('gate.unassessed', why));
    this.writes.later(() => {
      const id = this.store.calls.record(start, {
        kind: 'auto-denied',
        decidedBy: 'gate',
        ruleId: null,
        message: `Denied: ${why}.`,
        at: a.now,
      });
      this.deps.announce(id);
    });
  }

  private contextOf(a: Arrival): CallContext {
    const { session, call } = a;
    return {
      tool: call.tool,
      arguments: call.arguments,
      record: a.record,
      sessionId: session.id,
      serverId: session.serverId,
      roots: session.roots,
      readSensitiveEarlier: session.readSensitive,
      knownDomains: this.known.list,
      identityChanges:
        session.serverId !== null && session.facts
          ? this.store.servers.changesFor(session.serverId, session.facts).map(describeChange)
          : [],
    };
  }

  private evaluate(a: Arrival, rules: Rule[]): ReturnType<typeof evaluateCall> {
    // Expired rules stay in the list (shown as expired) but never match.
    return evaluateCall(this.contextOf(a), rules, a.settings, a.now, this.deps.env);
  }

  /** A call ran: what its scan found is remembered for the session and for later calls. */
  private remember(session: ShimSession, facts: RiskFacts): void {
    if (facts.touchesSensitive) session.readSensitive = true;
    this.known.learn(facts.domains);
  }

  private toolRecord(session: ShimSession, tool: string): ToolRecord | null {
    return session.serverId === null ? null : this.store.tools.get(session.serverId, tool);
  }

  /** A call denied because its record could not be written: the row comes when it can. */
  private unrecorded(
    session: ShimSession,
    rid: number,
    start: ReturnType<typeof callStart>,
    verdict: Verdict | 'ask',
    reasons: string[],
    err: unknown,
  ): void {
    const record = deniedUnrecorded(verdict, reasons.join(' '), writeFailureCause(err), start.at);
    this.backlog.add(`a call to ${start.tool}`, () => {
      const id = this.store.calls.record(start, record);
      this.deps.announce(id);
    });
    session.calls.delete(rid);
  }

  /** The call's result came back (see outcomes.ts). */
  outcome(session: ShimSession, msg: ShimMsg<'outcome'>): void {
    this.outcomes.outcome(session, msg);
  }

  /** Part of the text of a result held for review, for its scan (see outcomes.ts). */
  resultPart(session: ShimSession, msg: ShimMsg<'resultPart'>): void {
    this.outcomes.resultPart(session, msg);
  }

  /** Calls the shim denied while the gate was unreachable. */
  offline(session: ShimSession, msg: ShimMsg<'offline'>): void {
    recordOffline(this.store, session, msg.calls).forEach((id) => this.deps.announce(id));
  }

  /** The same, written down by a shim that ended before it could report them. */
  offlineOfEnded(info: SessionInfo, calls: OfflineCall[]): void {
    const store = this.store;
    const first = Math.min(...calls.map((c) => c.at));
    const serverId = store.unsynced(() => store.servers.upsert(identityOf(info), first)).id;
    const session = { id: randomUUID(), info, serverId };
    recordOffline(store, session, calls).forEach((id) => this.deps.announce(id));
  }

  /** Commit the decisions and deferred writes now (also when the gate stops). */
  flush(): void {
    this.group.flush();
    this.writes.flush();
  }

  /** A person approves a waiting call with edited arguments (see heldForPerson.ts). */
  approveEdited(id: number, args: unknown): EditedApproval {
    return this.held.approveEdited(id, args);
  }

  /** Why the decision just made on call `id` could not be recorded, once; null when it was. */
  takeRecordFailure(id: number): string | null {
    return this.held.takeRecordFailure(id);
  }
}
