// The shim's side of the gate connection. It connects in the background at start (so a probe
// that starts and kills the shim costs nothing) and again on demand; any failure denies the
// held call within CONNECT_TIMEOUT_MS with a reason that says the approval service is not
// running. Nothing is forwarded without a decision authenticated for that very request.
// Every message from the gate is sealed (authenticated, numbered) and checked against the
// protocol; anything else ends the connection, and every call waiting on it is denied.
import { decisionMac, editedDecisionMac, resultMac, sameProof } from '../gate/auth';
import { connectGate, type GateConnection } from '../link/client';
import type {
  GateMessage,
  ResultVerdict,
  ReviewMode,
  SessionInfo,
  ShimMessage,
} from '../gate/wire';
import { checkGateMessage } from '../link/wireCheck';
import { jsonStringParts } from '../mcp/jsonBytes';
import { DecisionTrace } from './decisionTrace';
import { OfflineSpool } from './offlineSpool';

type Connection = GateConnection<GateMessage>;

export const CONNECT_TIMEOUT_MS = 1_500;
/** Extra time the shim grants past the gate's own deadline before denying by itself. */
const DEADLINE_GRACE_MS = 5_000;
/**
 * Reports queued for the gate past this make the shim stop reading the host until they drain:
 * a host flooding observed calls is slowed to the gate's pace instead of the shim's memory
 * growing (and instead of reports being lost when the host closes). About 200 reports of 1 KB.
 */
export const GATE_BACKLOG_BYTES = 256 * 1024;
/**
 * A gate that takes none of the backlog for this long is treated as hung: the connection is
 * dropped (the reports still queued are lost, and calls are denied until it answers again) so
 * that neither the host nor the shim's memory waits on it any longer.
 */
export const GATE_STALL_MS = 10_000;

export interface GateDecision {
  verdict: 'allow' | 'deny';
  text: string;
  /**
   * Approved with edited arguments: forward the held line with `params.arguments` replaced by
   * `args`, only if it hashes to `digest` (the MAC binding both was checked already).
   */
  edit?: { args: string; digest: string };
}

/** What becomes of a held result, and the text of the error that replaces it. */
export interface ResultDecision {
  verdict: ResultVerdict;
  text: string;
}

/**
 * Outcome reports are bookkeeping (the host has its answer already), so they wait to leave with
 * the next message for the gate, usually the next call's ask: one write and one wake-up of the
 * gate instead of two per call. They wait at most this long, and at most DEFERRED_MAX of them.
 */
export const OUTCOME_DEFER_MS = 20;
const DEFERRED_MAX = 64;

/** Review modes the gate sent for calls whose result has not come yet; the oldest go past this. */
const MAX_REVIEWS = 10_000;

/** A held result waiting for its verdict: bound to the digest of the result it is about. */
interface ResultAsked {
  digest: string;
  settle: (d: ResultDecision) => void;
  timer: NodeJS.Timeout | null;
}

interface Asked {
  digest: string;
  resolve: (d: GateDecision) => void;
  timer: NodeJS.Timeout | null;
}

export class GateLink {
  private conn: Connection | null = null;
  private connecting: Promise<Connection> | null = null;
  private readonly asked = new Map<number, Asked>();
  private tools: ShimMessage | null = null;
  private roots: ShimMessage | null = null;
  private serverInfo: ShimMessage | null = null;
  /** Calls denied while the gate was unreachable, kept until it records them. */
  private readonly offline: OfflineSpool;
  /** Outcome reports waiting to leave with the next message (see OUTCOME_DEFER_MS). */
  private deferred: ShimMessage[] = [];
  private deferTimer: NodeJS.Timeout | null = null;
  /** AIRLOCK_TRACE_DECISIONS: how long each held call waited for its decision. */
  private readonly trace = DecisionTrace.fromEnv(process.env);
  private closed = false;
  private lostReason = 'the Airlock approval service is not running';
  /** Calls whose result the gate wants held for review, by request number. */
  private readonly reviews = new Map<number, ReviewMode>();
  /** Held results waiting for the gate's verdict. */
  private readonly resultsAsked = new Map<number, ResultAsked>();
  /** Held results to report, in turn (see sendHeld); the first is being sent. */
  private readonly heldQueue: (() => void)[] = [];
  disabledTools = new Set<string>();
  /** The gate is observing (and not paused): calls go ahead and are reported after. */
  observing = false;
  /** Called when the user switched a tool of this server on or off. */
  onDisabledChanged: () => void = () => {};

