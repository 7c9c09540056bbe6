// The heart of the shim: every host line is parsed strictly, every `tools/call` is held for
// the gate, and everything else flows both ways while calls wait. Server output passes through
// as the exact bytes the server wrote, except the few responses the shim must read.
import { createHash } from 'node:crypto';
import type { ToolDefinition } from '../contract/types';
import type { OversizeInfo } from '../mcp/framing';
import { idKeyOf, parseHostLine, type HostLine } from '../mcp/hostLine';
import { jsonRpcError, progressNotification, toolDenial } from '../mcp/messages';
import { idKeyFromOversize, peekServerLine } from '../mcp/serverLine';
import type { GateDecision } from './gateLink';
import type { ShimMessage } from '../gate/wire';

/** What the proxy needs from the gate connection (GateLink in production). */
export interface Gate {
  ask(rid: number, line: string, digest: string): Promise<GateDecision>;
  cancel(rid: number, reason: string): void;
  send(msg: ShimMessage): void;
  readonly disabledTools: ReadonlySet<string>;
  /** Observe mode: forward at once and report the call (never true without a live gate). */
  readonly observing: boolean;
}

export interface ProxyIO {
  /** Write one line (without its newline). False means: wait for drain. */
  toServer(line: Buffer | string): boolean;
  toHost(line: Buffer | string): boolean;
  log(line: string): void;
}

type Request = Extract<HostLine, { kind: 'request' }>;

interface Held {
  rid: number;
  idRaw: string;
  line: Buffer;
  progress: NodeJS.Timeout | null;
}

interface InFlight {
  idRaw: string;
  kind: 'tools/call' | 'tools/list' | 'refresh' | 'other';
  rid?: number;
  /** tools/list with a cursor: a later page, merged into the earlier ones. */
  append?: boolean;
  startedAt: number;
}

const INVALID_REQUEST = -32600;
const INVALID_PARAMS = -32602;
const SERVER_GONE = -32000;
const MAX_TRACKED_SERVER_REQUESTS = 1000;

export class ShimProxy {
  private readonly held = new Map<string, Held>();
  private readonly inFlight = new Map<string, InFlight>();
  /** Server → host requests whose answers the shim reads (only roots/list). */
  private readonly serverRequests = new Set<string>();
  private nextRid = 1;
  private nextRefresh = 1;
  private lastToolsListParams: Record<string, unknown> | undefined;
  private tools: ToolDefinition[] = [];
  private serverGone = false;

  constructor(
    private readonly io: ProxyIO,
    private readonly gate: Gate,
    private readonly opts: { maxLineBytes: number; progressIntervalMs: number },
  ) {}

