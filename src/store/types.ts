// Shapes the store adds to the shared contract (src/contract/types.ts).
import type {
  DecidedBy,
  DecisionKind,
  RiskAssessment,
  RiskLevel,
  RiskReason,
  ServerIdentity,
} from '../contract/types';

export interface ServerRow {
  id: number;
  identity: ServerIdentity;
  firstSeen: number;
  lastSeen: number;
  /** What decided the code it ran when last seen (command path, env…); null before any. */
  facts: Record<string, string> | null;
  /** What differs from the facts the user accepted: its allow rules wait for a review. */
  identityChanges: { fact: string; before: string | null; after: string | null }[];
}

/** A gated call as received, before any decision. */
export interface CallStart {
  at: number;
  sessionId: string;
  host: string;
  serverId: number | null;
  server: string;
  tool: string;
  /** Exactly the bytes shown and approved; stored as is. Falls back to JSON of `arguments`. */
  argumentsRaw?: string;
  arguments?: unknown;
  risk: RiskAssessment;
}

export interface CallDecision {
  kind: DecisionKind;
  decidedBy: DecidedBy | null;
  ruleId: number | null;
  message: string | null;
  at: number;
  /** Observe mode: what the decision would have been. */
  wouldHave?: string | null;
  /** Edit, then approve: the exact JSON text of the arguments approved instead of the agent's. */
  approvedArgumentsRaw?: string | null;
}

export interface CallOutcome {
  isError: boolean;
  durationMs: number;
  size: number;
  /** What came back, when the shim reported it (older shims report only the outcome). */
  result?: CallResult;
}

/** What a person (or the timeout) made of a result held for review. */
export interface ResultReviewRecord {
  verdict: 'pass' | 'redact' | 'replace';
  decidedBy: 'user' | 'timeout' | 'policy' | 'host' | 'gate';
  at: number;
  message: string | null;
}

/** A result as recorded: never the whole text, only a bounded, masked excerpt of it. */
export interface CallResult {
  /** SHA-256 (hex) of the response line exactly as the host received it. */
  sha256: string;
  /** The start of the result's text, secrets masked, within the excerpt setting. */
  excerpt: string;
  /** Characters of text in the whole result (more than the excerpt when it was cut). */
  chars: number;
  /** The highest level the result scan found; null when it found nothing. */
  risk: RiskLevel | null;
  findings: RiskReason[];
}

export type VerifyResult =
  | {
      ok: true;
      rows: number;
      calls: number;
      /** The head file beside the database: it matches, there is none yet, or it names a pruned row. */
      anchor: 'matches' | 'missing' | 'pruned-past';
    }
  | {
      ok: false;
      /** First event row found bad; null when the problem is a call row with no event at all. */
      firstBadSeq: number | null;
      /** Set when the problem is a call row disagreeing with (or missing from) the chain. */
      callId?: number;
      problem: string;
    };

export interface PruneResult {
  calls: number;
  events: number;
  /** Seq of the 'pruned' event, or null when nothing was old enough to prune. */
  seq: number | null;
}

export interface DayStat {
  day: string;
  decision: DecisionKind;
  n: number;
}

export interface ToolCount {
  server: string;
  tool: string;
  n: number;
}
