// The typed IPC contract between the renderer and the core: for every channel, a zod schema
// for what the renderer sends (parsed in main and in the e2e harness, never trusted) and the
// type of what comes back. Shared by main, preload, renderer and src/app; no Node here.
import { z } from 'zod';
import type { Channel } from './channels';
import { DECISION_KINDS } from './types';
import { SETTING_RANGES } from './settingRanges';
import { riskLevelSchema as riskLevel, ruleDraftSchema } from './ruleDraft';
import type {
  DecisionKind,
  ResultReview,
  ReviewResultsMode,
  HistoryQuery,
  HistoryRow,
  PendingCall,
  RiskAssessment,
  Rule,
  ServerIdentity,
  ToolRecord,
} from './types';

export { CHANNELS, EVENT_CHANNEL, IPC_PREFIX, isChannel, type Channel } from './channels';
export {
  argConditionSchema,
  MAX_RULE_CONDITIONS,
  ruleDraftSchema,
  ruleExpirySchema,
  type RuleDraft,
} from './ruleDraft';

// ---------------------------------------------------------------------------------------------
// Schemas of the pieces payloads are made of

const id = z.number().int().positive();
const decisionKind = z.enum(DECISION_KINDS as [DecisionKind, ...DecisionKind[]]);
const time = z.number().int().nonnegative();

export const historyFilterSchema = z.strictObject({
  server: z.string().max(200).optional(),
  tool: z.string().max(200).optional(),
  decision: decisionKind.optional(),
  risk: riskLevel.optional(),
  search: z.string().max(1000).optional(),
  since: time.optional(),
  until: time.optional(),
});
export type HistoryFilter = z.infer<typeof historyFilterSchema>;

export const historyQuerySchema = historyFilterSchema.extend({
  limit: z.number().int().min(1).max(5000).optional(),
  beforeId: id.optional(),
}) satisfies z.ZodType<HistoryQuery>;

export const settingsSchema = z.strictObject({
  /** How long a call waits for the user before it is denied. */
  timeoutSeconds: z
    .number()
    .int()
    .min(SETTING_RANGES.timeoutSeconds.min)
    .max(SETTING_RANGES.timeoutSeconds.max),
  mode: z.enum(['ask', 'observe']),
  /** Deny every new gated call until resumed. */
  paused: z.boolean(),
  /** Prune calls older than this many days; 0 keeps everything. */
  retentionDays: z
    .number()
    .int()
    .min(SETTING_RANGES.retentionDays.min)
    .max(SETTING_RANGES.retentionDays.max),
  /** Characters of each result's text kept in History (secrets masked); 0 keeps none. */
  resultExcerptChars: z
    .number()
    .int()
    .min(SETTING_RANGES.resultExcerptChars.min)
    .max(SETTING_RANGES.resultExcerptChars.max),
  startAtLogin: z.boolean(),
  sound: z.boolean(),
  theme: z.enum(['system', 'light', 'dark']),
});
export type Settings = z.infer<typeof settingsSchema>;
export type Theme = Settings['theme'];

const toolRef = { serverId: id, tool: z.string().min(1).max(200) };

/** One fact of what a server runs, as it was when reviewed and as it is now. */
const identityChangeSchema = z.strictObject({
  fact: z.string().min(1).max(200),
  before: z.string().max(65_536).nullable(),
  after: z.string().max(65_536).nullable(),
});
export type IdentityChange = z.infer<typeof identityChangeSchema>;

const serverRef = z.strictObject({
  host: z.string().min(1).max(100),
  server: z.string().min(1).max(500),
  project: z.string().min(1).max(4096).optional(),
});

// ---------------------------------------------------------------------------------------------
// Requests, one schema per channel

const none = z.undefined();

export const decideRequestSchema = z.discriminatedUnion('verdict', [
  z
    .strictObject({
      ids: z.array(id).min(1).max(500),
      verdict: z.literal('approve'),
      /** Approve and save this rule (its origin becomes the decision). */
      rule: ruleDraftSchema.optional(),
      /**
       * Approve with these arguments instead of the agent's (the edited `params.arguments`
       * object). Only for one call at a time; the gate checks them against the tool's pinned
       * `inputSchema` and reports a failure in `DecideResult.argsRejected` (the call keeps waiting).
       */
      args: z.unknown().optional(),
    })
    .refine((r) => r.args === undefined || r.ids.length === 1, {
      message: 'edited arguments approve exactly one call',
      path: ['args'],
    }),
  z.strictObject({
    ids: z.array(id).min(1).max(500),
    verdict: z.literal('deny'),
    /** Told to the agent in the denial result. */
    message: z.string().max(4000).optional(),
  }),
]);
export type DecideRequest = z.infer<typeof decideRequestSchema>;

