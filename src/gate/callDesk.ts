// The call desk: every gated call a shim reports is evaluated (policy, risk, rules, the tool's
// registry record), recorded, and answered — at once, or after a person decides. Observe mode
// records in batches just behind the calls, so recording never slows the agent.
import { createHash } from 'node:crypto';
import type { DecidedBy, DecisionKind, RiskAssessment, Rule } from '../contract/types';
import { domainsIn } from '../policy/domains';
import type { PathEnv } from '../policy/paths';
import { touchesSensitiveData } from '../policy/risk';
import type { Store } from '../store/store';
import type { CallOutcome, CallResult, CallStart, ResultReviewRecord } from '../store/types';
import { withArguments } from '../mcp/editedLine';
import { checkEditedArguments } from './argsSchema';
import { decisionMac, editedDecisionMac } from './auth';
import type { ApprovalBroker, ApprovedEdit, Resolution } from './broker';
import { evaluateCall } from './evaluate';
import { GroupCommit } from './groupCommit';
import { excerptOf, recordResult } from './resultRecord';
import { MAX_HELD_RESULTS, replacementText, type ResultReviews } from './resultReviews';
import { resultMac } from './auth';
import { RecordBacklog, writeFailureCause } from './recordBacklog';
import type { ShimSession } from './session';
import type { GateSettings } from './settings';
import { denialOrApproval, readToolCall, type ToolCall } from './toolCall';
import { describeChange } from '../registry/codeIdentity';
import type { ResultVerdict, ReviewMode, ShimMessage, Verdict } from './wire';

type ShimMsg<T extends ShimMessage['t']> = Extract<ShimMessage, { t: T }>;
type Answer = (verdict: Verdict, text: string, edit?: ApprovedEdit) => void;

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
}

/** Observe mode (and every outcome) is recorded in batches at most this far behind the calls. */
const OBSERVE_FLUSH_MS = 50;
/**
 * A batch is committed at once when it grows this long: a burst of observed calls is then
 * recorded while it lasts, memory stays bounded, and the synchronous commit slows the gate's
 * reading of the socket, which is the backpressure a flooding shim feels.
 */
const MAX_DEFERRED = 512;
/** Domains remembered as known (let through before); the oldest are forgotten past this. */
const MAX_KNOWN_DOMAINS = 2_000;

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

/** Review modes sent to a shim for calls whose result has not come yet, per session. */
const MAX_REVIEWS_PER_SESSION = 10_000;
/** Characters of a held result shown to the person who reviews it. */
const REVIEW_PREVIEW_CHARS = 16 * 1024;

export class CallDesk {
  private readonly broker: ApprovalBroker;
  private readonly env: PathEnv;
  private readonly log: (line: string) => void;
  /** Domains of calls that were let through: links there are no longer "not seen before". */
  private knownDomains: string[];
  /** Records the database refused when they happened (locked, full), written once it can. */
  readonly backlog: RecordBacklog;
  /** Calls whose person's decision could not be recorded, with why (see takeRecordFailure). */
  private readonly recordFailures = new Map<number, string>();
  /** Decisions made now, committed together before each call is answered. */
  private readonly group: GroupCommit;
  /** Calls waiting for a person, by call id: what an edited approval is built from. */
  private readonly heldCalls = new Map<number, HeldCall>();

  constructor(private readonly deps: CallDeskDeps) {
    this.broker = deps.broker;
    this.env = deps.env;
    this.log = deps.log;
    this.backlog = new RecordBacklog(deps.log);
    this.group = new GroupCommit(
      (fn, durable, alone) => this.store.commitDurably(fn, durable, alone),
      deps.log,
    );
    this.knownDomains = deps.store().settings.get<string[]>('knownDomains', []);
  }

  private get store(): Store {
    return this.deps.store();
  }

