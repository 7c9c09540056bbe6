// The heart of the shim: every host line is parsed strictly, every `tools/call` is held for
// the gate, and everything else flows both ways while calls wait. Server output passes through
// as the exact bytes the server wrote, except the few responses the shim must read.
//
// The server is not trusted. A response reaches the host only if it answers, by the exact id
// token, a request the host sent and the shim forwarded, once; everything else the server writes
// that is not a well-formed JSON-RPC message is dropped, logged and reported to the gate.
import { randomBytes } from 'node:crypto';
import type { ToolDefinition } from '../contract/types';
import { withArguments } from '../mcp/editedLine';
import { editedNoteText, withLeadingText } from '../mcp/editedNote';
import type { OversizeInfo } from '../mcp/framing';
import { parseHostLine, type HostLine } from '../mcp/hostLine';
import { sha256Hex } from '../mcp/sha256';
import { jsonRpcError, progressNotification, toolDenial } from '../mcp/messages';
import {
  ambiguousJson,
  idKeyFromOversize,
  peekServerLine,
  peekServerText,
  type ServerLine,
} from '../mcp/serverLine';
import type { GateDecision, ResultDecision } from './gateLink';
import { redactedResponse } from './redact';
import { resultTexts, sampleOf, type ResultSample } from './resultSample';
import { scanParts, scanTexts } from './resultScanParts';
import { MAX_WIRE_TOOLS, MAX_WIRE_TOOLS_BYTES, toolMisfit } from './toolFit';
import type { ReviewMode, ShimMessage } from '../gate/wire';

/** What the proxy needs from the gate connection (GateLink in production). */
export interface Gate {
  /** `line`: the exact bytes held (the gate is shown these, once). */
  ask(rid: number, line: Buffer, digest: string): Promise<GateDecision>;
  /** Observe mode: report a call that went ahead, showing the gate `line`'s exact bytes. */
  observed(rid: number, line: Buffer, digest: string): void;
  cancel(rid: number, reason: string): void;
  send(msg: ShimMessage): void;
  readonly disabledTools: ReadonlySet<string>;
  /** Observe mode: forward at once and report the call (never true without a live gate). */
  readonly observing: boolean;
  /** Whether the gate wants this call's result held for review (asked once per call). */
  takeReview?(rid: number): ReviewMode | undefined;
  /**
   * Report a held result and wait for its verdict (always resolves; failures replace it).
   * `parts`: all of its text, sent before the report for the gate's scan (null: too much).
   */
  askResult?(report: OutcomeReport, parts?: Iterable<string> | null): Promise<ResultDecision>;
  /** The host withdrew a call whose result is held. */
  cancelResult?(rid: number, reason: string): void;
}

type OutcomeReport = Extract<ShimMessage, { t: 'outcome' }> & { digest: string };

export interface ProxyIO {
  /** Write one line (without its newline). False means: wait for drain. */
  toServer(line: Buffer | string): boolean;
  toHost(line: Buffer | string): boolean;
  log(line: string): void;
  /**
   * The bytes of a server line the proxy was given as its text (a big one, see onServerLine):
   * made when they are needed, after the copies let go before are collected. Default: encoded.
   */
  bytesOf?(text: string): Buffer;
}

type Request = Extract<HostLine, { kind: 'request' }>;

interface Held {
  rid: number;
  idRaw: string;
  line: Buffer;
  progress: NodeJS.Timeout | null;
  /** The request's progress token, kept for a result held for review. */
  progressTokenRaw?: string;
}

/** A result held for review: the server's answer, not yet passed to the host. */
interface HeldResult {
  rid: number;
  idRaw: string;
  line: Buffer;
  message: Record<string, unknown>;
  progress: NodeJS.Timeout | null;
  /** The call was approved with edited arguments: the agent is told, whatever is passed. */
  editedNote?: string;
}