export const requestSchemas = {
  listPending: none,
  decide: decideRequestSchema,
  /** The user is interacting with these calls: stop (or restart) their countdown. */
  holdPending: z.strictObject({ ids: z.array(id).min(1).max(500), holding: z.boolean() }),
  /** What a waiting call will do, in a line, and the file a write would replace. */
  describeCall: z.strictObject({ id }),
  queryHistory: historyQuerySchema,
  // Days are the local days of the machine the app and its window share; no offset to send.
  historyStats: z.strictObject({
    query: historyFilterSchema,
    top: z.number().int().min(1).max(100),
  }),
  getHistoryRow: z.strictObject({ id }),
  exportHistory: z.strictObject({ query: historyFilterSchema, format: z.enum(['csv', 'json']) }),
  listRules: none,
  addRule: ruleDraftSchema,
  updateRule: z.strictObject({ id, patch: ruleDraftSchema.partial() }),
  removeRule: z.strictObject({ id }),
  testRule: z.strictObject({ rule: ruleDraftSchema, limit: z.number().int().min(1).max(5000) }),
  listServers: none,
  setToolEnabled: z.strictObject({ ...toolRef, enabled: z.boolean() }),
  /** Hold this tool's results for review: none, the ones the scan flags, or every one. */
  setToolReviewResults: z.strictObject({ ...toolRef, mode: z.enum(['off', 'flagged', 'all']) }),
  listResultReviews: none,
  /** Pass held results as they are, pass them with secrets masked, or replace them. */
  decideResult: z.strictObject({
    ids: z.array(id).min(1).max(500),
    verdict: z.enum(['pass', 'redact', 'replace']),
    /** Told to the agent in the error that replaces the result. */
    message: z.string().max(4000).optional(),
  }),
  /** `hash` is the definition the user looked at: a newer change stays unreviewed. */
  markToolReviewed: z.strictObject({ ...toolRef, hash: z.string().min(1).max(200) }),
  /**
   * Accept what a server runs now. `changes` are the ones the user was shown: a newer change
   * stays unreviewed (and its allow rules suspended).
   */
  reviewServerIdentity: z.strictObject({
    serverId: id,
    changes: z.array(identityChangeSchema).min(1).max(200),
  }),
  getSettings: none,
  setSettings: settingsSchema.partial(),
  scanHosts: none,
  /**
   * `singleConsent` true: also write the host's own allow entry so only Airlock asks; false: take
   * back only the allow entries Airlock wrote (the wraps stay); absent: leave them as they are.
   */
  guardHost: z.strictObject({
    host: z.string().min(1).max(100),
    singleConsent: z.boolean().optional(),
  }),
  unguardHost: z.strictObject({ host: z.string().min(1).max(100) }),
  /** One server entry of a host; `project` picks a project-scoped entry. */
  guardServer: serverRef,
  unguardServer: serverRef,
  /**
   * Moves one guarded server's plain-text secrets into the OS keychain (`airlock hosts secure`);
   * `undo` puts them back in the config and deletes the keychain items.
   */
  secureServer: serverRef.extend({ undo: z.boolean().optional() }),
  /** What the host watcher noticed and the user has not dismissed. */
  listHostEvents: none,
  /** Dismiss these events (by id), or every one when `ids` is left out. */
  dismissHostEvents: z.strictObject({ ids: z.array(id).max(1000).optional() }),
  appInfo: none,
} satisfies Record<Channel, z.ZodType>;

export type RequestOf<C extends Channel> = z.output<(typeof requestSchemas)[C]>;
/** What the renderer may pass (before defaults and transforms). */
export type RequestInputOf<C extends Channel> = z.input<(typeof requestSchemas)[C]>;

// ---------------------------------------------------------------------------------------------
// Responses

export interface DecideResult {
  /** Calls this decision answered. */
  decided: number[];
  /** Calls no longer waiting (decided elsewhere, timed out, cancelled). */
  notPending: number[];
  /**
   * Calls whose decision could not be recorded (database locked or full): each was denied
   * instead, whatever the verdict, and its row says so once the database takes writes again.
   */
  notRecorded: { id: number; cause: string }[];
  /** The rule saved with an approval, if any. */
  ruleId: number | null;
  /**
   * Calls approved with edited arguments the gate refused (they do not fit the tool's pinned
   * `inputSchema`, or are not a JSON object): not decided, still waiting. `error` is a sentence
   * for a person, e.g. `/path: must be string`.
   */
  argsRejected: { id: number; error: string }[];
}