  /**
   * The call's result came back: record its outcome, in the next batch (the call was answered
   * long ago, and its decision is committed; an outcome is worth no fsync of its own).
   */
  outcome(session: ShimSession, msg: ShimMsg<'outcome'>): void {
    const rid = msg.rid;
    const outcome: CallOutcome = {
      isError: msg.isError,
      durationMs: msg.durationMs,
      size: msg.size,
    };
    if (msg.digest !== undefined) {
      // Excerpt and scan from the shim's bounded sample: never more than ~64K characters here.
      outcome.result = recordResult(
        { digest: msg.digest, sample: msg.sample ?? '', textChars: msg.textChars ?? 0 },
        this.deps.settings().resultExcerptChars,
        this.knownDomains,
      );
    }
    // Raised once the write's transaction is over (the notice reads the committed row; a write
    // that was rolled back leaves no row with a result, and so no notice).
    const flagged = (id: number): void => {
      if (outcome.result?.risk) setImmediate(() => this.deps.resultFlagged?.(id));
    };
    // Taken now: writing the outcome forgets which call this request number was.
    const callId = session.calls.get(rid);
    // An observed call still waiting for its batch is written with its outcome: one row, one
    // event, instead of a row and then an update with an event of its own.
    const unwritten = this.unwritten.get(session)?.get(rid);
    if (unwritten && unwritten.outcome === null) {
      unwritten.outcome = outcome;
      unwritten.flagged = flagged;
      // Never asked to be held (observe mode holds nothing); a shim that holds it anyway gets
      // an answer all the same, so nothing waits forever.
      if (msg.held) this.reviewResult(session, msg, undefined, outcome.result);
      return;
    }
    const write = (): void => {
      const id = session.calls.get(rid);
      if (id === undefined) return;
      session.calls.delete(rid);
      this.store.calls.outcome(id, outcome);
      this.deps.announce(id);
      flagged(id);
    };
    // Behind older records the database refused, so the record keeps its order.
    if (this.backlog.size) this.backlog.add('the outcome of a call', write);
    else this.later(write);
    if (msg.held) this.reviewResult(session, msg, callId, outcome.result);
  }

  /** Calls allowed with review results on, waiting for their result (by session, rid). */
  private readonly reviewing = new WeakMap<
    ShimSession,
    Map<number, { mode: ReviewMode; call: ToolCall }>
  >();

  /** Allow rules that hold results: the mode of the rule that let each call through. */
  private readonly ruleReviews = new WeakMap<ShimSession, Map<number, ReviewMode>>();

  private askForReview(session: ShimSession, rid: number, call: ToolCall): void {
    const byRule = this.ruleReviews.get(session)?.get(rid) ?? null;
    this.ruleReviews.get(session)?.delete(rid);
    const byTool = this.deps.reviewModeOf?.(session.serverId, call.tool) ?? null;
    // The stricter of the two: "all" holds every result, "flagged" the flagged ones.
    const mode = byRule === 'all' || byTool === 'all' ? 'all' : (byRule ?? byTool);
    if (!mode || !this.deps.results) return;
    // Observe mode never blocks: results go through as they come (they are still scanned).
    const settings = this.deps.settings();
    if (settings.mode === 'observe' && !settings.paused) return;
    let waiting = this.reviewing.get(session);
    if (!waiting) this.reviewing.set(session, (waiting = new Map()));
    if (waiting.size >= MAX_REVIEWS_PER_SESSION) {
      const [oldest] = waiting.keys();
      if (oldest !== undefined) waiting.delete(oldest);
    }
    waiting.set(rid, { mode, call });
    session.channel.send({ t: 'review', rid, mode });
  }

