// The gate service: the socket, the handshake, the shim sessions, the approval broker, the
// policy and the record. The same service runs in `airlock gate` (headless) and in the
// Electron main process.
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type {
  DecidedBy,
  DecisionKind,
  HistoryRow,
  Mode,
  PendingCall,
  Rule,
  ServerIdentity,
  ToolDefinition,
} from '../contract/types';
import { databasePath } from '../core/dataDir';
import { parseHostLine } from '../mcp/hostLine';
import { parseStrictJsonDetailed } from '../mcp/strictJson';
import { nodePathEnv, type PathEnv } from '../policy/paths';
import { touchesSensitiveData } from '../policy/risk';
import { domainsIn } from '../policy/domains';
import { toolHash } from '../registry/hash';
import { packageVersionOf } from '../registry/packageVersion';
import { scanDescription } from '../registry/poison';
import { openStore, type Store } from '../store/store';
import { clientProof, decisionMac, gateProof, newNonce, sameProof, sessionKey } from './auth';
import { ApprovalBroker, type Resolution } from './broker';
import { evaluateCall } from './evaluate';
import { LineChannel } from './lineChannel';
import { listenOnSocket, type Listening } from './listener';
import type { ControlRequest, SessionInfo, Verdict } from './wire';
import { WIRE_VERSION } from './wire';
import { readGateSettings, type GateSettings } from './settings';

export type { GateSettings } from './settings';

export const DEFAULT_TIMEOUT_MS = 45_000;
const HANDSHAKE_TIMEOUT_MS = 3_000;
const DAY_MS = 86_400_000;
/** Observe mode records in batches at most this far behind the calls. */
const OBSERVE_FLUSH_MS = 50;
/** Domains remembered as known (let through before); the oldest are forgotten past this. */
const MAX_KNOWN_DOMAINS = 2_000;

export interface GateOptions {
  dataDir: string;
  /** For this run only; otherwise the saved setting (default ask). */
  mode?: Mode;
  /** For this run only; otherwise the saved setting (default 45 s). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** One connected shim: one server run by one host. */
export interface ShimSession {
  id: string;
  info: SessionInfo | null;
  serverId: number | null;
  tools: Map<string, ToolDefinition>;
  roots: string[];
  /** An earlier call of this session touched sensitive data (for exfiltration risk). */
  readSensitive: boolean;
  channel: LineChannel;
  key: string;
  /** rid → call id, for cancellation and outcomes. */
  calls: Map<number, number>;
}

export interface GateEvents {
  'pending-changed': [];
  'history-appended': [rows: HistoryRow[]];
  'servers-changed': [];
  'rules-changed': [];
  'settings-changed': [settings: GateSettings];
  'sessions-changed': [];
}

export interface GateService extends EventEmitter<GateEvents> {
  readonly dataDir: string;
  readonly socketPath: string;
  readonly broker: ApprovalBroker;
  readonly store: Store;
  readonly env: PathEnv;
  sessions(): ShimSession[];
  pending(): PendingCall[];
  settings(): GateSettings;
  updateSettings(patch: Partial<GateSettings>): GateSettings;
  /** A person's decision on a waiting call. */
  decide(id: number, verdict: Verdict, message?: string | null): boolean;
  /** Tell the shims of a server which of its tools are switched off. */
  pushDisabledTools(serverId: number): void;
  /** Rules changed (added, edited, removed): say so to listeners. */
  rulesChanged(): void;
  close(): Promise<void>;
}

export async function startGateService(opts: GateOptions): Promise<GateService> {
  const gate = new Gate(opts);
  await gate.listen();
  return gate;
}

class Gate extends EventEmitter<GateEvents> implements GateService {
  readonly dataDir: string;
  readonly broker: ApprovalBroker;
  readonly env = nodePathEnv();
  private storeRef: Store | null = null;
  private listening: Listening | null = null;
  private readonly live = new Map<string, ShimSession>();
  private readonly sockets = new Set<Socket>();
  private readonly log: (line: string) => void;
  private readonly runOverrides: Partial<GateSettings>;
  private pruneTimer: NodeJS.Timeout | null = null;
  /** Domains of calls that were let through: links there are no longer "not seen before". */
  private knownDomains: string[] = [];