  constructor(
    private readonly dataDir: string,
    private readonly session: SessionInfo,
    private readonly log: (line: string) => void,
  ) {
    this.offline = new OfflineSpool(dataDir, session, log);
  }

  /** Connect without waiting; failures are quiet until a call needs the gate. */
  warmUp(): void {
    this.ensure().catch(() => {});
  }

  private ensure(): Promise<Connection> {
    if (this.conn && !this.conn.channel.isClosed) return Promise.resolve(this.conn);
    if (this.closed) return Promise.reject(new Error('the shim is shutting down'));
    this.connecting ??= connectGate(this.dataDir, 'shim', CONNECT_TIMEOUT_MS, checkGateMessage)
      .then((conn) => {
        this.connecting = null;
        if (this.closed) {
          conn.channel.close('shim closed');
          throw new Error('the shim is shutting down');
        }
        this.conn = conn;
        conn.onMessage((m) => this.onMessage(m));
        conn.onClose((reason) => this.onLost(reason));
        conn.channel.send({ t: 'session', ...this.session });
        if (this.tools) conn.channel.send(this.tools);
        if (this.roots) conn.channel.send(this.roots);
        if (this.serverInfo) conn.channel.send(this.serverInfo);
        for (const report of this.offline.take()) conn.channel.send(report);
        return conn;
      })
      .catch((err: unknown) => {
        this.connecting = null;
        throw err;
      });
    return this.connecting;
  }

  /**
   * Ask the gate about one call, showing it `line`'s exact bytes. Always resolves: failures
   * become denials. On a live connection the ask leaves in this very turn, with the outcome
   * reports waiting (one write and one wake-up of the gate, not two).
   */
  ask(rid: number, line: Buffer, digest: string): Promise<GateDecision> {
    const conn = this.conn;
    if (conn && !conn.channel.isClosed) return this.askOn(conn, rid, line, digest);
    return this.askAfterConnecting(rid, line, digest);
  }

  private async askAfterConnecting(
    rid: number,
    line: Buffer,
    digest: string,
  ): Promise<GateDecision> {
    let conn: Connection;
    try {
      conn = await this.ensure();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.rememberOffline(line, reason);
      return { verdict: 'deny', text: `Denied by Airlock: ${reason}` };
    }
    if (conn.channel.isClosed) {
      // It ended between connecting and now (e.g. its first message failed the check).
      return {
        verdict: 'deny',
        text: `Denied by Airlock: the connection to the approval service was lost (${this.lostReason})`,
      };
    }
    return this.askOn(conn, rid, line, digest);
  }

  private askOn(
    conn: Connection,
    rid: number,
    line: Buffer,
    digest: string,
  ): Promise<GateDecision> {
    return new Promise((resolve) => {
      this.asked.set(rid, { digest, resolve, timer: null });
      this.flushDeferred();
      sendLine(conn, 'ask', rid, digest, line);
      this.trace?.asked(rid);
    });
  }

  /** Observe mode: the call went ahead; the gate records it from these bytes. */
  observed(rid: number, line: Buffer, digest: string): void {
    const conn = this.conn;
    if (!conn) return;
    this.flushDeferred();
    sendLine(conn, 'observed', rid, digest, line);
  }

  cancel(rid: number, reason: string): void {
    const a = this.asked.get(rid);
    if (!a) return;
    this.asked.delete(rid);
    if (a.timer) clearTimeout(a.timer);
    this.flushDeferred();
    this.conn?.channel.send({ t: 'cancel', rid, reason });
  }

  send(msg: ShimMessage): void {
    if (msg.t === 'tools') this.tools = msg;
    if (msg.t === 'roots') this.roots = msg;
    if (msg.t === 'serverInfo') this.serverInfo = msg;
    if (!this.conn) return;
    if (msg.t === 'outcome' && !msg.held) return this.defer(msg);
    this.flushDeferred();
    this.conn.channel.send(msg);
  }