  /**
   * A result the shim holds for review: pass it at once when the mode is "flagged" and the scan
   * found nothing; otherwise a person decides. Whatever happens, the shim gets a verdict bound
   * to the result's digest; a timeout, a cancellation or a failure replace it.
   */
  private reviewResult(
    session: ShimSession,
    msg: ShimMsg<'outcome'>,
    callId: number | undefined,
    result: CallResult | undefined,
  ): void {
    const rid = msg.rid;
    const digest = msg.digest ?? '';
    const verdictOut = (verdict: ResultVerdict, text: string): void =>
      session.channel.send({
        t: 'resultVerdict',
        rid,
        verdict,
        text,
        mac: resultMac(session.key, rid, digest, verdict),
      });
    const asked = this.reviewing.get(session)?.get(rid);
    this.reviewing.get(session)?.delete(rid);
    const results = this.deps.results;
    // Held without the gate asking (or a result with no digest): nothing to review, and a
    // result the gate cannot vouch for is not passed.
    if (!asked || !results || !result || callId === undefined)
      return verdictOut(
        'replace',
        replacementText({ decidedBy: 'gate', message: 'the result could not be reviewed' }),
      );
    const record = (r: ResultReviewRecord): void => {
      const write = (): void => {
        this.store.calls.reviewResult(callId, r);
        this.deps.announce(callId);
      };
      if (this.backlog.size) return this.backlog.add('the review of a result', write);
      this.later(write);
    };
    if (asked.mode === 'flagged' && !result.risk) {
      record({ verdict: 'pass', decidedBy: 'policy', at: Date.now(), message: 'nothing flagged' });
      return verdictOut('pass', '');
    }
    if (results.size >= MAX_HELD_RESULTS) {
      const r = {
        verdict: 'replace' as const,
        decidedBy: 'gate' as const,
        at: Date.now(),
        message: 'too many results are waiting for review',
      };
      record(r);
      return verdictOut('replace', replacementText(r));
    }
    const preview = (msg.sample ?? '').slice(0, REVIEW_PREVIEW_CHARS);
    const shown = excerptOf(preview, REVIEW_PREVIEW_CHARS);
    const held = results.hold(
      {
        id: callId,
        sessionId: session.id,
        host: session.info?.host ?? '',
        server: session.info?.server ?? '',
        serverId: session.serverId,
        tool: asked.call.tool,
        arguments: asked.call.arguments,
        mode: asked.mode,
        size: msg.size,
        sha256: digest,
        isError: msg.isError,
        chars: msg.textChars ?? 0,
        preview: shown,
        hasSecrets: shown !== preview,
        risk: result.risk,
        findings: result.findings,
      },
      rid,
      (r) => {
        const { cancelled, ...kept } = r;
        record(kept);
        if (cancelled) return; // nobody left to answer
        verdictOut(r.verdict, r.verdict === 'replace' ? replacementText(r) : '');
      },
    );
    session.channel.send({ t: 'resultHeld', rid, deadline: held.deadline });
  }

  /** A call the shim holds until the gate answers. */
  ask(session: ShimSession, msg: ShimMsg<'ask'>): void {
    const { rid, line, digest } = msg;
    const answer: Answer = (verdict, text, edit) => {
      // Review results: the shim must know before it forwards (the answer may come at once).
      if (verdict === 'allow' && call) this.askForReview(session, rid, call);
      if (edit && verdict === 'allow') {
        return session.channel.send({
          t: 'decision',
          rid,
          verdict,
          text,
          mac: editedDecisionMac(session.key, rid, digest, edit.digest),
          edit: { args: edit.argumentsJson, digest: edit.digest },
        });
      }
      session.channel.send({
        t: 'decision',
        rid,
        verdict,
        text,
        mac: decisionMac(session.key, rid, digest, verdict),
      });
    };
    // The gate decides on exactly the bytes it is shown: it parses the line itself.
    if (createHash('sha256').update(line, 'utf8').digest('hex') !== digest) {
      return answer('deny', 'Denied by Airlock: the request did not match its digest');
    }
    let call: ToolCall | null = null;
    // Older records the database refused go first, so the record keeps its order.
    if (this.backlog.size) this.backlog.retry();
    try {
      // A flood must not drown the gate: past a bounded queue, a new call is denied at once,
      // before any evaluation (the costly part), without a prompt. Observe mode holds nothing.
      const settings = this.deps.settings();
      const full =
        settings.mode === 'observe' && !settings.paused
          ? null
          : queueFull(this.broker, session.serverId, session.id);
      if (full) return this.denyFlood(session, rid, line, full, answer);
      call = readToolCall(line);
      if (!call) return answer('deny', 'Denied by Airlock: the gate could not read this tool call');
      this.judge(session, rid, call, answer, line);
    } catch (err) {
      // Fail closed: a call the gate could not record is not forwarded.
      const cause = writeFailureCause(err);
      this.log(`could not decide on ${call?.tool ?? 'a call'}: ${cause}`);
      answer('deny', `Denied by Airlock: the decision could not be recorded (${cause})`);
    }
  }

