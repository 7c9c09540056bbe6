// The seam between the desktop UI and the core: every operation the UI needs, one method per
// IPC channel (same name), plus one event stream. `createAppServices(gate)` implements it over
// the gate service, the store and the policy; `createHandlers` binds it to the channels.
import type {
  AppEvent,
  AppInfo,
  CallDetails,
  Channel,
  DecideRequest,
  DecideResult,
  ExportFile,
  HistoryFilter,
  HistoryPage,
  HistoryStats,
  HostEvent,
  HostReport,
  IdentityChange,
  RequestOf,
  ResponseOf,
  RuleDraft,
  RuleTestResult,
  ServerView,
  Settings,
  ToolView,
} from '../contract/ipc';
import type {
  HistoryQuery,
  HistoryRow,
  PendingCall,
  ResultReview,
  ResultVerdictKind,
  ReviewResultsMode,
  Rule,
} from '../contract/types';

type Awaitable<T> = T | Promise<T>;

export interface AppServices {
  /** Calls waiting for the user, oldest first. */
  listPending(): Awaitable<PendingCall[]>;
  /** Approve (optionally saving a rule) or deny (optionally telling the agent why) calls. */
  decide(req: DecideRequest): Awaitable<DecideResult>;
  /**
   * While `holding`, these calls' countdowns stand still (the user is reading or editing a
   * rule); releasing restarts the countdown from the time that was left. Returns all pending.
   */
  holdPending(req: { ids: number[]; holding: boolean }): Awaitable<PendingCall[]>;
  /** A waiting call's one-line summary and the file a write would replace (for its diff). */
  describeCall(req: { id: number }): Awaitable<CallDetails | null>;
  /** Gate status, data directory and version, for Settings. */
  appInfo(): Awaitable<AppInfo>;

  /** Newest first; `total` counts every row matching the filters. */
  queryHistory(query: HistoryQuery): Awaitable<HistoryPage>;
  /** Calls per local day by decision, and the busiest tools, over the filtered rows. */
  historyStats(req: { query: HistoryFilter; top: number }): Awaitable<HistoryStats>;
  getHistoryRow(req: { id: number }): Awaitable<HistoryRow | null>;
  exportHistory(req: { query: HistoryFilter; format: 'csv' | 'json' }): Awaitable<ExportFile>;

  listRules(): Awaitable<Rule[]>;
  /** Saves a rule with origin "manual". */
  addRule(draft: RuleDraft): Awaitable<Rule>;
  updateRule(req: { id: number; patch: Partial<RuleDraft> }): Awaitable<Rule>;
  removeRule(req: { id: number }): Awaitable<{ removed: boolean }>;
  /** The past calls a (possibly unsaved) rule would match. */
  testRule(req: { rule: RuleDraft; limit: number }): Awaitable<RuleTestResult>;

  listServers(): Awaitable<ServerView[]>;
  /** A disabled tool is hidden from `tools/list` and its calls are denied. */
  setToolEnabled(req: { serverId: number; tool: string; enabled: boolean }): Awaitable<ToolView>;
  /** Hold this tool's results for review: none ('off'), the flagged ones, or all. */
  setToolReviewResults(req: {
    serverId: number;
    tool: string;
    mode: ReviewResultsMode;
  }): Awaitable<ToolView>;
  /** Results held for review, oldest first. */
  listResultReviews(): Awaitable<ResultReview[]>;
  /** Pass, pass redacted, or replace held results. */
  decideResult(req: {
    ids: number[];
    verdict: ResultVerdictKind;
    message?: string;
  }): Awaitable<{ decided: number[]; notHeld: number[] }>;
  /** Accepts the definition with this hash (the one whose diff the user saw). */
  markToolReviewed(req: { serverId: number; tool: string; hash: string }): Awaitable<ToolView>;
  /**
   * Accepts what the server runs now (its allow rules apply again), if `changes` are still the
   * changes it has; a newer change is refused so it gets its own review.
   */
  reviewServerIdentity(req: { serverId: number; changes: IdentityChange[] }): Awaitable<ServerView>;

  getSettings(): Awaitable<Settings>;
  setSettings(patch: Partial<Settings>): Awaitable<Settings>;

  scanHosts(): Awaitable<HostReport[]>;
  /** Installs the shim into every server entry of this host's config. */
  guardHost(req: { host: string; singleConsent?: boolean }): Awaitable<HostReport>;
  /** Restores the host's config exactly as it was. */
  unguardHost(req: { host: string }): Awaitable<HostReport>;
  /** Installs the shim into one server entry (the same plan `airlock hosts install` runs). */
  guardServer(req: { host: string; server: string; project?: string }): Awaitable<HostReport>;
  /** Restores one server entry exactly as it was before Guard. */
  unguardServer(req: { host: string; server: string; project?: string }): Awaitable<HostReport>;
  /** Moves one guarded server's secrets into the OS keychain (`undo`: back into the config). */
  secureServer(req: {
    host: string;
    server: string;
    project?: string;
    undo?: boolean;
  }): Awaitable<HostReport>;
  /** What the host watcher noticed and the user has not dismissed, oldest first. */
  listHostEvents(): Awaitable<HostEvent[]>;
  /** Dismisses these events (every one without ids); returns those left. */
  dismissHostEvents(req: { ids?: number[] }): Awaitable<HostEvent[]>;

  /** Every AppEvent, in order; returns the unsubscribe function. */
  subscribe(listener: (event: AppEvent) => void): () => void;

  /** Stops what the services started (the host watcher); the gate is closed by its owner. */
  close(): void;
}

// Compile-time check that each channel has a method taking the parsed payload and returning
// the channel's response.
type MethodFits<C extends Channel> = AppServices[C] extends (...args: infer A) => Awaitable<infer R>
  ? [R] extends [ResponseOf<C>]
    ? undefined extends RequestOf<C>
      ? A extends []
        ? true
        : false
      : [RequestOf<C>] extends [A[0]]
        ? true
        : false
    : false
  : false;
export type ServicesMatchContract = { [C in Channel]: MethodFits<C> }[Channel] extends true
  ? true
  : never;
const _servicesMatchContract: ServicesMatchContract = true;
void _servicesMatchContract;