  private defer(msg: ShimMessage): void {
    this.deferred.push(msg);
    if (this.deferred.length >= DEFERRED_MAX) return this.flushDeferred();
    // One timer per window, not one per report: a flush leaves it armed (setting and clearing a
    // timer for every call cost more than the call's own report), and when it fires it sends
    // whatever still waits, which has then waited at most OUTCOME_DEFER_MS.
    if (this.deferTimer) return;
    this.deferTimer = setTimeout(() => {
      this.deferTimer = null;
      this.flushDeferred();
    }, OUTCOME_DEFER_MS);
    this.deferTimer.unref?.();
  }

  /** Sends the reports waiting, in order, before anything sent after them. */
  private flushDeferred(): void {
    if (this.deferred.length === 0) return;
    const waiting = this.deferred;
    this.deferred = [];
    const conn = this.conn;
    if (conn) for (const m of waiting) conn.channel.send(m);
  }

  /** More is queued for the gate than it should be: stop taking new work from the host. */
  get backlogged(): boolean {
    this.flushDeferred(); // what waits here counts too
    return (this.conn?.channel.queuedBytes ?? 0) > GATE_BACKLOG_BYTES;
  }

  /**
   * Calls `done` once the queue for the gate has drained, or at once without a connection. A
   * gate that leaves it undrained for GATE_STALL_MS loses its connection (and `done` is called).
   */
  whenDrained(done: () => void): void {
    this.flushDeferred();
    const conn = this.conn;
    if (!conn) return done();
    // A slow gate that keeps taking some of the queue is waited for; only a still queue is a hang.
    let queued = conn.channel.queuedBytes;
    const check = (): void => {
      const now = conn.channel.queuedBytes;
      if (now > 0 && now < queued) {
        queued = now;
        stall = setTimeout(check, GATE_STALL_MS);
        return;
      }
      this.log(`the Airlock gate took no reports for ${GATE_STALL_MS / 1000} s; disconnecting`);
      conn.channel.close('the approval service stopped reading');
    };
    let stall = setTimeout(check, GATE_STALL_MS);
    conn.channel.onceDrained(() => {
      clearTimeout(stall);
      done();
    });
  }

  /** Appends the decision waits noted so far to the trace file, if one is set. */
  writeTrace(): void {
    this.trace?.write();
  }

  close(): void {
    this.flushDeferred();
    this.trace?.write();
    this.closed = true;
    this.conn?.channel.close('shim closed');
    this.conn = null;
  }

  /**
   * Closes after the reports still queued reach the gate, waiting at most `graceMs` (a gate
   * that is gone or hung must not keep the shim alive). Resolves at once without a connection.
   */
  closeAfterFlush(graceMs: number): Promise<void> {
    this.flushDeferred();
    this.trace?.write();
    this.closed = true;
    const conn = this.conn;
    this.conn = null;
    return conn ? conn.channel.closeAfterFlush('shim closed', graceMs) : Promise.resolve();
  }

  /** The review mode the gate set for this call's result (once: the result comes once). */
  takeReview(rid: number): ReviewMode | undefined {
    const mode = this.reviews.get(rid);
    this.reviews.delete(rid);
    return mode;
  }

  /**
   * Report a held result and wait for the gate's verdict on it. Always resolves: a lost
   * connection, a hung gate or a verdict not bound to this result replace it with an error.
   */
  askResult(
    report: Extract<ShimMessage, { t: 'outcome' }> & { digest: string },
    parts: Iterable<string> | null = null,
  ): Promise<ResultDecision> {
    const conn = this.conn;
    const rid = report.rid;
    if (!conn || conn.channel.isClosed)
      return Promise.resolve(replaced('the approval service is not reachable'));
    return new Promise((resolve) => {
      this.resultsAsked.set(rid, { digest: report.digest, settle: resolve, timer: null });
      this.flushDeferred();
      this.heldQueue.push(() => this.sendHeld(conn, report, parts?.[Symbol.iterator]() ?? null));
      if (this.heldQueue.length === 1) this.heldQueue[0]?.();
    });
  }