/** A request forwarded to the server whose one answer is still expected. */
interface InFlight {
  idRaw: string;
  /** `refresh`: the shim's own tools/list; `opening`: initialize or server/discover. */
  kind: 'tools/call' | 'tools/list' | 'refresh' | 'opening' | 'other';
  rid?: number;
  /** A tools/call's progress token, for keeping the host waiting on a held result. */
  progressTokenRaw?: string;
  /** tools/list with a cursor: a later page, merged into the earlier ones. */
  append?: boolean;
  /** The host cancelled it after it was forwarded: a late answer is dropped. */
  cancelled?: boolean;
  startedAt: number;
  /** Forwarded with arguments a person edited: the agent's result says so first. */
  editedNote?: string;
}

type Response = Extract<ServerLine, { kind: 'response' }>;

const INVALID_REQUEST = -32600;
const INVALID_PARAMS = -32602;
const SERVER_GONE = -32000;
const MAX_TRACKED_SERVER_REQUESTS = 1000;
/** Cancelled requests whose late answer is still awaited; the oldest are forgotten past this. */
const MAX_CANCELLED = 1000;
/** Drops reported to the gate one by one; past this, only stderr hears of them. */
const MAX_REPORTED_DROPS = 100;
/** serverInfo strings longer than this are cut (they are shown, never trusted). */
const MAX_INFO_CHARS = 200;
/** Pages the shim's own re-list follows before it stops. */
const MAX_REFRESH_PAGES = 100;
/**
 * Bytes of results held for review at once. Past this a new one is replaced at once rather than
 * held: a host firing calls at a slow reviewer must not grow the shim without limit.
 */
export const MAX_HELD_RESULT_BYTES = 256 * 1024 * 1024;

export class ShimProxy {
  private readonly held = new Map<string, Held>();
  /** Results held for review, by the host's request id key. */
  private readonly heldResults = new Map<string, HeldResult>();
  private readonly inFlight = new Map<string, InFlight>();
  /** Server → host requests whose answers the shim reads (only roots/list). */
  private readonly serverRequests = new Set<string>();
  /** Keys of cancelled in-flight requests, oldest first. */
  private readonly cancelled = new Set<string>();
  private nextRid = 1;
  private drops = 0;
  private refreshPages = 0;
  /** The shim's own re-list is under way; `refreshAgain`: another list_changed came meanwhile. */
  private refreshing = false;
  private refreshAgain = false;
  private lastToolsListParams: Record<string, unknown> | undefined;
  private tools: ToolDefinition[] = [];
  /** Bytes of `tools` as JSON, kept within MAX_WIRE_TOOLS_BYTES. */
  private toolsBytes = 0;
  private serverGone = false;

  constructor(
    private readonly io: ProxyIO,
    private readonly gate: Gate,
    private readonly opts: {
      maxLineBytes: number;
      maxServerLineBytes: number;
      progressIntervalMs: number;
    },
  ) {}

  /** Held calls, for tests and diagnostics. */
  get heldCount(): number {
    return this.held.size;
  }

  private bytesOf(line: Buffer | string): Buffer {
    if (typeof line !== 'string') return line;
    return this.io.bytesOf ? this.io.bytesOf(line) : Buffer.from(line, 'utf8');
  }

  onHostLine(line: Buffer): boolean {
    const m = parseHostLine(line);
    switch (m.kind) {
      case 'invalid':
        return this.io.toHost(jsonRpcError(m.idRaw, m.code, `Airlock: ${m.reason}`));
      case 'request':
        return this.onHostRequest(m, line);
      case 'notification':
        if (m.method === 'tools/call') {
          // A tool call that cannot be answered cannot be asked about either.
          this.io.log('dropped a tools/call sent as a notification (no id): it cannot be gated');
          return true;
        }
        if (m.method === 'notifications/cancelled' && m.requestIdKey !== undefined) {
          if (this.cancelHeld(m.requestIdKey, m.params?.reason)) {
            return true; // the server never saw the call, so it must not see its cancellation
          }
          if (this.cancelHeldResult(m.requestIdKey, m.params?.reason)) {
            return true; // the server answered already: nothing of it is open there
          }
          this.markCancelled(m.requestIdKey);
        }
        return this.io.toServer(line);
      case 'response':
        if (this.serverRequests.delete(m.idKey)) this.readRoots(m.message);
        return this.io.toServer(line);
    }
  }