  constructor(opts: GateOptions) {
    super();
    this.dataDir = opts.dataDir;
    this.log = opts.log ?? (() => {});
    this.runOverrides = {
      ...(opts.mode ? { mode: opts.mode } : {}),
      ...(opts.timeoutMs ? { timeoutSeconds: opts.timeoutMs / 1000 } : {}),
    };
    this.broker = new ApprovalBroker(() => this.settings().timeoutSeconds * 1000);
    this.broker.on('changed', () => this.emit('pending-changed'));
  }

  get store(): Store {
    if (!this.storeRef) throw new Error('the gate is not running');
    return this.storeRef;
  }

  get socketPath(): string {
    return this.listening?.socketPath ?? '';
  }

  async listen(): Promise<void> {
    this.listening = await listenOnSocket(this.dataDir, (socket) => this.accept(socket));
    try {
      this.storeRef = openStore(databasePath(this.dataDir));
      // Calls left waiting by a gate that died can never be answered now: say so in the record.
      this.knownDomains = this.storeRef.settings.get<string[]>('knownDomains', []);
      const interrupted = this.storeRef.calls.markInterrupted(Date.now());
      if (interrupted)
        this.log(`${interrupted} call(s) left waiting by the previous run marked interrupted`);
    } catch (err) {
      await this.listening.close();
      this.listening = null;
      throw err;
    }
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), DAY_MS);
    this.pruneTimer.unref();
  }

  sessions(): ShimSession[] {
    return [...this.live.values()];
  }

  pending(): PendingCall[] {
    return this.broker.list();
  }

  settings(): GateSettings {
    return { ...readGateSettings(this.store), ...this.runOverrides };
  }

  updateSettings(patch: Partial<GateSettings>): GateSettings {
    const now = Date.now();
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      this.store.settings.set(key, value, now);
      delete this.runOverrides[key as keyof GateSettings]; // a person's choice beats the flag
    }
    const settings = this.settings();
    if (patch.retentionDays !== undefined) this.prune();
    if (patch.mode !== undefined || patch.paused !== undefined) this.pushMode();
    this.emit('settings-changed', settings);
    return settings;
  }

  decide(id: number, verdict: Verdict, message?: string | null): boolean {
    return this.broker.decide(id, verdict, message);
  }

  pushDisabledTools(serverId: number): void {
    const disabled = this.store.tools
      .listForServer(serverId)
      .filter((t) => !t.enabled)
      .map((t) => t.name);
    for (const s of this.live.values()) {
      if (s.serverId === serverId) s.channel.send({ t: 'disabled', tools: disabled });
    }
    this.emit('servers-changed');
  }

  rulesChanged(): void {
    this.emit('rules-changed');
  }

  async close(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.flush();
    this.broker.interruptAll('the Airlock gate stopped');
    for (const s of this.sockets) s.destroy();
    await this.listening?.close();
    this.listening = null;
    this.storeRef?.close();
    this.storeRef = null;
  }

  private prune(): void {
    const days = this.settings().retentionDays;
    if (days === null || !(days > 0)) return;
    try {
      const pruned = this.store.retention.prune(days, Date.now());
      if (pruned.calls) this.log(`pruned ${pruned.calls} call(s) older than ${days} days`);
    } catch (err) {
      this.log(`could not prune the record: ${(err as Error).message}`);
    }
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const gateNonce = newNonce();
    const secret = this.listening?.secret ?? '';
    let route: ((msg: Record<string, unknown>) => void) | null = null;
    let onClose: (() => void) | null = null;
    const timer = setTimeout(() => channel.close('handshake timed out'), HANDSHAKE_TIMEOUT_MS);
    const channel = new LineChannel(
      socket,
      (msg) => {
        if (route) return route(msg);
        if (msg.t !== 'auth' || typeof msg.nonce !== 'string' || typeof msg.proof !== 'string') {
          return channel.close('expected an auth message');
        }
        if (!sameProof(msg.proof, clientProof(secret, gateNonce, msg.nonce))) {
          channel.send({ t: 'refused', reason: 'wrong secret' });
          return channel.close('client failed the handshake');
        }
        clearTimeout(timer);
        channel.send({ t: 'welcome', proof: gateProof(secret, gateNonce, msg.nonce) });
        const key = sessionKey(secret, gateNonce, msg.nonce);
        if (msg.role === 'shim') {
          const session: ShimSession = {
            id: randomUUID(),
            info: null,
            serverId: null,
            tools: new Map(),
            roots: [],
            readSensitive: false,
            channel,
            key,
            calls: new Map(),
          };
          this.live.set(session.id, session);
          route = (m) => this.guard(session, () => this.onShimMessage(session, m));
          onClose = () => {
            this.live.delete(session.id);
            this.broker.cancelSession(session.id, 'the shim disconnected');
            this.emit('sessions-changed');
          };
        } else {
          route = (m) => this.onControl(channel, m as unknown as ControlRequest);
        }
      },
      () => {
        clearTimeout(timer);
        onClose?.();
      },
    );
    channel.send({ t: 'challenge', v: WIRE_VERSION, nonce: gateNonce });
  }

  /** A failure while handling one shim message must not take the gate down. */
  private guard(session: ShimSession, handle: () => void): void {
    try {
      handle();
    } catch (err) {
      this.log(
        `error handling a message from ${session.info?.server ?? 'a shim'}: ${(err as Error).message}`,
      );
    }
  }

  private onShimMessage(session: ShimSession, msg: Record<string, unknown>): void {
    switch (msg.t) {
      case 'session':
        return this.onSession(session, msg);
      case 'tools':
        return this.onTools(session, msg);
      case 'roots':
        if (Array.isArray(msg.roots))
          session.roots = msg.roots.filter((r): r is string => typeof r === 'string');
        return;
      case 'ask':
        return this.onAsk(session, msg);
      case 'observed':
        return this.onObserved(session, msg);
      case 'cancel': {
        const id = session.calls.get(Number(msg.rid));
        if (id !== undefined)
          this.broker.cancel(
            id,
            `cancelled by the host${msg.reason ? `: ${String(msg.reason)}` : ''}`,
          );
        return;
      }
      case 'outcome': {
        const write = (): void => {
          const id = session.calls.get(Number(msg.rid));
          if (id === undefined) return;
          session.calls.delete(Number(msg.rid));
          this.store.calls.outcome(id, {
            isError: msg.isError === true,
            durationMs: Number(msg.durationMs) || 0,
            size: Number(msg.size) || 0,
          });
          this.announce(id);
        };
        // An observed call may not be recorded yet: its outcome waits in line behind it.
        return this.deferred.length ? this.later(write) : write();
      }
      case 'offline':
        return this.onOffline(session, msg);
      default:
        this.log(`ignoring unknown shim message ${JSON.stringify(msg.t)}`);
    }
  }

  private onSession(session: ShimSession, msg: Record<string, unknown>): void {
    const args = Array.isArray(msg.args) ? msg.args.map(String) : [];
    session.info = {
      server: String(msg.server ?? ''),
      host: String(msg.host ?? ''),
      command: String(msg.command ?? ''),
      args,
      cwd: String(msg.cwd ?? ''),
      pid: Number(msg.pid ?? 0),
    };
    const packageVersion = packageVersionOf(session.info.command, args, session.info.cwd);
    const identity: ServerIdentity = {
      host: session.info.host,
      name: session.info.server,
      command: session.info.command,
      args,
      ...(packageVersion ? { packageVersion } : {}),
    };
    session.serverId = this.store.servers.upsert(identity, Date.now()).id;
    this.pushDisabledTools(session.serverId);
    this.pushMode(session);
    this.emit('sessions-changed');
  }

  private onTools(session: ShimSession, msg: Record<string, unknown>): void {
    if (!Array.isArray(msg.tools)) return;
    const tools = (msg.tools as ToolDefinition[]).filter((t) => t && typeof t.name === 'string');
    session.tools = new Map(tools.map((t) => [t.name, t]));
    if (session.serverId === null) return;
    // Shadowing: a description that names another server's tools. Its own tools are fair game.
    const elsewhere = [...this.live.values()]
      .filter((s) => s.serverId !== session.serverId)
      .flatMap((s) => [...s.tools.keys()]);
    const recorded = this.store.tools.recordList(
      session.serverId,
      tools.map((definition) => ({
        definition,
        hash: toolHash(definition),
        poison: scanDescription(definition, elsewhere),
      })),
      Date.now(),
    );
    for (const r of recorded) {
      if (r.changed)
        this.log(
          `tool ${session.info?.server}/${r.record.name} changed its definition: its allow rules are suspended until reviewed`,
        );
    }
    this.emit('servers-changed');
  }

  private onAsk(session: ShimSession, msg: Record<string, unknown>): void {
    const rid = Number(msg.rid);
    const line = typeof msg.line === 'string' ? msg.line : '';
    const digest = typeof msg.digest === 'string' ? msg.digest : '';
    const answer = (verdict: Verdict, text: string): void => {
      session.channel.send({
        t: 'decision',
        rid,
        verdict,
        text,
        mac: decisionMac(session.key, rid, digest, verdict),
      });
    };
    if (!Number.isSafeInteger(rid)) return session.channel.close('ask without a request number');
    // The gate decides on exactly the bytes it is shown: it parses the line itself.
    if (createHash('sha256').update(line, 'utf8').digest('hex') !== digest) {
      return answer('deny', 'Denied by Airlock: the request did not match its digest');
    }
    const call = readToolCall(line);
    if (!call) return answer('deny', 'Denied by Airlock: the gate could not read this tool call');
    try {
      this.judge(session, rid, call, answer);
    } catch (err) {
      // Fail closed: a call the gate could not record is not forwarded.
      this.log(`could not decide on ${call.tool}: ${(err as Error).message}`);
      answer(
        'deny',
        `Denied by Airlock: the decision could not be recorded (${(err as Error).message})`,
      );
    }
  }

  /** A call the shim let through in observe mode: evaluate it as it stood, and record it. */
  private onObserved(session: ShimSession, msg: Record<string, unknown>): void {
    const rid = Number(msg.rid);
    const line = typeof msg.line === 'string' ? msg.line : '';
    if (!Number.isSafeInteger(rid)) return;
    if (createHash('sha256').update(line, 'utf8').digest('hex') !== msg.digest) return;
    const call = readToolCall(line);
    if (call) this.record(session, rid, call, this.settings(), Date.now(), true);
  }

  /** Tell every shim whether calls may go ahead without asking. */
  private pushMode(only?: ShimSession): void {
    const s = this.settings();
    const msg = { t: 'mode', observe: s.mode === 'observe' && !s.paused };
    for (const session of only ? [only] : this.live.values()) session.channel.send(msg);
  }

  private judge(
    session: ShimSession,
    rid: number,
    call: ToolCall,
    answer: (v: Verdict, text: string) => void,
  ): void {
    const now = Date.now();
    const tool =
      session.serverId === null ? null : this.store.tools.get(session.serverId, call.tool);
    const settings = this.settings();
    // Observe mode logs and never blocks: unless a switch a person flipped (pause, a tool
    // switched off) denies, the call goes ahead at once; it is evaluated and recorded just
    // after, in a batch (one commit for many calls), so recording never slows the agent.
    if (settings.mode === 'observe' && !settings.paused && (tool?.enabled ?? true)) {
      answer('allow', 'Allowed by Airlock (observe mode)');
      return this.record(session, rid, call, settings, now, true);
    }
    this.record(session, rid, call, settings, now, false, answer);
  }

  /** Writes that may wait a moment (observe mode), committed together. */
  private readonly deferred: (() => void)[] = [];
  private flushTimer: NodeJS.Timeout | null = null;

  private later(write: () => void): void {
    this.deferred.push(write);
    this.flushTimer ??= setTimeout(() => this.flush(), OBSERVE_FLUSH_MS);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const writes = this.deferred.splice(0);
    if (writes.length === 0) return;
    try {
      this.store.transaction(() => {
        for (const write of writes) write();
      });
    } catch (err) {
      this.log(`could not record ${writes.length} observed call(s): ${(err as Error).message}`);
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
    answer: (v: Verdict, text: string) => void = () => {},
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
    const start = {
      at: now,
      sessionId: session.id,
      host: session.info?.host ?? '',
      serverId: session.serverId,
      server: session.info?.server ?? '',
      tool: call.tool,
      argumentsRaw: call.argumentsRaw,
      risk,
    };
    const allowed = (): void => {
      if (touchesSensitiveData({ tool: call.tool, arguments: call.arguments }, tool, this.env))
        session.readSensitive = true;
      this.learnDomains(call.arguments);
    };

    if (decision.verdict !== 'ask') {
      const kind: DecisionKind =
        decision.kind ?? (decision.verdict === 'allow' ? 'auto-approved' : 'auto-denied');
      const decidedBy: DecidedBy = decision.ruleId !== null ? 'rule' : 'policy';
      const reason = decision.reasons.join(' ');
      const write = (): void => {
        const id = this.store.calls.record(start, {
          kind,
          decidedBy,
          ruleId: decision.ruleId,
          message: reason,
          at: now,
          wouldHave: decision.wouldHave ?? null,
        });
        session.calls.set(rid, id);
        this.announce(id);
      };
      if (decision.verdict === 'allow') allowed();
      // Decided now, written with the next batch: the call has gone ahead already.
      if (answered) return this.later(write);
      write();
      if (decision.verdict === 'allow') return answer('allow', `Allowed by Airlock: ${reason}`);
      return answer('deny', `Denied by Airlock: ${reason}`);
    }

    const id = this.store.calls.begin(start);
    session.calls.set(rid, id);
    this.broker.hold(
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
      },
      (r: Resolution) => this.onResolved(session, rid, id, r, answer, allowed),
    );
    session.channel.send({
      t: 'held',
      rid,
      deadline: this.broker.list().find((c) => c.id === id)?.deadline ?? now,
    });
  }

  private onResolved(
    session: ShimSession,
    rid: number,
    id: number,
    r: Resolution,
    answer: (v: Verdict, text: string) => void,
    allowed: () => void,
  ): void {
    try {
      // Committed before the shim may forward the call.
      this.store.calls.decide(id, {
        kind: r.kind,
        decidedBy: r.decidedBy,
        ruleId: null,
        message: r.message,
        at: Date.now(),
      });
      this.announce(id);
    } catch (err) {
      this.log(`could not record the decision on call ${id}: ${(err as Error).message}`);
      if (r.kind !== 'cancelled')
        answer(
          'deny',
          `Denied by Airlock: the decision could not be recorded (${(err as Error).message})`,
        );
      return;
    }
    if (r.kind === 'cancelled') {
      session.calls.delete(rid);
      return; // the host withdrew it, or the shim is gone: nobody to answer
    }
    if (r.verdict === 'allow') allowed();
    answer(r.verdict, denialOrApproval(r));
  }

  private onOffline(session: ShimSession, msg: Record<string, unknown>): void {
    if (!Array.isArray(msg.calls)) return;
    for (const c of msg.calls.slice(0, 100) as {
      at?: unknown;
      line?: unknown;
      reason?: unknown;
    }[]) {
      const call = typeof c.line === 'string' ? readToolCall(c.line) : null;
      if (!call) continue;
      const at = typeof c.at === 'number' ? c.at : Date.now();
      const id = this.store.calls.record(
        {
          at,
          sessionId: session.id,
          host: session.info?.host ?? '',
          serverId: session.serverId,
          server: session.info?.server ?? '',
          tool: call.tool,
          argumentsRaw: call.argumentsRaw,
          risk: { level: 'medium', reasons: [] },
        },
        {
          kind: 'unreachable',
          decidedBy: null,
          ruleId: null,
          message: typeof c.reason === 'string' ? c.reason : null,
          at,
        },
      );
      this.announce(id);
    }
  }

  private learnDomains(args: unknown): void {
    const fresh = domainsIn(args).filter((d) => !this.knownDomains.includes(d));
    if (fresh.length === 0) return;
    this.knownDomains = [...this.knownDomains, ...fresh].slice(-MAX_KNOWN_DOMAINS);
    this.store.settings.set('knownDomains', this.knownDomains, Date.now());
  }

  /** Rules as of now; expired ones stay in the list (shown as expired) but never match. */
  private rulesNow(): Rule[] {
    return this.store.rules.list();
  }

  private announce(id: number): void {
    if (this.listenerCount('history-appended') === 0) return;
    const row = this.store.history.get(id);
    if (row) this.emit('history-appended', [row]);
  }

  private onControl(channel: LineChannel, req: ControlRequest): void {
    const reply = (msg: object): void => channel.send({ req: req.req, ...msg });
    switch (req.t) {
      case 'pending':
        return reply({ t: 'pending', calls: this.pending() });
      case 'decide': {
        if (req.verdict !== 'allow' && req.verdict !== 'deny')
          return reply({ t: 'error', message: 'verdict must be allow or deny' });
        const ok = this.decide(Number(req.id), req.verdict, req.message ?? null);
        return reply(
          ok ? { t: 'ok' } : { t: 'error', message: `no call ${req.id} is waiting for a decision` },
        );
      }
      case 'settings': {
        const patch = parseSettingsPatch(req.patch);
        if (!patch) return reply({ t: 'error', message: 'invalid settings' });
        this.updateSettings(patch);
        return reply({ t: 'ok' });
      }
      case 'status':
        return reply({
          t: 'status',
          mode: this.settings().mode,
          pending: this.broker.size,
          sessions: this.live.size,
          dataDir: this.dataDir,
          pid: process.pid,
        });
      default:
        return reply({ t: 'error', message: 'unknown request' });
    }
  }
}