  /**
   * A held result's report, after its text in parts for the gate's scan (none: too much text to
   * scan, and the report says no count). The parts go as the queue for the gate has room, so a
   * result of megabytes is never queued whole; without a wait, all at once. One result at a
   * time (heldQueue): the gate scans the results of a session one after another, never
   * interleaved. A result withdrawn meanwhile is still reported, as not held: its outcome is on
   * the record all the same.
   */
  private sendHeld(
    conn: Connection,
    report: Extract<ShimMessage, { t: 'outcome' }>,
    parts: Iterator<string> | null,
    sent = 0,
  ): void {
    let count = sent;
    while (parts && this.resultsAsked.has(report.rid) && !conn.channel.isClosed) {
      if (conn.channel.queuedBytes > GATE_BACKLOG_BYTES)
        return this.whenDrained(() => this.sendHeld(conn, report, parts, count));
      const part = parts.next();
      if (part.done) break;
      conn.channel.send({ t: 'resultPart', rid: report.rid, text: part.value });
      count++;
    }
    // Closed: the result was settled as replaced, and nothing can be sent.
    if (!conn.channel.isClosed)
      conn.channel.send(
        this.resultsAsked.has(report.rid)
          ? { ...report, held: true, ...(parts ? { parts: count } : {}) }
          : report,
      );
    this.heldQueue.shift();
    this.heldQueue[0]?.();
  }

  private onResultMessage(
    msg: Extract<GateMessage, { t: 'review' | 'resultHeld' | 'resultVerdict' }>,
  ): void {
    if (msg.t === 'review') {
      if (this.reviews.size >= MAX_REVIEWS) {
        const [oldest] = this.reviews.keys();
        if (oldest !== undefined) this.reviews.delete(oldest);
      }
      this.reviews.set(msg.rid, msg.mode);
      return;
    }
    const a = this.resultsAsked.get(msg.rid);
    if (!a) return;
    if (msg.t === 'resultHeld') {
      // The gate replaces it on its own at the deadline; this is the backstop should it hang.
      const wait = Math.max(0, msg.deadline - Date.now()) + DEADLINE_GRACE_MS;
      a.timer = setTimeout(
        () => this.settleResult(msg.rid, replaced('no decision arrived from the approval service')),
        wait,
      );
      a.timer.unref?.();
      return;
    }
    const key = this.conn?.key ?? '';
    if (!sameProof(msg.mac, resultMac(key, msg.rid, a.digest, msg.verdict))) {
      this.settleResult(msg.rid, replaced('the decision was not bound to this result'));
      return;
    }
    this.settleResult(msg.rid, { verdict: msg.verdict, text: msg.text });
  }

  private settleResult(rid: number, d: ResultDecision): void {
    const a = this.resultsAsked.get(rid);
    if (!a) return;
    this.resultsAsked.delete(rid);
    if (a.timer) clearTimeout(a.timer);
    a.settle(d);
  }

  /** The host withdrew a call whose result is held: the gate stops asking about it. */
  cancelResult(rid: number, reason: string): void {
    if (!this.resultsAsked.has(rid)) return;
    const a = this.resultsAsked.get(rid);
    this.resultsAsked.delete(rid);
    if (a?.timer) clearTimeout(a.timer);
    this.flushDeferred();
    this.conn?.channel.send({ t: 'cancel', rid, reason });
  }