  /** Held calls, for tests and diagnostics. */
  get heldCount(): number {
    return this.held.size;
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
        if (
          m.method === 'notifications/cancelled' &&
          this.cancelHeld(m.params?.requestId, m.params?.reason)
        ) {
          return true; // the server never saw the call, so it must not see its cancellation
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

  onServerLine(line: Buffer): boolean {
    const p = peekServerLine(line);
    if (p.kind === 'response') {
      const f = this.inFlight.get(p.idKey);
      if (f) {
        this.inFlight.delete(p.idKey);
        if (f.kind === 'refresh') {
          this.readTools(p.message, false);
          return true; // the shim's own request: the host never asked
        }
        if (f.kind === 'tools/list')
          return this.io.toHost(this.readTools(p.message, f.append ?? false) ?? line);
        if (f.kind === 'tools/call' && f.rid !== undefined) {
          // The host first: the outcome is bookkeeping.
          const ok = this.io.toHost(line);
          this.reportOutcome(f, p.message, line.length);
          return ok;
        }
      }
    } else if (p.kind === 'request' && p.method === 'roots/list') {
      if (this.serverRequests.size >= MAX_TRACKED_SERVER_REQUESTS) this.serverRequests.clear();
      this.serverRequests.add(p.idKey);
    } else if (p.kind === 'notification' && p.method === 'notifications/tools/list_changed') {
      this.refreshTools();
    }
    return this.io.toHost(line);
  }

  onServerOversize(info: OversizeInfo): void {
    // Never buffered: the host gets an error for the request it belonged to, if we can tell.
    const key = idKeyFromOversize(info);
    const f = key ? this.inFlight.get(key) : undefined;
    this.io.log(
      `dropped a ${info.bytes}-byte message from the server: over the ${this.opts.maxLineBytes}-byte limit`,
    );
    if (key && f) {
      this.inFlight.delete(key);
      this.io.toHost(
        jsonRpcError(
          f.idRaw,
          SERVER_GONE,
          `Airlock: the server's answer of ${info.bytes} bytes is over the ${this.opts.maxLineBytes}-byte limit`,
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
      if (f.kind !== 'refresh') this.io.toHost(jsonRpcError(f.idRaw, SERVER_GONE, message));
    }
  }

  private onHostRequest(m: Request, line: Buffer): boolean {
    if (this.held.has(m.idKey) || this.inFlight.has(m.idKey)) {
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
    this.inFlight.set(m.idKey, {
      idRaw: m.idRaw,
      kind: isToolsList ? 'tools/list' : 'other',
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
    const digest = createHash('sha256').update(line).digest('hex');
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
      this.gate.send({ t: 'observed', rid, line: line.toString('utf8'), digest });
      return ok;
    }
    const h: Held = { rid, idRaw: m.idRaw, line, progress: null };
    if (m.progressTokenRaw !== undefined) h.progress = this.startProgress(m.progressTokenRaw);
    this.held.set(m.idKey, h);
    void this.gate
      .ask(rid, line.toString('utf8'), digest)
      .then((d) => this.onDecision(m.idKey, rid, d));
    return true;
  }

  private onDecision(key: string, rid: number, d: GateDecision): void {
    const h = this.held.get(key);
    if (!h || h.rid !== rid) return; // cancelled, or answered because the server died
    this.held.delete(key);
    this.stopProgress(h);
    if (d.verdict === 'allow' && !this.serverGone) {
      this.inFlight.set(key, { idRaw: h.idRaw, kind: 'tools/call', rid, startedAt: Date.now() });
      this.io.toServer(h.line); // exactly the bytes the gate was shown
    } else {
      this.io.toHost(toolDenial(h.idRaw, d.text));
    }
  }

  private cancelHeld(requestId: unknown, reason: unknown): boolean {
    const key =
      typeof requestId === 'string' || typeof requestId === 'number' ? idKeyOf(requestId) : null;
    const h = key ? this.held.get(key) : undefined;
    if (!key || !h) return false;
    this.held.delete(key);
    this.stopProgress(h);
    this.gate.cancel(h.rid, typeof reason === 'string' ? reason : 'cancelled by the host');
    return true;
  }

  private startProgress(tokenRaw: string): NodeJS.Timeout {
    let progress = 0;
    const timer = setInterval(() => {
      progress += 1;
      this.io.toHost(progressNotification(tokenRaw, progress, 'Waiting for approval in Airlock'));
    }, this.opts.progressIntervalMs);
    timer.unref?.();
    return timer;
  }

  private stopProgress(h: Held): void {
    if (h.progress) clearInterval(h.progress);
    h.progress = null;
  }

  private reportOutcome(f: InFlight, message: Record<string, unknown>, size: number): void {
    const result = message.result as { isError?: unknown } | undefined;
    this.gate.send({
      t: 'outcome',
      rid: f.rid ?? 0,
      isError: 'error' in message || result?.isError === true,
      durationMs: Date.now() - f.startedAt,
      size,
    });
  }

  /**
   * Record a tools/list result and hide disabled tools from the host. Returns the rewritten
   * line only when something was removed; otherwise the original bytes go through.
   */
  private readTools(message: Record<string, unknown>, append: boolean): string | null {
    const result = message.result as { tools?: unknown } | undefined;
    if (!result || !Array.isArray(result.tools)) return null;
    const listed = result.tools.filter(
      (t): t is ToolDefinition =>
        t !== null && typeof t === 'object' && typeof (t as ToolDefinition).name === 'string',
    );
    this.tools = append ? [...this.tools, ...listed] : listed;
    this.gate.send({ t: 'tools', tools: this.tools });
    const disabled = this.gate.disabledTools;
    if (!listed.some((t) => disabled.has(t.name))) return null;
    const kept = result.tools.filter((t) => !disabled.has((t as ToolDefinition).name));
    return JSON.stringify({ ...message, result: { ...result, tools: kept } });
  }

  /** list_changed: fetch the new definitions ourselves, so a rug pull is seen even if the host never re-lists. */
  private refreshTools(): void {
    const id = `airlock-refresh-${this.nextRefresh++}`;
    this.inFlight.set(`s:${id}`, {
      idRaw: JSON.stringify(id),
      kind: 'refresh',
      startedAt: Date.now(),
    });
    const params = { ...(this.lastToolsListParams ?? {}) };
    delete params.cursor;
    this.io.toServer(JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/list', params }));
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