  onHostOversize(info: OversizeInfo): void {
    this.io.toHost(
      jsonRpcError(
        null,
        INVALID_REQUEST,
        `Airlock: message of ${info.bytes} bytes is over the ${this.opts.maxLineBytes}-byte limit`,
      ),
    );
  }

  /**
   * One line from the server: its bytes, or its text (strictly decoded from them, so it encodes
   * back to exactly them). Given a text, the proxy holds no copy of the bytes while it parses and
   * reads the message, and makes them again only to pass them on.
   */
  onServerLine(line: Buffer | string): boolean {
    const p = typeof line === 'string' ? peekServerText(line) : peekServerLine(line);
    switch (p.kind) {
      case 'invalid':
        this.drop(`a line that is not a JSON-RPC message (${p.reason}): ${preview(line)}`);
        return true;
      case 'response':
        return this.onServerResponse(p, line);
      case 'request':
        if (p.method === 'roots/list') {
          if (this.serverRequests.size >= MAX_TRACKED_SERVER_REQUESTS) this.serverRequests.clear();
          this.serverRequests.add(p.idKey);
        }
        return this.io.toHost(line);
      case 'notification':
        if (p.method === 'notifications/tools/list_changed') this.refreshTools();
        return this.io.toHost(line);
    }
  }

  private onServerResponse(p: Response, line: Buffer | string): boolean {
    const f = this.inFlight.get(p.idKey);
    if (!f) {
      this.drop(
        this.held.has(p.idKey)
          ? `an answer to id ${printable(p.idRaw, 60)}, a call still waiting for a decision (never forwarded)`
          : `an answer to id ${printable(p.idRaw, 60)}, which no open forwarded request has (never sent, answered already, or spelled differently)`,
      );
      return true;
    }
    this.inFlight.delete(p.idKey);
    if (f.cancelled) {
      this.cancelled.delete(p.idKey);
      this.drop(`a late answer to id ${printable(p.idRaw, 60)}, cancelled by the host`);
      return true;
    }
    switch (f.kind) {
      case 'refresh':
        this.readTools(p.message, f.append ?? false);
        this.continueRefresh(p.message);
        return true; // the shim's own request: the host never asked
      case 'tools/list':
        return this.io.toHost(this.readTools(p.message, f.append ?? false) ?? line);
      case 'opening':
        this.readServerInfo(p.message);
        return this.io.toHost(line);
      case 'tools/call': {
        const review = f.rid !== undefined ? this.gate.takeReview?.(f.rid) : undefined;
        if (review) return this.holdResult(p.idKey, f, p.message, line);
        const facts = takeOutcomeFacts(p);
        const noted =
          f.editedNote === undefined
            ? null
            : withLeadingText(
                typeof line === 'string' ? line : line.toString('utf8'),
                f.editedNote,
              );
        const bytes = this.bytesOf(line);
        // The host first: the outcome is bookkeeping.
        const ok = this.io.toHost(noted ?? bytes);
        this.gate.send(this.outcomeReport(f, facts, bytes));
        return ok;
      }
      case 'other':
        return this.io.toHost(line);
    }
  }

  onServerOversize(info: OversizeInfo): void {
    // Never buffered: the host gets an error for the request it belonged to, if we can tell.
    const key = idKeyFromOversize(info);
    const f = key ? this.inFlight.get(key) : undefined;
    this.drop(
      `a ${info.bytes}-byte message from the server: over the ${this.opts.maxServerLineBytes}-byte limit`,
    );
    if (key && f) {
      this.inFlight.delete(key);
      this.cancelled.delete(key);
      if (f.kind === 'refresh') this.continueRefresh({}); // that re-list is over
      if (f.cancelled || f.kind === 'refresh') return;
      this.io.toHost(
        jsonRpcError(
          f.idRaw,
          SERVER_GONE,
          `Airlock: the server's answer of ${info.bytes} bytes is over the ${this.opts.maxServerLineBytes}-byte limit`,
        ),
      );
    }
  }