  /**
   * Deny a call past the bounded queue. The first few of a session are recorded one by one
   * with the next batch (a denial need not be durable before it is sent: nothing goes ahead);
   * past those, a flood is only counted, and the count goes on the record with each batch.
   */
  private denyFlood(
    session: ShimSession,
    rid: number,
    line: string,
    reason: string,
    answer: (v: Verdict, text: string) => void,
  ): void {
    answer('deny', `Denied by Airlock: ${reason}`);
    const now = Date.now();
    session.floodDenied++;
    if (session.floodDenied === 1 || session.floodDenied % 1000 === 0)
      this.log(
        `denied ${session.floodDenied} call(s) from ${session.info?.server ?? 'a shim'} at once: ${reason}`,
      );
    const call = session.floodDenied <= MAX_RECORDED_FLOOD_DENIALS ? readToolCall(line) : null;
    if (call) {
      const start = callStart(session, call, now, {
        level: 'medium',
        reasons: [{ code: 'gate.queue-full', level: 'medium', text: `Not assessed: ${reason}.` }],
      });
      return this.later(() => {
        const id = this.store.calls.record(start, {
          kind: 'auto-denied',
          decidedBy: 'gate',
          ruleId: null,
          message: reason,
          at: now,
        });
        session.calls.set(rid, id);
        this.deps.announce(id);
      });
    }
    if (session.floodUncounted++ > 0) return; // already in the next batch
    this.later(() => {
      const count = session.floodUncounted;
      session.floodUncounted = 0;
      if (session.serverId !== null) this.store.servers.noteFlood(session.serverId, count, now);
    });
  }

  /** A call the shim let through in observe mode: evaluate it as it stood, and record it. */
  observed(session: ShimSession, msg: ShimMsg<'observed'>): void {
    const { rid, line } = msg;
    if (createHash('sha256').update(line, 'utf8').digest('hex') !== msg.digest) return;
    const call = readToolCall(line);
    if (call) this.record(session, rid, call, this.deps.settings(), Date.now(), true);
  }

  private judge(
    session: ShimSession,
    rid: number,
    call: ToolCall,
    answer: Answer,
    line: string,
  ): void {
    const now = Date.now();
    const tool =
      session.serverId === null ? null : this.store.tools.get(session.serverId, call.tool);
    const settings = this.deps.settings();
    // Observe mode logs and never blocks: unless a switch a person flipped (pause, a tool
    // switched off) denies, the call goes ahead at once; it is evaluated and recorded just
    // after, in a batch (one commit for many calls), so recording never slows the agent.
    if (settings.mode === 'observe' && !settings.paused && (tool?.enabled ?? true)) {
      answer('allow', 'Allowed by Airlock (observe mode)');
      return this.record(session, rid, call, settings, now, true);
    }
    this.record(session, rid, call, settings, now, false, answer, line);
  }

  /** Observed calls decided but not yet written, by session and request number. */
  private readonly unwritten = new WeakMap<ShimSession, Map<number, Unwritten>>();

  /** Writes that may wait a moment (observe mode), committed together. */
  private readonly deferred: (() => void)[] = [];
  private flushTimer: NodeJS.Timeout | null = null;

  private later(write: () => void): void {
    this.deferred.push(write);
    if (this.deferred.length >= MAX_DEFERRED) return this.flush();
    this.flushTimer ??= setTimeout(() => this.flush(), OBSERVE_FLUSH_MS);
  }

  private unwrittenOf(session: ShimSession): Map<number, Unwritten> {
    let waiting = this.unwritten.get(session);
    if (!waiting) this.unwritten.set(session, (waiting = new Map()));
    return waiting;
  }

