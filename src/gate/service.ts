// The gate service: the socket, the handshake, the shim sessions, the approval broker, the
// policy and the record. The same service runs in `airlock gate` (headless) and in the
// Electron main process.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type {
  HistoryRow,
  Mode,
  PendingCall,
  ServerIdentity,
  ToolDefinition,
} from '../contract/types';
import { databasePath } from '../core/dataDir';
import { nodePathEnv, type PathEnv } from '../policy/paths';
import { toolHash } from '../registry/hash';
import { packageVersionOf } from '../registry/packageVersion';
import { scanDescription } from '../registry/poison';
import { openStore, type Store } from '../store/store';
import { clientProof, gateProof, newNonce, sameProof, sessionKey } from './auth';
import { ApprovalBroker } from './broker';
import { LineChannel } from './lineChannel';
import { listenOnSocket, type Listening } from './listener';
import type { ControlRequest, SettledCall, Verdict } from './wire';
import { WIRE_VERSION } from './wire';
import { parseSettingsPatch, readGateSettings, type GateSettings } from './settings';
import { CallDesk } from './callDesk';
import type { ShimSession } from './session';

export type { GateSettings } from './settings';
export type { ShimSession } from './session';
export { denialOrApproval } from './toolCall';

export const DEFAULT_TIMEOUT_MS = 45_000;
const HANDSHAKE_TIMEOUT_MS = 3_000;
/**
 * How long a gate write waits for another process's lock. better-sqlite3 waits synchronously,
 * so this is also how long the gate stops answering; a decision that cannot be written by then
 * denies the call and is recorded later (see RecordBacklog).
 */
const GATE_BUSY_TIMEOUT_MS = 1_000;
const DAY_MS = 86_400_000;

export interface GateOptions {
  dataDir: string;
  /** For this run only; otherwise the saved setting (default ask). */
  mode?: Mode;
  /** For this run only; otherwise the saved setting (default 45 s). */
  timeoutMs?: number;
  log?: (line: string) => void;
  /** See StoreOptions.nativeBinding. */
  nativeBinding?: string;
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
  /**
   * Right after decide(): why that decision could not be recorded (the call was denied
   * instead), or null when it was. Read once.
   */
  takeRecordFailure(id: number): string | null;
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
  private readonly nativeBinding: string | undefined;
  private readonly runOverrides: Partial<GateSettings>;
  private pruneTimer: NodeJS.Timeout | null = null;
  /** Evaluates, records and answers the calls (set once the store is open). */
  private desk: CallDesk | null = null;

  constructor(opts: GateOptions) {
    super();
    this.dataDir = opts.dataDir;
    this.log = opts.log ?? (() => {});
    this.nativeBinding = opts.nativeBinding;
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
      this.storeRef = openStore(databasePath(this.dataDir), {
        nativeBinding: this.nativeBinding,
        busyTimeoutMs: GATE_BUSY_TIMEOUT_MS,
      });
      this.desk = new CallDesk({
        store: () => this.store,
        broker: this.broker,
        env: this.env,
        settings: () => this.settings(),
        log: this.log,
        announce: (id) => this.announce(id),
      });
      // A database restored from an older copy, or trimmed and its head moved back, is behind
      // the anchor beside it: say so before anything is decided on what it holds.
      const anchored = this.storeRef.audit.checkAnchor();
      if (!anchored.ok)
        this.log(
          `WARNING: the record may have been rewound: ${anchored.problem} (see airlock audit verify)`,
        );
      // Calls left waiting by a gate that died can never be answered now: say so in the record.
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

  takeRecordFailure(id: number): string | null {
    return this.desk?.takeRecordFailure(id) ?? null;
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
    this.desk?.flush();
    this.broker.interruptAll('the Airlock gate stopped');
    this.desk?.backlog.close();
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
        return this.desk?.ask(session, msg);
      case 'observed':
        return this.desk?.observed(session, msg);
      case 'cancel': {
        const id = session.calls.get(Number(msg.rid));
        if (id !== undefined)
          this.broker.cancel(
            id,
            `cancelled by the host${msg.reason ? `: ${String(msg.reason)}` : ''}`,
          );
        return;
      }
      case 'outcome':
        return this.desk?.outcome(session, msg);
      case 'offline':
        return this.desk?.offline(session, msg);
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

  /** Tell every shim whether calls may go ahead without asking. */
  private pushMode(only?: ShimSession): void {
    const s = this.settings();
    const msg = { t: 'mode', observe: s.mode === 'observe' && !s.paused };
    for (const session of only ? [only] : this.live.values()) session.channel.send(msg);
  }

  private announce(id: number): void {
    if (this.listenerCount('history-appended') === 0) return;
    const row = this.store.history.get(id);
    if (row) this.emit('history-appended', [row]);
  }

  /** What became of a call that is no longer waiting, so `airlock approve` can say so. */
  private settledCall(id: number): SettledCall | null {
    const row = Number.isSafeInteger(id) ? this.store.history.get(id) : null;
    if (!row) return null;
    return {
      decision: row.decision,
      decidedBy: row.decidedBy,
      ruleId: row.ruleId,
      message: row.message,
      decidedAt: row.latencyMs === null ? null : row.at + row.latencyMs,
    };
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
        const failed = ok ? this.takeRecordFailure(Number(req.id)) : null;
        if (failed)
          return reply({
            t: 'error',
            message: `call ${req.id} was denied: the decision could not be recorded (${failed}); its record will say so once the database takes writes again`,
          });
        if (ok) return reply({ t: 'ok' });
        const settled = this.settledCall(Number(req.id));
        return reply({
          t: 'error',
          message: `no call ${req.id} is waiting for a decision`,
          ...(settled ? { settled } : {}),
        });
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
