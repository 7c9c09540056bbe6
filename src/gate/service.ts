// The gate service: the socket, the handshake, the shim sessions, the approval broker, the
// policy and the record. The same service runs in `airlock gate` (headless) and in the
// Electron main process.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type {
  ResultReview,
  ResultVerdictKind,
  ReviewResultsMode,
  HistoryRow,
  Mode,
  PendingCall,
  ServerIdentity,
  ToolDefinition,
} from '../contract/types';
import { databasePath } from '../core/dataDir';
import { nodePathEnv, type PathEnv } from '../policy/paths';
import { describeChange, identityFacts } from '../registry/codeIdentity';
import { toolHash } from '../registry/hash';
import { packageVersionOf } from '../registry/packageVersion';
import { scanDescription } from '../registry/poison';
import { openStore, type Store } from '../store/store';
import { clientProof, gateProof, newNonce, sameProof, sessionKey } from './auth';
import { ApprovalBroker } from './broker';
import { ResultReviews } from './resultReviews';
import { LineChannel } from './lineChannel';
import { listenOnSocket, type Listening } from './listener';
import type { z } from 'zod';
import type { ControlRequest, SettledCall, SettledResult, ShimMessage, Verdict } from './wire';
import { authSchema, controlRequestSchema, shimMessageSchema, WIRE_VERSION } from './wire';
import { readGateSettings, type GateSettings } from './settings';
import { CallDesk, type EditedApproval } from './callDesk';
import { PerTurn, TurnBatch } from './perTurn';
import { applyChange, isChangeRequest, type ChangeTarget } from './controlChanges';
import { reviewModeOf, setReviewMode } from '../store/reviewModes';
import type { ShimSession } from './session';

export type { GateSettings } from './settings';
export type { ShimSession } from './session';
export { denialOrApproval } from './toolCall';

const HANDSHAKE_TIMEOUT_MS = 3_000;
/**
 * How long a gate write waits for another process's lock. better-sqlite3 waits synchronously,
 * so this is also how long the gate stops answering; a decision that cannot be written by then
 * denies the call and is recorded later (see RecordBacklog).
 */
const GATE_BUSY_TIMEOUT_MS = 1_000;
/** Dropped-message reports recorded per session; past this a hostile server only gets counted. */
const MAX_RECORDED_DROPS = 20;
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
  /** The scan found something in this call's result. */
  'result-flagged': [row: HistoryRow];
  /** Results held for review came or went. */
  'result-reviews-changed': [];
}