  /**
   * The user switched a tool on or off: the tools the host may see changed, so tell a host
   * that has listed them to list again (the next tools/list is filtered accordingly).
   */
  onDisabledToolsChanged(): void {
    if (this.tools.length === 0 || this.serverGone) return;
    this.io.toHost('{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}');
  }

  /** The host closed its side: nothing held will ever be answered. */
  onHostEnd(): void {
    for (const [key, h] of this.held) {
      this.stopProgress(h);
      this.held.delete(key);
      this.gate.cancel(h.rid, 'the host closed the connection');
    }
    for (const key of [...this.heldResults.keys()])
      this.cancelHeldResult(key, 'the host closed the connection');
  }

  /** The server is gone: every request still open gets an error, held ones included. */
  onServerExit(description: string): void {
    this.serverGone = true;
    const message = `Airlock: the MCP server ${description} before answering`;
    for (const [key, h] of this.held) {
      this.stopProgress(h);
      this.held.delete(key);
      this.gate.cancel(h.rid, 'the server exited');
      this.io.toHost(jsonRpcError(h.idRaw, SERVER_GONE, message));
    }
    for (const [key, f] of this.inFlight) {
      this.inFlight.delete(key);
      // A cancelled request is never answered; the shim's own requests have no one to answer.
      if (!f.cancelled && f.kind !== 'refresh') {
        this.io.toHost(jsonRpcError(f.idRaw, SERVER_GONE, message));
      }
    }
    this.cancelled.clear();
  }

  private onHostRequest(m: Request, line: Buffer): boolean {
    if (this.held.has(m.idKey) || this.inFlight.has(m.idKey) || this.heldResults.has(m.idKey)) {
      return this.io.toHost(
        jsonRpcError(m.idRaw, INVALID_REQUEST, 'Airlock: a request with this id is still open'),
      );
    }
    if (this.serverGone) {
      return this.io.toHost(
        jsonRpcError(m.idRaw, SERVER_GONE, 'Airlock: the MCP server is not running'),
      );
    }
    if (m.method === 'tools/call') return this.hold(m, line);
    const isToolsList = m.method === 'tools/list';
    if (isToolsList) this.lastToolsListParams = m.params;
    const opening = m.method === 'initialize' || m.method === 'server/discover';
    this.inFlight.set(m.idKey, {
      idRaw: m.idRaw,
      kind: isToolsList ? 'tools/list' : opening ? 'opening' : 'other',
      append: isToolsList && m.params?.cursor !== undefined,
      startedAt: Date.now(),
    });
    return this.io.toServer(line);
  }

  private hold(m: Request, line: Buffer): boolean {
    if (typeof m.params?.name !== 'string') {
      return this.io.toHost(
        jsonRpcError(m.idRaw, INVALID_PARAMS, 'Airlock: tools/call needs params.name'),
      );
    }
    const rid = this.nextRid++;
    const digest = sha256Hex(line);
    if (this.gate.observing && !this.gate.disabledTools.has(m.params.name)) {
      // Observe mode logs and never blocks: forward now, the gate records it just after.
      this.inFlight.set(m.idKey, {
        idRaw: m.idRaw,
        kind: 'tools/call',
        rid,
        startedAt: Date.now(),
      });
      // The server first: reporting to the gate is off the call's critical path.
      const ok = this.io.toServer(line);
      this.gate.observed(rid, line, digest);
      return ok;
    }
    const h: Held = { rid, idRaw: m.idRaw, line, progress: null };
    if (m.progressTokenRaw !== undefined) h.progressTokenRaw = m.progressTokenRaw;
    if (m.progressTokenRaw !== undefined) h.progress = this.startProgress(m.progressTokenRaw);
    const key = m.idKey;
    this.held.set(key, h);
    // Only the key is kept for the answer: the parsed message (arguments and all, megabytes for
    // a big call) is garbage as soon as this returns, and the held bytes are all that remain.
    void this.gate.ask(rid, line, digest).then((d) => this.onDecision(key, rid, d));
    return true;
  }

