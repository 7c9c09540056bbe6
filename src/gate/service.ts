// The gate service: the socket, the handshake, the shim sessions, the approval broker, the
// policy and the record. The same service runs in `airlock gate` (headless) and in the
// Electron main process. This file composes the parts: handshake.ts (who may talk),
// sessions.ts (the shims), callDesk.ts (the calls), controlServer.ts (the CLI's requests),
// controlChanges.ts (rule and tool changes), runSettings.ts (the settings in force).
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type {
  HistoryRow,
  ResultReview,
  ResultVerdictKind,
  ReviewResultsMode,
  Mode,
  PendingCall,
} from '../contract/types';
import { databasePath } from '../core/dataDir';
import { nodePathEnv } from '../policy/paths';
import { openStore, type Store } from '../store/store';
import { ApprovalBroker } from './broker';
import { ResultReviews } from './resultReviews';
import { listenOnSocket, type Listening } from './listener';
import type { Verdict } from './wire';
import type { GateSettings } from './settings';
import { CallDesk, type EditedApproval } from './callDesk';
import { gateChanges, type ChangeTarget, type GateChanges } from './controlChanges';
import { reviewModeOf, setReviewMode } from '../store/reviewModes';
import type { ShimSession } from './session';
import { acceptConnection } from './handshake';
import { ShimSessions } from './sessions';
import { ControlServer } from './controlServer';
import { collectOfflineSpools } from './offlineSpools';
import { RunSettings } from './runSettings';
import { TurnBatch } from './perTurn';
import type { RecordView } from './recordView';
import type { GateEvents, GateService } from './gateApi';

export type { GateSettings } from './settings';
export type { ShimSession } from './session';
export type { RecordView } from './recordView';
export type { GateApi, GateEvents, GateService } from './gateApi';
export { denialOrApproval } from './toolCall';

/**
 * How long a gate write waits for another process's lock. better-sqlite3 waits synchronously,
 * so this is also how long the gate stops answering; a decision that cannot be written by then
 * denies the call and is recorded later (see RecordBacklog).
 */
const GATE_BUSY_TIMEOUT_MS = 1_000;
const DAY_MS = 86_400_000;
/**
 * How often the gate looks for calls that shims which ended denied while it was unreachable
 * (a hung gate is "unreachable" while it runs); also once when it starts.
 */
const OFFLINE_SPOOLS_MS = 60_000;

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
  readonly changes: GateChanges;
  private storeRef: Store | null = null;
  private listening: Listening | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly log: (line: string) => void;
  private readonly nativeBinding: string | undefined;
  private readonly runSettings: RunSettings;
  private readonly shims: ShimSessions;
  private readonly control: ControlServer;
  private pruneTimer: NodeJS.Timeout | null = null;
  private spoolTimer: NodeJS.Timeout | null = null;
  /** Evaluates, records and answers the calls (set once the store is open). */
  private desk: CallDesk | null = null;
  /** The waiting list changed: said once per turn, however many calls came or went. */
  private readonly pendingChanged = new TurnBatch<true>(() => this.emit('pending-changed'));
  /** History rows written or changed this turn, announced together. */
  private readonly historyRows = new TurnBatch<number>((ids) => this.announceRows(ids));

  constructor(opts: GateOptions) {
    super();
    this.dataDir = opts.dataDir;
    this.log = opts.log ?? (() => {});
    this.nativeBinding = opts.nativeBinding;
    this.runSettings = new RunSettings(() => this.store, {
      ...(opts.mode ? { mode: opts.mode } : {}),
      ...(opts.timeoutMs ? { timeoutSeconds: opts.timeoutMs / 1000 } : {}),
    });
    this.broker = new ApprovalBroker(() => this.settings().timeoutSeconds * 1000);
    this.broker.on('changed', () => this.pendingChanged.add(true));
    this.results = new ResultReviews(() => this.settings().timeoutSeconds * 1000);
    this.results.on('changed', () => this.emit('result-reviews-changed'));
    this.shims = new ShimSessions({
      store: () => this.store,
      desk: () => this.desk,
      broker: this.broker,
      results: this.results,
      settings: () => this.settings(),
      log: this.log,
      changed: (what) => this.emit(what),
    });
    this.control = new ControlServer({
      gate: this,
      store: () => this.store,
      changeTarget: () => this.changeTarget(),
      waiting: () => this.broker.size,
      sessions: () => this.shims.size,
      flushDeferred: () => this.desk?.flush(),
      log: this.log,
    });
    this.changes = gateChanges(this.changeTarget());
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

  get record(): RecordView {
    return this.store;
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
    this.collectOfflineSpools();
    this.spoolTimer = setInterval(() => this.collectOfflineSpools(), OFFLINE_SPOOLS_MS);
    this.spoolTimer.unref();
  }

  sessions(): ShimSession[] {
    return this.shims.list();
  }

  pending(): PendingCall[] {
    return this.broker.list();
  }

  settings(): GateSettings {
    return this.runSettings.current();
  }

  updateSettings(
    patch: Partial<GateSettings>,
    appSettings: Record<string, unknown> = {},
  ): GateSettings {
    this.runSettings.save(patch, appSettings);
    const settings = this.settings();
    if (patch.retentionDays !== undefined) this.prune();
    if (patch.mode !== undefined || patch.paused !== undefined) this.shims.pushMode();
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

  setHolding(ids: number[], holding: boolean): void {
    for (const id of ids) this.broker.setHolding(id, holding);
  }

  pushDisabledTools(serverId: number): void {
    this.shims.pushDisabledTools(serverId);
  }

  rulesChanged(): void {
    this.emit('rules-changed');
  }

  serversChanged(): void {
    this.emit('servers-changed');
  }

  /** Where a change lands (controlChanges.ts), from the CLI or the app alike. */
  private changeTarget(): ChangeTarget {
    // The store is read when a change is made: it opens in listen(), after this is built.
    const store = (): Store => this.store;
    return {
      get store() {
        return store();
      },
      rulesChanged: () => this.rulesChanged(),
      pushDisabledTools: (serverId) => this.pushDisabledTools(serverId),
      serversChanged: () => this.serversChanged(),
      setReviewMode: (serverId, tool, mode) => this.setReviewMode(serverId, tool, mode),
    };
  }

  async close(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    if (this.spoolTimer) clearInterval(this.spoolTimer);
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

  /** Calls shims denied while no gate answered, written down by those that have ended. */
  private collectOfflineSpools(): void {
    const desk = this.desk;
    if (!desk) return;
    const n = collectOfflineSpools(
      this.dataDir,
      (info, calls) => desk.offlineOfEnded(info, calls),
      this.log,
    );
    if (n) this.log(`recorded ${n} call(s) denied while the gate was unreachable`);
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    acceptConnection(socket, this.listening?.secret ?? '', {
      shim: (channel, key) => this.shims.open(channel, key),
      control: (channel) => this.control.open(channel),
    });
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
}