export interface HistoryPage {
  rows: HistoryRow[];
  /** Rows matching the filters, ignoring limit and beforeId. */
  total: number;
}

export interface DayCount {
  /** Local calendar day, YYYY-MM-DD. */
  day: string;
  counts: Partial<Record<DecisionKind, number>>;
}

export interface ToolCount {
  server: string;
  tool: string;
  count: number;
}

export interface HistoryStats {
  perDay: DayCount[];
  topTools: ToolCount[];
}

export interface ExportFile {
  filename: string;
  mimeType: string;
  content: string;
}

export interface RuleTestResult {
  /** Past calls the rule would match, newest first, at most `limit`. */
  rows: HistoryRow[];
  /** How many past calls it would match in all. */
  matched: number;
}

export interface ToolView extends ToolRecord {
  /** The tool's standing risk (annotations, verbs, state, poison findings). */
  risk: RiskAssessment;
  /** Which of its results are held for review before they reach the agent. */
  reviewResults: ReviewResultsMode;
}

export interface ServerView {
  id: number;
  identity: ServerIdentity;
  firstSeen: number;
  lastSeen: number;
  /** Worst of its tools, with the reasons. */
  grade: RiskAssessment;
  tools: ToolView[];
  /**
   * What changed in the code it runs since the user reviewed it (command path, code-loading
   * env, what it reports at start…); non-empty suspends its allow rules until reviewed.
   */
  identityChanges?: IdentityChange[];
}

export type PostureGrade = 'A' | 'B' | 'C' | 'D' | 'F';

export interface PostureDeduction {
  points: number;
  /** Stable machine code, e.g. "unguarded", "unpinned", "secret". */
  code: string;
  text: string;
}

export interface HostServerEntry {
  name: string;
  /** What runs behind the shim (or the URL of a remote server). */
  command: string;
  args: string[];
  guarded: boolean;
  transport: 'stdio' | 'http' | 'sse' | 'extension';
  /** False for remote servers and extensions: the stdio shim cannot stand in front of them. */
  guardable: boolean;
  /** Why it cannot be guarded, or anything else worth knowing. */
  note: string | null;
  configPath: string;
  /** Set for a project-scoped entry. */
  project: string | null;
  disabled: boolean;
  /** The host's own allow entry auto-approves this server's tools (single consent). */
  autoApproved?: boolean;
  grade: PostureGrade;
  score: number;
  deductions: PostureDeduction[];
  /** What the entry does well (e.g. secrets kept in the OS keychain). */
  credits?: { code: string; text: string }[];
  /**
   * Secrets `secure` can move (`movable`: plain-text ones of a guarded stdio server) and whether
   * the entry already keeps some in the keychain (then undo can put them back).
   */
  secrets?: { movable: string[]; inKeychain: boolean };
}

/** Something the host watcher noticed in a host's config. */
export interface HostEvent {
  id: number;
  at: number;
  /** `unguarded-auto-approved` is the most urgent: no prompt at all stands before its calls. */
  kind: 'unguarded-auto-approved' | 'new-unguarded' | 'wrap-removed';
  host: string;
  server: string;
  configPath: string;
  project: string | null;
  /** Ready to show, e.g. "New MCP server 'x' in Cursor is not guarded — Guard it?". */
  message: string;
}

export interface HostReport {
  /** Stable id, e.g. "claude-desktop". */
  host: string;
  label: string;
  configPath: string | null;
  found: boolean;
  servers: HostServerEntry[];
  error: string | null;
  /** Whether Airlock can write this host's own allow entry, and what it writes (or why not). */
  singleConsent?: { supported: boolean; summary: string };
}