  /** Commit the decisions and deferred writes now (also when the gate stops). */
  flush(): void {
    this.group.flush();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const writes = this.deferred.splice(0);
    if (writes.length === 0) return;
    try {
      // Records of calls already answered (observed, denied at once): no decision waits on
      // this commit, so it does not wait for the disk either.
      this.store.unsynced(() =>
        this.store.transaction(() => {
          for (const write of writes) write();
        }),
      );
    } catch (err) {
      // Nothing of the batch was committed: it waits, in order, until the database takes it.
      for (const write of writes) this.backlog.add('an observed call', write);
      this.log(
        `could not record ${writes.length} observed call(s) now (${writeFailureCause(err)}); will retry`,
      );
    }
  }

  /**
   * Evaluate a call and record the decision. With `answer`, the shim is told the verdict (or
   * the call is held for a person); when `answered`, the call was already allowed (observe
   * mode) and the record joins the next batch.
   */
  private record(
    session: ShimSession,
    rid: number,
    call: ToolCall,
    settings: GateSettings,
    now: number,
    answered: boolean,
    answer: Answer = () => {},
    line = '',
  ): void {
    const record =
      session.serverId === null ? null : this.store.tools.get(session.serverId, call.tool);
    const evaluated = evaluateCall(
      {
        tool: call.tool,
        arguments: call.arguments,
        record,
        sessionId: session.id,
        serverId: session.serverId,
        roots: session.roots,
        readSensitiveEarlier: session.readSensitive,
        knownDomains: this.knownDomains,
        identityChanges:
          session.serverId !== null && session.facts
            ? this.store.servers.changesFor(session.serverId, session.facts).map(describeChange)
            : [],
      },
      this.rulesNow(),
      settings,
      now,
      this.env,
    );
    const { tool, risk } = evaluated;
    // An observed call went ahead already: whatever changed since, record it as observed.
    const decision =
      answered && evaluated.decision.kind !== 'observed'
        ? {
            ...evaluated.decision,
            verdict: 'allow' as const,
            kind: 'observed' as const,
            wouldHave: evaluated.decision.verdict,
          }
        : evaluated.decision;
    const start = callStart(session, call, now, risk);
    // What ran: the agent's arguments, or those a person approved instead.
    const allowed = (args: unknown = call.arguments): void => {
      if (touchesSensitiveData({ tool: call.tool, arguments: args }, tool, this.env))
        session.readSensitive = true;
      this.learnDomains(args);
    };

    if (decision.verdict !== 'ask') {
      const kind: DecisionKind =
        decision.kind ?? (decision.verdict === 'allow' ? 'auto-approved' : 'auto-denied');
      const decidedBy: DecidedBy = decision.ruleId !== null ? 'rule' : 'policy';
      const reason = decision.reasons.join(' ');
      const recorded = {
        kind,
        decidedBy,
        ruleId: decision.ruleId,
        message: reason,
        at: now,
        wouldHave: decision.wouldHave ?? null,
      };
      // Decided now, written with the next batch: the call has gone ahead already.
      if (answered) {
        if (decision.verdict === 'allow') allowed();
        const waiting = this.unwrittenOf(session);
        const entry: Unwritten = { outcome: null };
        waiting.set(rid, entry);
        return this.later(() => {
          waiting.delete(rid);
          const id = this.store.calls.record(start, recorded, entry.outcome ?? undefined);
          if (entry.outcome === null) session.calls.set(rid, id);
          this.deps.announce(id);
          entry.flagged?.(id);
        });
      }
      // An allow rule may hold the results of the calls it lets through.
      const ruleReview =
        decision.verdict === 'allow' && decision.ruleId !== null
          ? this.rulesNow().find((r) => r.id === decision.ruleId)?.reviewResults
          : undefined;
      if (ruleReview) {
        let byRid = this.ruleReviews.get(session);
        if (!byRid) this.ruleReviews.set(session, (byRid = new Map()));
        if (byRid.size >= MAX_REVIEWS_PER_SESSION) byRid.clear();
        byRid.set(rid, ruleReview);
      }
      // Committed with the decisions that arrived together, then answered.
      this.group.add({
        write: () => this.store.calls.record(start, recorded),
        committed: (id) => {
          session.calls.set(rid, id);
          this.deps.announce(id);
          if (decision.verdict === 'allow') {
            allowed();
            return answer('allow', `Allowed by Airlock: ${reason}`);
          }
          answer('deny', `Denied by Airlock: ${reason}`);
        },
        failed: (err) => {
          // Fail closed: a call the gate could not record is not forwarded.
          const cause = writeFailureCause(err);
          this.log(`could not decide on ${call.tool}: ${cause}`);
          this.recordLater(session, rid, start, now, decision.verdict, reason, err);
          answer('deny', `Denied by Airlock: the decision could not be recorded (${cause})`);
        },
      });
      return;
    }

    let id: number;
    try {
      // Not yet a decision: no need to wait for the disk (the decision's commit will).
      id = this.store.unsynced(() => this.store.calls.begin(start));
    } catch (err) {
      this.recordLater(session, rid, start, now, 'ask', decision.reasons.join(' '), err);
      throw err;
    }
    session.calls.set(rid, id);
    this.heldCalls.set(id, { line, tool: call.tool, inputSchema: tool.definition?.inputSchema });
    const held = this.broker.hold(
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
      },
      (r: Resolution) =>
        void this.onResolved(session, rid, id, r, answer, allowed).catch((err: unknown) =>
          this.log(`error answering call ${id}: ${(err as Error).message}`),
        ),
    );
    session.channel.send({ t: 'held', rid, deadline: held.deadline });
  }

  private async onResolved(
    session: ShimSession,
    rid: number,
    id: number,
    r: Resolution,
    answer: Answer,
    allowed: (args?: unknown) => void,
  ): Promise<void> {
    this.heldCalls.delete(id);
    const decidedAt = Date.now();
    const decision = {
      kind: r.kind,
      decidedBy: r.decidedBy,
      ruleId: null,
      message: r.message,
      at: decidedAt,
      approvedArgumentsRaw: r.edit?.argumentsJson ?? null,
    };
    try {
      // On the disk before the shim may forward the call. A failed commit throws before the
      // first await (so takeRecordFailure knows at once); the flush runs off the event loop.
      await durably(this.store, () => this.store.calls.decide(id, decision));
      this.deps.announce(id);
    } catch (err) {
      const cause = writeFailureCause(err);
      this.log(`could not record the decision on call ${id} (${cause}): the call is denied`);
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
      this.backlog.add(`the decision on call ${id}`, () => {
        this.store.calls.decide(id, denied);
        this.deps.announce(id);
      });
      // Kept for the person's command to read at once; bounded if nobody asks.
      if (this.recordFailures.size >= 1000) this.recordFailures.clear();
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
      allowed(r.edit ? (JSON.parse(r.edit.argumentsJson) as unknown) : undefined);
    answer(r.verdict, denialOrApproval(r), r.edit);
  }

  /**
   * A person approves a waiting call with edited arguments. They must fit the tool's pinned
   * inputSchema (ajv, bounded: see argsSchema.ts); the line the shim will forward is built here
   * the way the shim builds it (withArguments), and the decision is bound to its digest. A
   * refused edit decides nothing: the call keeps waiting.
   */
  approveEdited(id: number, args: unknown): EditedApproval {
    const held = this.heldCalls.get(id);
    if (!held) return { kind: 'not-pending' };
    const check = checkEditedArguments(held.inputSchema, args);
    if (!check.ok) return { kind: 'rejected', error: check.error };
    const argumentsJson = JSON.stringify(args);
    const line = withArguments(held.line, argumentsJson);
    // The edited line must read back as the same tool's call: never forward what cannot.
    const call = line === null ? null : readToolCall(line);
    if (line === null || call === null || call.tool !== held.tool)
      return { kind: 'rejected', error: 'the edited call could not be built from the request' };
    const digest = createHash('sha256').update(line, 'utf8').digest('hex');
    return this.broker.decide(id, 'allow', null, { argumentsJson, digest })
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

  /** A call denied because its record could not be written: the row comes when it can. */
  private recordLater(
    session: ShimSession,
    rid: number,
    start: CallStart,
    at: number,
    verdict: Verdict | 'ask',
    reason: string,
    err: unknown,
  ): void {
    const cause = writeFailureCause(err);
    const would =
      verdict === 'allow'
        ? 'Would have been allowed'
        : verdict === 'ask'
          ? 'Would have asked'
          : 'Denied';
    this.backlog.add(`a call to ${start.tool}`, () => {
      const id = this.store.calls.record(start, {
        kind: 'auto-denied',
        decidedBy: 'gate',
        ruleId: null,
        message: `${would} (${reason}), but the decision could not be recorded (${cause}), so the call was denied.`,
        at,
      });
      this.deps.announce(id);
    });
    session.calls.delete(rid);
  }

  /** Calls the shim denied while the gate was unreachable. */
  offline(session: ShimSession, msg: ShimMsg<'offline'>): void {
    const ids: number[] = [];
    // One transaction for the lot: they were denied long ago, one fsync records them all.
    this.store.transaction(() => {
      for (const c of msg.calls) {
        const call = readToolCall(c.line);
        if (!call) continue;
        const at = c.at;
        const risk: RiskAssessment = { level: 'medium', reasons: [] };
        ids.push(
          this.store.calls.record(callStart(session, call, at, risk), {
            kind: 'unreachable',
            decidedBy: null,
            ruleId: null,
            message: c.reason,
            at,
          }),
        );
      }
    });
    for (const id of ids) this.deps.announce(id);
  }

  private learnDomains(args: unknown): void {
    const fresh = domainsIn(args).filter((d) => !this.knownDomains.includes(d));
    if (fresh.length === 0) return;
    this.knownDomains = [...this.knownDomains, ...fresh].slice(-MAX_KNOWN_DOMAINS);
    const known = this.knownDomains;
    const save = (): void => this.store.settings.set('knownDomains', known, Date.now());
    // The call's decision is committed already; remembering its domains may wait.
    try {
      save();
    } catch {
      this.backlog.add('the domains a call linked to', save);
    }
  }

  /** Rules as of now; expired ones stay in the list (shown as expired) but never match. */
  private rulesNow(): Rule[] {
    return this.store.rules.list();
  }
}

/** An observed call decided but not yet written, and its outcome if that came first. */
interface Unwritten {
  outcome: CallOutcome | null;
  /** Raises the result notice once the row exists. */
  flagged?: (callId: number) => void;
}

/** Calls that may wait for a person at once, per server and in all. */
export const MAX_WAITING_PER_SERVER = 50;
export const MAX_WAITING_TOTAL = 200;
/** Calls denied for a full queue recorded one by one per session; the rest are counted. */
export const MAX_RECORDED_FLOOD_DENIALS = 20;

/** Why a new call may not join the queue, or null when it may. Pure. */
export function queueFull(
  broker: Pick<ApprovalBroker, 'size' | 'waitingFor'>,
  serverId: number | null,
  sessionId: string,
): string | null {
  if (broker.size >= MAX_WAITING_TOTAL)
    return `too many calls are waiting for a decision (${MAX_WAITING_TOTAL} in all); answer or wait for those first`;
  if (broker.waitingFor(serverId, sessionId) >= MAX_WAITING_PER_SERVER)
    return `too many calls from this server are waiting for a decision (${MAX_WAITING_PER_SERVER}); answer or wait for those first`;
  return null;
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

/** What the record keeps of a call as it arrived from this session. */
function callStart(
  session: ShimSession,
  call: ToolCall,
  at: number,
  risk: RiskAssessment,
): CallStart {
  return {
    at,
    sessionId: session.id,
    host: session.info?.host ?? '',
    serverId: session.serverId,
    server: session.info?.server ?? '',
    tool: call.tool,
    argumentsRaw: call.argumentsRaw,
    risk,
  };
}