  private onDecision(key: string, rid: number, d: GateDecision): void {
    const h = this.held.get(key);
    if (!h || h.rid !== rid) return; // cancelled, or answered because the server died
    this.held.delete(key);
    this.stopProgress(h);
    if (d.verdict === 'allow' && !this.serverGone && d.edit) {
      // Edited, then approved: the held line with only params.arguments replaced, forwarded
      // only if it is the very line the gate bound its approval to.
      const edited = withArguments(h.line.toString('utf8'), d.edit.args);
      if (edited === null || sha256Hex(edited) !== d.edit.digest) {
        this.io.log(`denied call ${rid}: the edited call did not match the approval`);
        this.io.toHost(
          toolDenial(h.idRaw, 'Denied by Airlock: the edited call did not match what was approved'),
        );
        return;
      }
      this.inFlight.set(key, {
        idRaw: h.idRaw,
        kind: 'tools/call',
        rid,
        startedAt: Date.now(),
        editedNote: editedNoteText(d.edit.args),
        ...(h.progressTokenRaw !== undefined ? { progressTokenRaw: h.progressTokenRaw } : {}),
      });
      this.io.toServer(edited);
    } else if (d.verdict === 'allow' && !this.serverGone) {
      this.inFlight.set(key, {
        idRaw: h.idRaw,
        kind: 'tools/call',
        rid,
        startedAt: Date.now(),
        ...(h.progressTokenRaw !== undefined ? { progressTokenRaw: h.progressTokenRaw } : {}),
      });
      this.io.toServer(h.line); // exactly the bytes the gate was shown
    } else {
      this.io.toHost(toolDenial(h.idRaw, d.text));
    }
  }

  private cancelHeld(key: string, reason: unknown): boolean {
    const h = this.held.get(key);
    if (!h) return false;
    this.held.delete(key);
    this.stopProgress(h);
    this.gate.cancel(h.rid, typeof reason === 'string' ? reason : 'cancelled by the host');
    return true;
  }

  /**
   * The host cancelled a request the server has: the cancellation goes on to the server, and
   * the entry stays (marked) so that a late answer is dropped rather than delivered, and a new
   * request reusing the id is refused while the server may still answer the old one.
   */
  private markCancelled(key: string): void {
    const f = this.inFlight.get(key);
    if (!f || f.cancelled || f.kind === 'refresh') return;
    f.cancelled = true;
    this.cancelled.add(key);
    if (this.cancelled.size > MAX_CANCELLED) {
      // A server that never answers cancelled requests must not grow the shim without limit.
      const [oldest] = this.cancelled;
      if (oldest !== undefined) {
        this.cancelled.delete(oldest);
        this.inFlight.delete(oldest);
      }
    }
  }

  /** Server output the host must not see: logged, and reported to the gate for the record. */
  private drop(said: string): void {
    // The wire takes at most 2000 characters here: a longer report would close the connection.
    const what = said.length > 1900 ? `${said.slice(0, 1900)}...` : said;
    this.io.log(`dropped ${what}`);
    this.drops += 1;
    if (this.drops <= MAX_REPORTED_DROPS) this.gate.send({ t: 'dropped', what });
    else if (this.drops === MAX_REPORTED_DROPS + 1) {
      this.io.log(`more than ${MAX_REPORTED_DROPS} dropped messages: the rest go to stderr only`);
    }
  }

  private startProgress(
    tokenRaw: string,
    message = 'Waiting for approval in Airlock',
  ): NodeJS.Timeout {
    let progress = 0;
    const timer = setInterval(() => {
      progress += 1;
      this.io.toHost(progressNotification(tokenRaw, progress, message));
    }, this.opts.progressIntervalMs);
    timer.unref?.();
    return timer;
  }

