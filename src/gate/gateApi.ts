// What the running gate offers: its events and methods (GateApi, all src/app may use) and, for
// tests and diagnostics, the parts behind them (GateService).
import type { EventEmitter } from 'node:events';
import type {
  HistoryRow,
  PendingCall,
  ResultReview,
  ResultVerdictKind,
  ReviewResultsMode,
} from '../contract/types';
import type { PathEnv } from '../policy/paths';
import type { Store } from '../store/store';
import type { ApprovalBroker } from './broker';
import type { EditedApproval } from './callDesk';
import type { GateChanges } from './controlChanges';
import type { RecordView } from './recordView';
import type { ShimSession } from './session';
import type { GateSettings } from './settings';
import type { Verdict } from './wire';

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

/**
 * The running gate as the app (and `airlock gate`) uses it: methods and events, no store,
 * broker or emit. Its record is read through `record`; every change goes through a method, so
 * the gate's caches, the shims and every listener hear of it.
 */
export interface GateApi extends Pick<
  EventEmitter<GateEvents>,
  'on' | 'off' | 'once' | 'listenerCount'
> {
  readonly dataDir: string;
  readonly socketPath: string;
  /** How paths in arguments are resolved (home, platform). */
  readonly env: PathEnv;
  /** The record, read-only. */
  readonly record: RecordView;
  /** Rule and tool changes, checked as the CLI's are (controlChanges.ts). */
  readonly changes: GateChanges;
  sessions(): ShimSession[];
  pending(): PendingCall[];
  settings(): GateSettings;
  /**
   * Saves a person's settings: the gate's (`patch`) and, beside them, the app's own keys
   * (`appSettings`: theme, sound…). One settings-changed event either way.
   */
  updateSettings(patch: Partial<GateSettings>, appSettings?: Record<string, unknown>): GateSettings;
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
  /**
   * A person is looking at these waiting calls (holding: true) or stopped (false): their
   * countdowns stop meanwhile and go on from the time that was left.
   */
  setHolding(ids: number[], holding: boolean): void;
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
  /** What servers run or offer changed outside the gate (a host config was guarded): say so. */
  serversChanged(): void;
  close(): Promise<void>;
}

/**
 * The gate as started: its methods, and the parts behind them for tests and diagnostics (a
 * test seeds the record or looks into the broker). src/app takes a GateApi and never these.
 */
export interface GateService extends GateApi {
  readonly store: Store;
  readonly broker: ApprovalBroker;
}
