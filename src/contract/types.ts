// Domain types shared by the core (src/), the Electron shell (main/), the renderer and the
// shim. Plain data only: everything here crosses a socket or an IPC boundary as JSON.

export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';
export const RISK_LEVELS: readonly RiskLevel[] = ['low', 'medium', 'high', 'critical'];

/** One reason behind a risk level, phrased for a person. */
export interface RiskReason {
  /** Stable machine code, e.g. "path.sensitive", "name.verb", "tool.changed". */
  code: string;
  level: RiskLevel;
  text: string;
}

export interface RiskAssessment {
  level: RiskLevel;
  reasons: RiskReason[];
}

/** MCP tool annotations as servers publish them (untrusted hints). */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** A tool as listed by a server in a `tools/list` result. */
export interface ToolDefinition {
  name: string;
  title?: string;
  description?: string;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: ToolAnnotations;
}

/** Who runs a server: changes to any field make it a different server. */
export interface ServerIdentity {
  host: string;
  name: string;
  command: string;
  args: string[];
  /** Resolved version of the package the command names, where it names one. */
  packageVersion?: string;
}

export type PoisonFinding = { code: string; text: string };

/** What the registry knows about one tool of one server. */
export interface ToolRecord {
  serverId: number;
  name: string;
  definition: ToolDefinition;
  hash: string;
  /** Hash the user last reviewed; differs from `hash` when the definition changed. */
  reviewedHash: string | null;
  /** Hash seen before the latest change, for showing a diff. */
  previousDefinition: ToolDefinition | null;
  firstSeen: number;
  lastSeen: number;
  enabled: boolean;
  poison: PoisonFinding[];
}

export type RuleAction = 'allow' | 'ask' | 'deny';

export type ArgCondition =
  | { path: string; op: 'under'; value: string }
  | { path: string; op: 'equals'; value: unknown }
  | { path: string; op: 'oneOf'; value: unknown[] }
  | { path: string; op: 'regex'; value: string }
  | { path: string; op: 'range'; min?: number; max?: number };

export type RuleExpiry =
  | { kind: 'forever' }
  | { kind: 'until'; at: number }
  /** Until the host (the shim session that created it) restarts. */
  | { kind: 'session'; sessionId: string };

export interface Rule {
  id: number;
  /** null = any server. */
  serverId: number | null;
  /** Glob over the tool name: `*` and `?`. */
  tool: string;
  conditions: ArgCondition[];
  action: RuleAction;
  expiry: RuleExpiry;
  /** For allow rules: never auto-approve above this level. */
  riskCeiling: RiskLevel | null;
  /**
   * For allow rules: hold the results of the calls it lets through for review (those the scan
   * flags, or all). Absent: results pass (unless the tool's own setting holds them); null in
   * an edit turns it off.
   */
  reviewResults?: 'flagged' | 'all' | null;
  note: string;
  /** "manual" or "decision:N". */
  origin: string;
  enabled: boolean;
  createdAt: number;
}

export type Mode = 'ask' | 'observe';

/** How a gated call ended up decided. */
export type DecisionKind =
  | 'approved' // by a person
  | 'denied' // by a person
  | 'auto-approved' // by a rule or by policy (read-only, low risk)
  | 'auto-denied' // by a rule, a disabled tool or pause
  | 'observed' // observe mode: allowed and recorded
  | 'timed-out'
  | 'cancelled' // by the host (notifications/cancelled) or the shim went away
  | 'unreachable' // shim could not reach the gate: recorded by nobody, denied by the shim
  | 'interrupted'; // the gate stopped while the call waited

export const DECISION_KINDS: readonly DecisionKind[] = [
  'approved',
  'denied',
  'auto-approved',
  'auto-denied',
  'observed',
  'timed-out',
  'cancelled',
  'unreachable',
  'interrupted',
];

export type DecidedBy = 'user' | 'rule' | 'policy' | 'timeout' | 'host' | 'gate';

export interface PendingCall {
  id: number;
  sessionId: string;
  host: string;
  server: string;
  serverId: number | null;
  tool: string;
  description: string | null;
  arguments: unknown;
  risk: RiskAssessment;
  receivedAt: number;
  deadline: number;
  /** Set when the tool's definition changed since the user last reviewed it. */
  definitionChanged: boolean;
  /** Why the gate asks a person rather than deciding (a rule, critical risk, the default policy). */
  askReasons: string[];
  /**
   * A number in the arguments, as the agent wrote it, that editing would change (past what a
   * JSON parser keeps: 12345678901234567890): the call cannot be edited, only approved or denied
   * as sent. Absent when there is none.
   */
  inexactNumber?: string;
}

export interface HistoryRow {
  id: number;
  at: number;
  host: string;
  server: string;
  serverId: number | null;
  tool: string;
  /** What the agent asked. */
  arguments: unknown;
  /** What the person approved instead (Edit, then approve); null = not edited. */
  approvedArguments: unknown | null;
  risk: RiskLevel;
  reasons: RiskReason[];
  decision: DecisionKind;
  decidedBy: DecidedBy | null;
  ruleId: number | null;
  message: string | null;
  /** Observe mode: what would have been decided (allow, deny or ask). */
  wouldHave: 'allow' | 'deny' | 'ask' | null;
  latencyMs: number | null;
  outcome: { isError: boolean; durationMs: number; size: number } | null;
  /** What came back (recorded since results are); null for older rows and unanswered calls. */
  result: RecordedResult | null;
}

/** A call's result as History keeps it: a digest and a bounded, masked excerpt, never all of it. */
export interface RecordedResult {
  /** SHA-256 (hex) of the response exactly as the host received it. */
  sha256: string;
  /** The start of its text, secrets masked, as long as the excerpt setting allows. */
  excerpt: string;
  /** Characters of text in the whole result. */
  chars: number;
  /** What the result scan found (instructions to the model, hidden text…); null: nothing. */
  risk: RiskLevel | null;
  findings: RiskReason[];
  /** When the result was held for review: what became of it, and who decided. */
  review?: {
    verdict: ResultVerdictKind;
    decidedBy: 'user' | 'timeout' | 'policy' | 'host' | 'gate';
    at: number;
    message: string | null;
  } | null;
}

/** A held result: passed as it is, passed with secrets masked, or replaced by an error. */
export type ResultVerdictKind = 'pass' | 'redact' | 'replace';
/** Which results of a tool are held for review ('off': none). */
export type ReviewResultsMode = 'off' | 'flagged' | 'all';

/** A result held for a person's review before it reaches the agent. */
export interface ResultReview {
  /** The call's id (its History row). */
  id: number;
  sessionId: string;
  host: string;
  server: string;
  serverId: number | null;
  tool: string;
  arguments: unknown;
  /** Why it is held: every result of the tool, or this one the scan flagged. */
  mode: 'flagged' | 'all';
  /** Size of the response in bytes, and the digest of it. */
  size: number;
  sha256: string;
  isError: boolean;
  /** Characters of text in the whole result. */
  chars: number;
  /** What the agent would read (the start of it), secrets masked for showing. */
  preview: string;
  /** Whether `preview` holds secrets the redacted pass would mask. */
  hasSecrets: boolean;
  risk: RiskLevel | null;
  findings: RiskReason[];
  receivedAt: number;
  deadline: number;
}

export interface HistoryQuery {
  server?: string;
  tool?: string;
  decision?: DecisionKind;
  risk?: RiskLevel;
  search?: string;
  since?: number;
  until?: number;
  limit?: number;
  /** Keyset pagination: rows with id below this. */
  beforeId?: number;
}