  /**
   * Review results: the server's answer waits here until the gate says what becomes of it. The
   * host hears progress meanwhile (if it gave a token), like for a held call.
   */
  private holdResult(
    key: string,
    f: InFlight,
    message: Record<string, unknown>,
    serverLine: Buffer | string,
  ): boolean {
    const rid = f.rid ?? 0;
    const line = this.bytesOf(serverLine);
    const report = this.outcomeReport(f, outcomeFacts(message), line);
    let heldBytes = line.length;
    for (const other of this.heldResults.values()) heldBytes += other.line.length;
    const withheld =
      heldBytes > MAX_HELD_RESULT_BYTES
        ? 'too many results are waiting for review, so this result was not passed on.'
        : isTaskHandle(message)
          ? // Its result comes later, to tasks/result, past any review: not passed at all.
            'this tool answered with a task, and Airlock cannot review the result of a task before the agent reads it. Turn result review off for this tool to use it with tasks.'
          : unreviewable(serverLine);
    if (withheld !== null) {
      this.gate.send(report); // recorded all the same, never passed unreviewed
      return this.io.toHost(toolDenial(f.idRaw, `Withheld by Airlock: ${withheld}`));
    }
    const h: HeldResult = { rid, idRaw: f.idRaw, line, message, progress: null };
    if (f.editedNote !== undefined) h.editedNote = f.editedNote;
    if (f.progressTokenRaw !== undefined)
      h.progress = this.startProgress(f.progressTokenRaw, 'Result waiting for review in Airlock');
    this.heldResults.set(key, h);
    const asked = this.gate.askResult
      ? this.gate.askResult(report, allTextInParts(message))
      : Promise.resolve<ResultDecision>({
          verdict: 'replace',
          text: 'Withheld by Airlock: the result could not be reviewed.',
        });
    void asked.then((d) => this.onResultDecision(key, rid, d));
    return true;
  }

  private onResultDecision(key: string, rid: number, d: ResultDecision): void {
    const h = this.heldResults.get(key);
    if (!h || h.rid !== rid) return; // the host withdrew it
    this.heldResults.delete(key);
    this.stopProgress(h);
    if (d.verdict === 'pass')
      this.io.toHost(noted(h.line, h.editedNote)); // the server's own bytes
    else if (d.verdict === 'redact')
      this.io.toHost(noted(redactedResponse(h.idRaw, h.message), h.editedNote));
    else this.io.toHost(toolDenial(h.idRaw, d.text));
  }

  private cancelHeldResult(key: string, reason: unknown): boolean {
    const h = this.heldResults.get(key);
    if (!h) return false;
    this.heldResults.delete(key);
    this.stopProgress(h);
    this.gate.cancelResult?.(h.rid, typeof reason === 'string' ? reason : 'cancelled by the host');
    return true;
  }

  private stopProgress(h: { progress: NodeJS.Timeout | null }): void {
    if (h.progress) clearInterval(h.progress);
    h.progress = null;
  }

  /**
   * The result's outcome for the record: its size, the digest of the bytes the host received,
   * and a bounded sample of its text (see resultSample.ts) for the gate's excerpt and scan.
   */
  private outcomeReport(f: InFlight, facts: OutcomeFacts, line: Buffer): OutcomeReport {
    return {
      t: 'outcome',
      rid: f.rid ?? 0,
      isError: facts.isError,
      durationMs: Date.now() - f.startedAt,
      size: line.length,
      digest: sha256Hex(line),
      sample: facts.sample.text,
      textChars: facts.sample.chars,
    };
  }