export interface GateService extends EventEmitter<GateEvents> {
  readonly dataDir: string;
  readonly socketPath: string;
  readonly broker: ApprovalBroker;
  /** Results held for a person's review. */
  readonly results: ResultReviews;
  readonly store: Store;
  readonly env: PathEnv;
  sessions(): ShimSession[];
  pending(): PendingCall[];
  settings(): GateSettings;
  updateSettings(patch: Partial<GateSettings>): GateSettings;
  /** A person's decision on a waiting call. */
  decide(id: number, verdict: Verdict, message?: string | null): boolean;
  /**
   * A person approves a waiting call with edited arguments, checked against the tool's pinned
   * inputSchema first; a refused edit leaves the call waiting.
   */
  approveEdited(id: number, args: unknown): EditedApproval;
  /**
   * Right after decide(): why that decision could not be recorded (the call was denied
   * instead), or null when it was. Read once.
   */
  takeRecordFailure(id: number): string | null;
  /** Results held for review, oldest first. */
  pendingResults(): ResultReview[];
  /** A person's verdict on a held result. */
  decideResult(id: number, verdict: ResultVerdictKind, message?: string | null): boolean;
  /** Which results of a tool are held for review (chained as a setting). */
  reviewModeOf(serverId: number | null, tool: string): ReviewResultsMode;
  setReviewMode(serverId: number, tool: string, mode: ReviewResultsMode): void;
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
  readonly results: ResultReviews;
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
  /** Read once per turn of the event loop: a flood's calls share one read (perTurn.ts). */
  private readonly settingsNow = new PerTurn(() => ({
    ...readGateSettings(this.store),
    ...this.runOverrides,
  }));
  /** The waiting list changed: said once per turn, however many calls came or went. */
  private readonly pendingChanged = new TurnBatch<true>(() => this.emit('pending-changed'));
  /** History rows written or changed this turn, announced together. */
  private readonly historyRows = new TurnBatch<number>((ids) => this.announceRows(ids));

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
    this.broker.on('changed', () => this.pendingChanged.add(true));
    this.results = new ResultReviews(() => this.settings().timeoutSeconds * 1000);
    this.results.on('changed', () => this.emit('result-reviews-changed'));
  }

  pendingResults(): ResultReview[] {
    return this.results.list();
  }

  decideResult(id: number, verdict: ResultVerdictKind, message?: string | null): boolean {
    return this.results.decide(id, verdict, message);
  }

  reviewModeOf(serverId: number | null, tool: string): ReviewResultsMode {
    return reviewModeOf(this.store, serverId, tool);
  }

  setReviewMode(serverId: number, tool: string, mode: ReviewResultsMode): void {
    if (!setReviewMode(this.store, serverId, tool, mode, Date.now()))
      throw new Error(`server ${serverId} has no tool "${tool}"`);
    this.emit('servers-changed');
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
        // The event loop answers status, pending and approve while the disk flushes decisions.
        flushOffThread: true,
      });
      this.desk = new CallDesk({
        store: () => this.store,
        broker: this.broker,
        env: this.env,
        settings: () => this.settings(),
        log: this.log,
        announce: (id) => this.announce(id),
        resultFlagged: (id) => this.resultFlagged(id),
        results: this.results,
        reviewModeOf: (serverId, tool) => {
          const mode = this.reviewModeOf(serverId, tool);
          return mode === 'off' ? null : mode;
        },
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
    return { ...this.settingsNow.get() };
  }

  updateSettings(patch: Partial<GateSettings>): GateSettings {
    const now = Date.now();
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      this.store.settings.set(key, value, now);
      delete this.runOverrides[key as keyof GateSettings]; // a person's choice beats the flag
    }
    this.settingsNow.clear();
    const settings = this.settings();
    if (patch.retentionDays !== undefined) this.prune();
    if (patch.mode !== undefined || patch.paused !== undefined) this.pushMode();
    this.emit('settings-changed', settings);
    return settings;
  }

  decide(id: number, verdict: Verdict, message?: string | null): boolean {
    return this.broker.decide(id, verdict, message);
  }

  approveEdited(id: number, args: unknown): EditedApproval {
    return this.desk?.approveEdited(id, args) ?? { kind: 'not-pending' };
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

  /** Where a control client's changes land (controlChanges.ts). */
  private changeTarget(): ChangeTarget {
    return {
      store: this.store,
      rulesChanged: () => this.rulesChanged(),
      pushDisabledTools: (serverId) => this.pushDisabledTools(serverId),
      serversChanged: () => this.emit('servers-changed'),
      setReviewMode: (serverId, tool, mode) => this.setReviewMode(serverId, tool, mode),
    };
  }

  async close(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.desk?.flush();
    // Calls still waiting are interrupted (and so recorded) before anything here awaits: the
    // process may be told to exit meanwhile, and a call left waiting would have no decision.
    this.broker.interruptAll('the Airlock gate stopped');
    this.results.interruptAll('the Airlock gate stopped');
    // Decisions committed but still being flushed are answered before the shims are cut off.
    await this.storeRef?.flushed();
    this.desk?.backlog.close();
    // Listeners hear of the last changes before the record closes; nothing after.
    this.pendingChanged.flush();
    this.historyRows.flush();
    this.pendingChanged.stop();
    this.historyRows.stop();
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
    let route: ((value: unknown) => void) | null = null;
    let onClose: (() => void) | null = null;
    const timer = setTimeout(() => channel.close('handshake timed out'), HANDSHAKE_TIMEOUT_MS);
    const channel = new LineChannel(
      socket,
      (value) => {
        if (route) return route(value);
        const auth = authSchema.safeParse(value);
        if (!auth.success) return channel.close('expected an auth message');
        const msg = auth.data;
        if (!sameProof(msg.proof, clientProof(secret, gateNonce, msg.nonce))) {
          channel.send({ t: 'refused', reason: 'wrong secret' });
          return channel.close('client failed the handshake');
        }
        clearTimeout(timer);
        channel.send({ t: 'welcome', proof: gateProof(secret, gateNonce, msg.nonce) });
        const key = sessionKey(secret, gateNonce, msg.nonce);
        // Everything after the welcome is sealed, in both directions.
        channel.secure(key, 'gate');
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
            serverInfo: null,
            facts: null,
            dropped: 0,
            floodDenied: 0,
            floodUncounted: 0,
          };
          this.live.set(session.id, session);
          route = (v) => {
            const parsed = shimMessageSchema.safeParse(v);
            if (!parsed.success) return this.refuse(channel, 'shim', v, parsed.error);
            this.guard(session, () => this.onShimMessage(session, parsed.data));
          };
          onClose = () => {
            this.live.delete(session.id);
            this.broker.cancelSession(session.id, 'the shim disconnected');
            this.results.cancelSession(session.id, 'the shim disconnected');
            this.emit('sessions-changed');
          };
        } else {
          route = (v) => {
            const parsed = controlRequestSchema.safeParse(v);
            if (!parsed.success) return this.refuseControl(channel, v, parsed.error);
            try {
              this.onControl(channel, parsed.data);
            } catch (err) {
              // A write that failed (settings while another process holds the lock) must not
              // take the gate down: the client hears why, and nothing was changed.
              const message = `the gate could not do that: ${(err as Error).message}`;
              this.log(`a control request failed: ${message}`);
              channel.send({ t: 'error', req: parsed.data.req, message: message.slice(0, 2000) });
            }
          };
        }
      },
      () => {
        clearTimeout(timer);
        onClose?.();
      },
    );
    channel.send({ t: 'challenge', v: WIRE_VERSION, nonce: gateNonce });
  }

  /** A message that does not fit the protocol: the peer is broken or hostile; hang up. */
  private refuse(channel: LineChannel, who: string, value: unknown, error: z.ZodError): void {
    this.logRefusal(who, value, error);
    channel.close(`malformed ${who} message`);
  }

  private logRefusal(who: string, value: unknown, error: z.ZodError): void {
    const t = typeof value === 'object' && value !== null ? (value as { t?: unknown }).t : null;
    const issue = error.issues[0];
    const where = issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : '';
    this.log(
      `closed a ${who} connection: it sent a malformed message ${JSON.stringify(t ?? null).slice(0, 60)} (${where})`,
    );
  }

  /**
   * A control request that does not fit: the client hears why (answered by its request number
   * when it has a readable one), then the connection closes like any malformed peer's.
   */
  private refuseControl(channel: LineChannel, value: unknown, error: z.ZodError): void {
    const r = typeof value === 'object' && value !== null ? (value as { req?: unknown }).req : null;
    const req = typeof r === 'number' && Number.isSafeInteger(r) && r >= 0 ? r : 0;
    const issue = error.issues[0];
    const where = issue ? ` (${issue.path.join('.') || 'request'}: ${issue.message})` : '';
    channel.send({ t: 'error', req, message: `malformed control request${where}`.slice(0, 2000) });
    this.logRefusal('control client', value, error);
    // Hand the answer to the OS before hanging up; a client that does not read is cut off.
    void channel.closeAfterFlush('malformed control client message', HANDSHAKE_TIMEOUT_MS);
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

  private onShimMessage(session: ShimSession, msg: ShimMessage): void {
    switch (msg.t) {
      case 'session':
        return this.onSession(session, msg);
      case 'tools':
        return this.onTools(session, msg.tools);
      case 'roots':
        session.roots = msg.roots;
        return;
      case 'ask':
        return this.desk?.ask(session, msg);
      case 'observed':
        return this.desk?.observed(session, msg);
      case 'cancel': {
        const id = session.calls.get(msg.rid);
        if (id !== undefined)
          this.broker.cancel(id, `cancelled by the host${msg.reason ? `: ${msg.reason}` : ''}`);
        this.results.cancelRequest(
          session.id,
          msg.rid,
          `cancelled by the host${msg.reason ? `: ${msg.reason}` : ''}`,
        );
        return;
      }
      case 'outcome':
        return this.desk?.outcome(session, msg);
      case 'offline':
        return this.desk?.offline(session, msg);
      case 'dropped':
        return this.onDropped(session, msg.what);
      case 'serverInfo':
        session.serverInfo = { name: msg.name, version: msg.version };
        return this.observeFacts(session);
    }
  }

  private onSession(session: ShimSession, msg: Extract<ShimMessage, { t: 'session' }>): void {
    if (session.info) return session.channel.close('a shim may start its session only once');
    const { t: _t, ...info } = msg;
    session.info = info;
    const packageVersion = packageVersionOf(info.command, info.args, info.cwd);
    const identity: ServerIdentity = {
      host: info.host,
      name: info.server,
      command: info.command,
      args: info.args,
      ...(packageVersion ? { packageVersion } : {}),
    };
    // Session records wait for no one: committed now, flushed off the event loop (a lost one
    // only makes the server or tool look new again, which asks more, never less).
    session.serverId = this.store.unsynced(() =>
      this.store.servers.upsert(identity, Date.now()),
    ).id;
    this.observeFacts(session);
    this.pushDisabledTools(session.serverId);
    this.pushMode(session);
    this.emit('sessions-changed');
  }

  /** Record what this session runs; a difference from what was reviewed suspends allow rules. */
  private observeFacts(session: ShimSession): void {
    if (!session.info || session.serverId === null) return;
    session.facts = identityFacts({
      commandPath: session.info.commandPath,
      args: session.info.args,
      cwd: session.info.cwd,
      codeEnv: session.info.codeEnv,
      serverInfo: session.serverInfo,
    });
    const { serverId, facts } = session;
    const changes = this.store.unsynced(() =>
      this.store.servers.observeFacts(serverId, facts, Date.now()),
    );
    if (changes.length) {
      this.log(
        `server ${session.info.server} (${session.info.host}) runs different code than reviewed; its allow rules are suspended until \`airlock servers review ${session.serverId}\`: ${changes.map(describeChange).join('; ')}`,
      );
    }
    this.emit('servers-changed');
  }

  /** The shim dropped something its server sent. Only the first few go on the record. */
  private onDropped(session: ShimSession, what: string): void {
    session.dropped++;
    const who = session.info ? `${session.info.server} (${session.info.host})` : 'a server';
    if (session.dropped <= MAX_RECORDED_DROPS) {
      this.log(`the shim of ${who} dropped a message from its server: ${what}`);
      if (session.serverId !== null)
        this.store.unsynced(() =>
          this.store.servers.noteDropped(session.serverId as number, what, Date.now()),
        );
    } else if (session.dropped % 1000 === 0) {
      this.log(`the shim of ${who} has dropped ${session.dropped} messages from its server`);
    }
  }

  private onTools(session: ShimSession, tools: ToolDefinition[]): void {
    session.tools = new Map(tools.map((t) => [t.name, t]));
    if (session.serverId === null) return;
    // Shadowing: a description that names another server's tools. Its own tools are fair game.
    const elsewhere = [...this.live.values()]
      .filter((s) => s.serverId !== session.serverId)
      .flatMap((s) => [...s.tools.keys()]);
    const serverId = session.serverId;
    const recorded = this.store.unsynced(() =>
      this.store.tools.recordList(
        serverId,
        tools.map((definition) => ({
          definition,
          hash: toolHash(definition),
          poison: scanDescription(definition, elsewhere),
        })),
        Date.now(),
      ),
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
    this.historyRows.add(id);
  }

  /** The rows written or changed this turn, each once, in one event. */
  private announceRows(ids: number[]): void {
    if (!this.storeRef || this.listenerCount('history-appended') === 0) return;
    try {
      const rows = [...new Set(ids)]
        .map((id) => this.store.history.get(id))
        .filter((row): row is HistoryRow => row !== null && row !== undefined);
      if (rows.length) this.emit('history-appended', rows);
    } catch (err) {
      // Announcing is a courtesy to the open views (History reloads anyway): never a crash.
      this.log(`could not announce ${ids.length} history row(s): ${(err as Error).message}`);
    }
  }

  /** A result the scan flagged: its row goes out as a notice (History shows its tag anyway). */
  private resultFlagged(id: number): void {
    if (this.listenerCount('result-flagged') === 0) return;
    const row = this.store.history.get(id);
    if (row?.result?.risk) this.emit('result-flagged', row);
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

  /**
   * Why `airlock result ID` found no result of call ID held: what became of it (from the
   * record), or where the call stands instead.
   */
  private notHeld(id: number): { t: 'error'; message: string; review?: SettledResult } {
    const message = `no result of call ${id} is waiting for review`;
    if (this.broker.list().some((c) => c.id === id))
      return {
        t: 'error',
        message: `call ${id} is still waiting for approval (airlock approve or deny); its result has not come back`,
      };
    // A verdict given a moment ago may still sit in the deferred writes: commit them first.
    this.desk?.flush();
    const row = this.store.history.get(id);
    if (!row) return { t: 'error', message: `${message}: there is no call ${id}` };
    const review = row.result?.review;
    if (review)
      return {
        t: 'error',
        message,
        review: { ...review, message: review.message?.slice(0, 2000) ?? null },
      };
    if (!['approved', 'auto-approved', 'observed'].includes(row.decision))
      return { t: 'error', message: `${message}: the call was ${row.decision}, it had no result` };
    return {
      t: 'error',
      message: `${message}: ${row.result || row.outcome ? 'its result was not held' : 'its result has not come back (or was not held)'}`,
    };
  }

  private onControl(channel: LineChannel, req: ControlRequest): void {
    const reply = (msg: object): void => channel.send({ req: req.req, ...msg });
    if (isChangeRequest(req)) return reply(applyChange(this.changeTarget(), req, Date.now()));
    switch (req.t) {
      case 'pending':
        return reply({ t: 'pending', calls: this.pending(), results: this.pendingResults() });
      case 'decideResult':
        if (this.decideResult(req.id, req.verdict, req.message ?? null)) return reply({ t: 'ok' });
        return reply(this.notHeld(req.id));
      case 'decide': {
        if (req.args !== undefined && req.verdict !== 'allow')
          return reply({ t: 'error', message: 'edited arguments go only with an approval' });
        let ok: boolean;
        if (req.args !== undefined) {
          const edited = this.approveEdited(req.id, req.args);
          if (edited.kind === 'rejected')
            return reply({
              t: 'error',
              message: `the edited arguments were refused: ${edited.error}; call ${req.id} is still waiting`,
            });
          ok = edited.kind === 'decided';
        } else ok = this.decide(req.id, req.verdict, req.message ?? null);
        const failed = ok ? this.takeRecordFailure(req.id) : null;
        if (failed)
          return reply({
            t: 'error',
            message: `call ${req.id} was denied: the decision could not be recorded (${failed}); its record will say so once the database takes writes again`,
          });
        if (ok) return reply({ t: 'ok' });
        // Approved already, and its result now waits for a person: point to the right command.
        if (this.results.list().some((r) => r.id === req.id))
          return reply({
            t: 'error',
            message: `call ${req.id} was already approved; its result is waiting for review (airlock result ${req.id} pass|redact|replace)`,
          });
        const settled = this.settledCall(req.id);
        return reply({
          t: 'error',
          message: `no call ${req.id} is waiting for a decision`,
          ...(settled ? { settled } : {}),
        });
      }
      case 'settings':
        this.updateSettings(req.patch);
        return reply({ t: 'ok' });
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