interface ToolCall {
  tool: string;
  arguments: unknown;
  /** The arguments exactly as the host wrote them (big integers and all). */
  argumentsRaw: string;
}

/** A host line as the gate reads it: strictly, with the arguments' own source text. */
function readToolCall(line: string): ToolCall | null {
  const parsed = parseHostLine(Buffer.from(line, 'utf8'));
  if (
    parsed.kind !== 'request' ||
    parsed.method !== 'tools/call' ||
    typeof parsed.params?.name !== 'string'
  )
    return null;
  const { raw } = parseStrictJsonDetailed(line, { capture: [['params', 'arguments']] });
  const args = parsed.params.arguments ?? {};
  return {
    tool: parsed.params.name,
    arguments: args,
    argumentsRaw: raw[0] ?? JSON.stringify(args),
  };
}

/** A settings change from a control client, checked field by field; null when invalid. */
function parseSettingsPatch(input: unknown): Partial<GateSettings> | null {
  if (!input || typeof input !== 'object') return null;
  const p = input as Record<string, unknown>;
  const out: Partial<GateSettings> = {};
  for (const [key, value] of Object.entries(p)) {
    if (key === 'mode' && (value === 'ask' || value === 'observe')) out.mode = value;
    else if (key === 'paused' && typeof value === 'boolean') out.paused = value;
    else if (
      key === 'timeoutSeconds' &&
      Number.isInteger(value) &&
      (value as number) >= 5 &&
      (value as number) <= 3600
    )
      out.timeoutSeconds = value as number;
    else if (
      key === 'retentionDays' &&
      (value === null ||
        (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 3650))
    )
      out.retentionDays = value as number | null;
    else return null;
  }
  return out;
}

/** The text the agent (and the model behind it) reads. */
export function denialOrApproval(r: Pick<Resolution, 'verdict' | 'kind' | 'message'>): string {
  if (r.verdict === 'allow') return 'Approved in Airlock';
  switch (r.kind) {
    case 'denied':
      return `Denied by user in Airlock${r.message ? `: ${r.message}` : ''}`;
    case 'timed-out':
      return `Denied by Airlock: ${r.message ?? 'no decision in time'}`;
    default:
      return `Denied by Airlock${r.message ? `: ${r.message}` : ''}`;
  }
}