  private onMessage(msg: GateMessage): void {
    if (msg.t === 'review' || msg.t === 'resultHeld' || msg.t === 'resultVerdict')
      return this.onResultMessage(msg);
    if (msg.t === 'disabled') {
      const next = new Set(msg.tools);
      const changed =
        next.size !== this.disabledTools.size || [...next].some((t) => !this.disabledTools.has(t));
      this.disabledTools = next;
      if (changed) this.onDisabledChanged();
      return;
    }
    if (msg.t === 'mode') {
      this.observing = msg.observe;
      return;
    }
    const rid = msg.rid;
    const a = this.asked.get(rid);
    if (!a) return;
    if (msg.t === 'held') {
      // The gate times out on its own; this is the backstop should it hang.
      const wait = Math.max(0, msg.deadline - Date.now()) + DEADLINE_GRACE_MS;
      a.timer = setTimeout(
        () =>
          this.settle(rid, {
            verdict: 'deny',
            text: 'Denied by Airlock: no decision arrived from the approval service',
          }),
        wait,
      );
      a.timer.unref?.();
      return;
    }
    const key = this.conn?.key ?? '';
    const expected = msg.edit
      ? editedDecisionMac(key, rid, a.digest, msg.edit.digest)
      : decisionMac(key, rid, a.digest, msg.verdict);
    if (!sameProof(msg.mac, expected) || (msg.edit && msg.verdict !== 'allow')) {
      this.settle(rid, {
        verdict: 'deny',
        text: 'Denied by Airlock: the decision was not bound to this request',
      });
      return;
    }
    this.settle(rid, {
      verdict: msg.verdict,
      text: msg.text,
      ...(msg.edit ? { edit: { args: msg.edit.args, digest: msg.edit.digest } } : {}),
    });
  }

  private settle(rid: number, d: GateDecision): void {
    const a = this.asked.get(rid);
    if (!a) return;
    this.asked.delete(rid);
    this.trace?.decided(rid);
    if (a.timer) clearTimeout(a.timer);
    a.resolve(d);
  }

  private onLost(reason: string): void {
    this.conn = null;
    this.deferred = []; // nowhere to send them: the record misses these outcomes, as before
    if (this.deferTimer) clearTimeout(this.deferTimer);
    this.deferTimer = null;
    this.observing = false; // without the gate, nothing goes ahead
    if (!this.closed && (this.asked.size || reason !== 'connection closed'))
      this.log(`lost the connection to the Airlock gate: ${reason}`);
    const why =
      reason === 'connection closed' ? 'the Airlock approval service is not running' : reason;
    this.lostReason = why;
    for (const rid of [...this.asked.keys()]) {
      this.settle(rid, {
        verdict: 'deny',
        text: `Denied by Airlock: the connection to the approval service was lost (${why})`,
      });
    }
    // A held result is never passed without a verdict: it is replaced.
    for (const rid of [...this.resultsAsked.keys()])
      this.settleResult(rid, replaced(`the connection to the approval service was lost (${why})`));
    this.reviews.clear();
  }

  private rememberOffline(line: Buffer, reason: string): void {
    this.offline.add({ at: Date.now(), line: textPrefix(line, 64 * 1024), reason });
  }
}

/**
 * Lines from this size on go to the gate as bytes in parts (see lineMessage); a smaller one is
 * cheaper as one string in one write than as several buffers gathered by the socket.
 */
const LINE_AS_PARTS_FROM_BYTES = 64 * 1024;

function sendLine(
  conn: Connection,
  t: 'ask' | 'observed',
  rid: number,
  digest: string,
  line: Buffer,
): void {
  if (line.length < LINE_AS_PARTS_FROM_BYTES)
    conn.channel.send({ t, rid, line: line.toString('utf8'), digest });
  else conn.channel.sendParts(lineMessage(t, rid, digest, line));
}

/**
 * `{"t":…,"rid":…,"digest":…,"line":"…"}` as byte parts: the held line escaped as views of its
 * own bytes (see jsonStringParts), never decoded into a string, encoded back or copied whole.
 */
function lineMessage(t: 'ask' | 'observed', rid: number, digest: string, line: Buffer): Buffer[] {
  const head = Buffer.from(`{"t":"${t}","rid":${rid},"digest":${JSON.stringify(digest)},"line":`);
  return [head, ...jsonStringParts(line), CLOSE_OBJECT];
}

const CLOSE_OBJECT = Buffer.from('}');

/** The text of at most `max` bytes of `line`, never cutting a UTF-8 character in two. */
function textPrefix(line: Buffer, max: number): string {
  if (line.length <= max) return line.toString('utf8');
  let end = max;
  while (end > 0 && ((line[end] as number) & 0xc0) === 0x80) end--; // a continuation byte
  return line.subarray(0, end).toString('utf8');
}

/** The error that replaces a held result nobody could decide on. */
function replaced(why: string): ResultDecision {
  return {
    verdict: 'replace',
    text: `Withheld by Airlock: ${why}, so this result was not passed on.`,
  };
}