export interface ResponseMap {
  listPending: PendingCall[];
  decide: DecideResult;
  /** The calls still waiting, with their deadlines as they now stand. */
  holdPending: PendingCall[];
  queryHistory: HistoryPage;
  historyStats: HistoryStats;
  getHistoryRow: HistoryRow | null;
  exportHistory: ExportFile;
  listRules: Rule[];
  addRule: Rule;
  updateRule: Rule;
  removeRule: { removed: boolean };
  testRule: RuleTestResult;
  listServers: ServerView[];
  setToolEnabled: ToolView;
  setToolReviewResults: ToolView;
  listResultReviews: ResultReview[];
  /** Ids that were no longer held (decided, timed out, withdrawn). */
  decideResult: { decided: number[]; notHeld: number[] };
  markToolReviewed: ToolView;
  /** The server as it now stands (no identity changes left). */
  reviewServerIdentity: ServerView;
  getSettings: Settings;
  setSettings: Settings;
  scanHosts: HostReport[];
  guardHost: HostReport;
  unguardHost: HostReport;
  guardServer: HostReport;
  unguardServer: HostReport;
  secureServer: HostReport;
  listHostEvents: HostEvent[];
  dismissHostEvents: HostEvent[];
  /** null when the call is no longer waiting. */
  describeCall: CallDetails | null;
  appInfo: AppInfo;
}

/** What a waiting call will do, as the gate sees it beyond the call's own arguments. */
export interface CallDetails {
  id: number;
  /** One plain line, e.g. "Write 13.4 KB (200 lines) to ~/src/big.ts (replaces an existing file)". */
  summary: { kind: string; text: string };
  /**
   * For a write to a file that exists: its current text, to show the change as a diff; or why
   * it is not shown (a sensitive path, too large, not text). null when nothing is replaced.
   */
  current: { path: string; content: string } | { path: string; withheld: string } | null;
  /**
   * The tool's pinned inputSchema (as the server listed it, so untrusted), from which the
   * popup's Edit… form is built; null when the tool or its schema is unknown.
   */
  inputSchema: unknown | null;
}

/** For Settings: is the gate up, where its data lives, which version runs. */
export interface AppInfo {
  version: string;
  dataDir: string;
  socketPath: string;
  /** Shim sessions connected right now. */
  sessions: number;
  pending: number;
}
export type ResponseOf<C extends Channel> = ResponseMap[C];

// ---------------------------------------------------------------------------------------------
// Events, main → renderer

export type AppEvent =
  | { type: 'pending-changed'; pending: PendingCall[] }
  /** New rows, or rows that changed (an outcome arrived): replace by id. */
  | { type: 'history-appended'; rows: HistoryRow[] }
  | { type: 'servers-changed' }
  | { type: 'rules-changed' }
  | { type: 'settings-changed'; settings: Settings }
  /** The host watcher noticed these (new unguarded servers, removed wraps). */
  | { type: 'hosts-changed'; events: HostEvent[] }
  /**
   * Decisions that could not be recorded (the calls were denied instead): every window shows
   * `text`, and main raises a notification, since the popup closes with its last call.
   */
  | { type: 'decision-not-recorded'; calls: { id: number; cause: string }[]; text: string }
  /**
   * The scan found something in a call's result (instructions to the model, hidden text…):
   * windows show a notice, and main raises a notification. The row carries the findings.
   */
  | { type: 'result-flagged'; row: HistoryRow }
  /** Results held for review came or went: the popup shows them. */
  | { type: 'result-reviews-changed'; reviews: ResultReview[] }
  /** Main asks the window to show a view (a notification was clicked). */
  | { type: 'show-view'; view: AppView };

export type AppView = 'pending' | 'history' | 'rules' | 'servers' | 'settings';

// ---------------------------------------------------------------------------------------------
// window.airlock, as the preload (and the e2e harness) define it

type Fn<C extends Channel> =
  undefined extends RequestInputOf<C>
    ? () => Promise<ResponseOf<C>>
    : (payload: RequestInputOf<C>) => Promise<ResponseOf<C>>;

export type AirlockApi = { readonly [C in Channel]: Fn<C> } & {
  /** Subscribe to AppEvents; returns the unsubscribe function. */
  readonly onEvent: (listener: (event: AppEvent) => void) => () => void;
};

// ---------------------------------------------------------------------------------------------

export class IpcPayloadError extends Error {
  override name = 'IpcPayloadError';
}

/** Parses a channel's payload; throws IpcPayloadError saying what is wrong. */
export function parseRequest<C extends Channel>(channel: C, payload: unknown): RequestOf<C> {
  const schema: z.ZodType = requestSchemas[channel];
  const result = schema.safeParse(payload);
  if (!result.success) {
    throw new IpcPayloadError(
      `Invalid payload for "${channel}": ${z.prettifyError(result.error).replace(/\n/g, '; ')}`,
    );
  }
  return result.data as RequestOf<C>;
}