  /**
   * Record a tools/list result (the gate pins and scans every definition) and hide disabled
   * tools from the host. Returns the rewritten line only when something was removed; otherwise
   * the original bytes go through. An entry the gate could not pin (one that does not fit the
   * wire schema, or past the most one list may hold) never reaches the host either: sent on, it
   * would make the gate close the connection and deny every call of this server.
   */
  private readTools(message: Record<string, unknown>, append: boolean): string | null {
    const result = message.result as { tools?: unknown } | undefined;
    if (!result || typeof result !== 'object' || !Array.isArray(result.tools)) return null;
    const listed: ToolDefinition[] = [];
    const misfits: string[] = [];
    let room = MAX_WIRE_TOOLS - (append ? this.tools.length : 0);
    let bytes = append ? this.toolsBytes : 0;
    for (const entry of result.tools as unknown[]) {
      let why = room > 0 ? toolMisfit(entry) : `more than ${MAX_WIRE_TOOLS} tools`;
      const size = why === null ? Buffer.byteLength(JSON.stringify(entry)) + 1 : 0;
      if (why === null && bytes + size > MAX_WIRE_TOOLS_BYTES)
        why = `the list is over ${MAX_WIRE_TOOLS_BYTES >> 20} MiB`;
      if (why === null) {
        listed.push(entry as ToolDefinition);
        room -= 1;
        bytes += size;
      } else misfits.push(`${toolLabel(entry)} (${why})`);
    }
    this.toolsBytes = bytes;
    this.tools = append ? [...this.tools, ...listed] : listed;
    this.gate.send({ t: 'tools', tools: this.tools });
    const disabled = this.gate.disabledTools;
    const kept = listed.filter((t) => !disabled.has(t.name));
    if (kept.length === result.tools.length) return null;
    if (misfits.length > 0) {
      const shown = misfits.slice(0, 5).join(', ');
      const more = misfits.length > 5 ? ` and ${misfits.length - 5} more` : '';
      this.drop(
        `${misfits.length} tool ${misfits.length === 1 ? 'entry' : 'entries'} from tools/list that the gate cannot pin: ${shown}${more}`,
      );
    }
    return JSON.stringify({ ...message, result: { ...result, tools: kept } });
  }

  /**
   * list_changed: fetch the new definitions ourselves. Reading only the host's own re-list is
   * not enough: many hosts never re-list, and the next call must be decided against the
   * definition that will run (a rug pull suspends the tool's rules). The request's id is a fresh
   * random string no open request of the host uses; a host request that later uses it while it
   * is open is refused as a duplicate, so neither side is ever answered with the other's result.
   */
  private refreshTools(cursor?: string): void {
    if (this.serverGone) return;
    if (cursor === undefined) {
      // One re-list at a time: a server flooding list_changed must not pile up requests.
      if (this.refreshing) {
        this.refreshAgain = true;
        return;
      }
      this.refreshing = true;
    }
    let id: string;
    do id = `airlock-${randomBytes(12).toString('hex')}`;
    while (this.inFlight.has(`s:${id}`) || this.held.has(`s:${id}`));
    this.inFlight.set(`s:${id}`, {
      idRaw: JSON.stringify(id),
      kind: 'refresh',
      append: cursor !== undefined,
      startedAt: Date.now(),
    });
    const params: Record<string, unknown> = { ...(this.lastToolsListParams ?? {}) };
    delete params.cursor;
    if (cursor !== undefined) params.cursor = cursor;
    this.io.toServer(JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/list', params }));
  }

  /** The shim's own re-list follows the pages (bounded, so a server cannot page forever). */
  private continueRefresh(message: Record<string, unknown>): void {
    const result = message.result as { nextCursor?: unknown } | null | undefined;
    const cursor = result && typeof result === 'object' ? result.nextCursor : undefined;
    if (typeof cursor === 'string' && ++this.refreshPages < MAX_REFRESH_PAGES) {
      this.refreshTools(cursor);
      return;
    }
    if (typeof cursor === 'string') {
      this.io.log(`stopped re-listing tools after ${MAX_REFRESH_PAGES} pages`);
    }
    this.refreshPages = 0;
    this.refreshing = false;
    if (this.refreshAgain) {
      this.refreshAgain = false;
      this.refreshTools();
    }
  }

  /** The server's own name and version, reported for its identity (shown, never trusted). */
  private readServerInfo(message: Record<string, unknown>): void {
    const result = message.result as { serverInfo?: unknown } | undefined;
    const info = result && typeof result === 'object' ? result.serverInfo : undefined;
    if (!info || typeof info !== 'object') return;
    const { name, version } = info as { name?: unknown; version?: unknown };
    if (typeof name !== 'string' || typeof version !== 'string') return;
    this.gate.send({
      t: 'serverInfo',
      name: name.slice(0, MAX_INFO_CHARS),
      version: version.slice(0, MAX_INFO_CHARS),
    });
  }

  private readRoots(message: Record<string, unknown>): void {
    const result = message.result as { roots?: unknown } | undefined;
    if (!result || !Array.isArray(result.roots)) return;
    const roots = result.roots
      .map((r) => (r && typeof r === 'object' ? (r as { uri?: unknown }).uri : undefined))
      .filter((u): u is string => typeof u === 'string');
    this.gate.send({ t: 'roots', roots });
  }
}

/** What the record keeps of a result: whether it is an error, and a sample of its text. */
interface OutcomeFacts {
  isError: boolean;
  sample: ResultSample;
}

/**
 * The outcome facts of an answer, whose parsed copy (megabytes, maybe) is let go here, before
 * the bytes are made again (see memory.ts). Here and not in the caller: V8 keeps what a running
 * function has read alive, so the copy must be read only in a function that has returned.
 */
function takeOutcomeFacts(p: { message: Record<string, unknown> }): OutcomeFacts {
  const facts = outcomeFacts(p.message);
  p.message = {};
  return facts;
}

function outcomeFacts(message: Record<string, unknown>): OutcomeFacts {
  const result = message.result as { isError?: unknown } | null | undefined;
  return {
    isError: 'error' in message || result?.isError === true,
    sample: sampleOf(resultTexts(message)),
  };
}

/**
 * A held result is judged on all of its text, not on the report's sample: every string, in
 * parts. Null (held as not scanned) when there is too much, or it cannot be read.
 */
function allTextInParts(message: Record<string, unknown>): Iterable<string> | null {
  try {
    return scanParts(scanTexts(message));
  } catch {
    return null;
  }
}

/**
 * Why a result cannot be reviewed as the agent will read it, or null. What a person reviews must
 * be what the agent reads, whichever parser its host uses (see ambiguousJson).
 */
function unreviewable(line: Buffer | string): string | null {
  const ambiguous = ambiguousJson(typeof line === 'string' ? line : line.toString('utf8'));
  return ambiguous === null
    ? null
    : `the result ${ambiguous}, so the agent could read something other than what would be reviewed.`;
}

/**
 * An answer that is a task's handle (MCP tasks: the result itself is fetched later with
 * tasks/result), not a result.
 */
function isTaskHandle(message: Record<string, unknown>): boolean {
  const result = message.result;
  if (typeof result !== 'object' || result === null) return false;
  const { task, resultType } = result as { task?: unknown; resultType?: unknown };
  return resultType === 'task' || (typeof task === 'object' && task !== null);
}

/** A result passed on after an edited approval leads with the note that tells the agent. */
function noted(line: Buffer | string, note: string | undefined): Buffer | string {
  if (note === undefined) return line;
  return withLeadingText(typeof line === 'string' ? line : line.toString('utf8'), note) ?? line;
}

/** A tool entry as a log line names it: its name quoted and cut short, or what it is. */
function toolLabel(entry: unknown): string {
  const name = entry && typeof entry === 'object' ? (entry as { name?: unknown }).name : undefined;
  if (typeof name === 'string') return printable(JSON.stringify(name), 60);
  return Array.isArray(entry) ? 'an array' : entry === null ? 'null' : `a ${typeof entry}`;
}

/** The start of a dropped line for the log, quoted so that it cannot write to the terminal. */
function preview(line: Buffer | string): string {
  const bytes = typeof line === 'string' ? Buffer.byteLength(line, 'utf8') : line.length;
  const start =
    typeof line === 'string' ? line.slice(0, 120) : line.subarray(0, 120).toString('utf8');
  const shown = printable(JSON.stringify(start));
  return bytes > 120 ? `${shown}... (${bytes} bytes)` : shown;
}

/**
 * Server-chosen text as it may appear in a log line: cut short, and everything outside printable
 * ASCII (C1 controls, bidi overrides…) written as \u escapes.
 */
function printable(text: string, max = 200): string {
  const cut = text.length > max ? `${text.slice(0, max)}...` : text;
  return cut.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
