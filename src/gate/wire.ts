// The shim ↔ gate protocol, in one place: every message either side may put on the local
// socket, as a zod schema, with the TypeScript types inferred from it. The gate parses every
// message it receives with these schemas; an unknown or malformed message closes that
// connection. The shim must start fast and never loads zod: it checks what the gate sends
// with the hand-written validator in wireCheck.ts, which a test holds to these schemas.
//
// After the handshake every line is sealed (see seal.ts): authenticated with the session key
// and numbered per direction, so a relay on the socket can neither inject nor replay.
import { z } from 'zod';
import {
  DECISION_KINDS,
  RISK_LEVELS,
  type DecidedBy,
  type DecisionKind,
  type PendingCall,
  type ResultReview,
  type RiskLevel,
  type ToolDefinition,
} from '../contract/types';
import { INEXACT_NUMBER_MAX_CHARS } from '../contract/exactNumbers';
import { SETTING_RANGES } from '../contract/settingRanges';
import { requestSchemas } from '../contract/ipc';
import { RESULT_MESSAGE_MAX_CHARS } from './wireLimits';

export { WIRE_VERSION } from './wireVersion';
export { RESULT_MESSAGE_MAX_CHARS } from './wireLimits';

const text = (max: number): z.ZodString => z.string().max(max);
/** The shim's request number for a call (never the host's JSON-RPC id). */
const rid = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const nonce = z.string().regex(/^[0-9a-f]{32}$/);
const time = z.number().int().nonnegative();
const verdict = z.enum(['allow', 'deny']);
/** Which results of an allowed call are held for a person. */
const reviewMode = z.enum(['flagged', 'all']);
/** A held result: passed as it is, passed with secrets masked, or replaced by an error. */
const resultVerdict = z.enum(['pass', 'redact', 'replace']);
/** The result sample's bound: the shim's head and tail, and the gap marker between them. */
export const RESULT_SAMPLE_MAX_CHARS = 64 * 1024 + 16;
/** A part of the text of a held result (shim/resultScanParts.ts). */
export const RESULT_PART_MAX_CHARS = 256 * 1024;
/** Parts of one held result at most: what the gate scans for one result is bounded. */
export const RESULT_PARTS_MAX = 32;
/** A host request line; the gate applies the host-side limit itself when it parses it. */
const requestLine = z.string().max(64 * 1024 * 1024);

// ---------------------------------------------------------------------------------------------
// Handshake (plain JSON lines, before the session key exists)

export const challengeSchema = z.strictObject({
  t: z.literal('challenge'),
  v: z.number().int(),
  nonce,
});
export const authSchema = z.strictObject({
  t: z.literal('auth'),
  role: z.enum(['shim', 'control']),
  nonce,
  proof: hex64,
});
export const welcomeSchema = z.strictObject({ t: z.literal('welcome'), proof: hex64 });
export const refusedSchema = z.strictObject({ t: z.literal('refused'), reason: text(500) });
export const gateHandshakeSchema = z.discriminatedUnion('t', [
  challengeSchema,
  welcomeSchema,
  refusedSchema,
]);
export type GateHandshake = z.infer<typeof gateHandshakeSchema>;

// ---------------------------------------------------------------------------------------------
// Shim → gate

/** What the shim runs, as it runs it: the facts the server's identity is made of. */
export const sessionInfoSchema = z.strictObject({
  server: text(500),
  host: text(100),
  /** The command as the host wrote it. */
  command: text(4096),
  args: z.array(text(16 * 1024)).max(1000),
  cwd: text(4096),
  pid: z.number().int().nonnegative(),
  /** The command resolved the way the shim spawns it (PATH lookup, symlinks); null if not found. */
  commandPath: text(4096).nullable().optional(),
  /** Environment variables that change which code runs (NODE_OPTIONS, LD_PRELOAD…), as set. */
  codeEnv: z.record(text(200), text(8192)).optional(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

// Loose: every key the server sent stays (the definition's hash covers all of it); the fields
// the gate reads are checked. Typed as the contract's ToolDefinition, which it checks.
const toolDefinitionSchema = z.looseObject({
  name: text(1000),
  title: text(10_000).optional(),
  description: text(1024 * 1024).optional(),
  inputSchema: z.unknown().optional(),
  outputSchema: z.unknown().optional(),
  annotations: z
    .looseObject({
      title: text(10_000).optional(),
      readOnlyHint: z.boolean().optional(),
      destructiveHint: z.boolean().optional(),
      idempotentHint: z.boolean().optional(),
      openWorldHint: z.boolean().optional(),
    })
    .optional(),
}) as unknown as z.ZodType<ToolDefinition>;

export const shimMessageSchema = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('session'), ...sessionInfoSchema.shape }),
  z.strictObject({ t: z.literal('tools'), tools: z.array(toolDefinitionSchema).max(10_000) }),
  z.strictObject({ t: z.literal('roots'), roots: z.array(text(4096)).max(1000) }),
  /** `line` is the exact request text the host sent; the gate parses it itself. */
  z.strictObject({ t: z.literal('ask'), rid, line: requestLine, digest: hex64 }),
  /** Observe mode: the call went ahead already; record it. */
  z.strictObject({ t: z.literal('observed'), rid, line: requestLine, digest: hex64 }),
  z.strictObject({ t: z.literal('cancel'), rid, reason: text(2000) }),
  z.strictObject({
    t: z.literal('outcome'),
    rid,
    isError: z.boolean(),
    durationMs: z.number().nonnegative(),
    size: z.number().int().nonnegative(),
    /** SHA-256 of the response line exactly as the host received it. */
    digest: hex64.optional(),
    /** Head and tail of the result's text, bounded by the shim (see shim/resultSample.ts). */
    sample: text(RESULT_SAMPLE_MAX_CHARS).optional(),
    /** Characters of text in the whole result. */
    textChars: z.number().int().nonnegative().optional(),
    /** The shim holds this result for review (the gate told it to): answer with resultVerdict. */
    held: z.literal(true).optional(),
    /** A held result: this many resultParts of its text came before (none: too much to send). */
    parts: z.number().int().nonnegative().max(RESULT_PARTS_MAX).optional(),
  }),
  /** Part of the text of a held result, for the scan (its outcome, held, follows the parts). */
  z.strictObject({ t: z.literal('resultPart'), rid, text: text(RESULT_PART_MAX_CHARS) }),
  /** Calls the shim denied while the gate was unreachable, reported once it is back. */
  z.strictObject({
    t: z.literal('offline'),
    calls: z
      .array(z.strictObject({ at: time, line: text(64 * 1024), reason: text(2000) }))
      .max(100),
  }),
  /** The shim dropped something the server sent (an unasked answer, a banner…): record it. */
  z.strictObject({ t: z.literal('dropped'), what: text(2000) }),
  /** What the server reported about itself at initialize: part of its identity. */
  z.strictObject({ t: z.literal('serverInfo'), name: text(500), version: text(200) }),
]);
export type ShimMessage = z.infer<typeof shimMessageSchema>;
/** One call a shim denied while the gate was unreachable, as it reports it. */
export type OfflineCall = Extract<ShimMessage, { t: 'offline' }>['calls'][number];

// ---------------------------------------------------------------------------------------------
// Gate → shim

export const gateMessageSchema = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('held'), rid, deadline: time }),
  z.strictObject({
    t: z.literal('decision'),
    rid,
    verdict,
    text: text(10_000),
    mac: hex64,
    /**
     * Edit, then approve: forward the held line with `params.arguments` replaced by `args` (the
     * exact JSON text), and only if the rebuilt line hashes to `digest` (auth.editedDecisionMac).
     */
    edit: z.strictObject({ args: requestLine, digest: hex64 }).optional(),
  }),
  z.strictObject({ t: z.literal('disabled'), tools: z.array(text(1000)).max(10_000) }),
  /** Whether calls may go ahead without asking (observe mode, not paused). */
  z.strictObject({ t: z.literal('mode'), observe: z.boolean() }),
  /**
   * Sent just before an allow decision: hold this call's result for review (every result, or
   * only one the scan flags) and report it with `held`.
   */
  z.strictObject({ t: z.literal('review'), rid, mode: reviewMode }),
  /** A held result waits for a person until `deadline` (the shim's backstop timer). */
  z.strictObject({ t: z.literal('resultHeld'), rid, deadline: time }),
  /** What becomes of a held result; `mac` binds it to the result's digest (see auth.ts). */
  z.strictObject({
    t: z.literal('resultVerdict'),
    rid,
    verdict: resultVerdict,
    text: text(10_000),
    mac: hex64,
  }),
]);
export type ReviewMode = z.infer<typeof reviewMode>;
export type ResultVerdict = z.infer<typeof resultVerdict>;
export type GateMessage = z.infer<typeof gateMessageSchema>;
export type Verdict = z.infer<typeof verdict>;

// ---------------------------------------------------------------------------------------------
// Control clients (the CLI's pending/approve/deny/status/settings) ⇄ gate

const req = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const settingsPatchSchema = z.strictObject({
  mode: z.enum(['ask', 'observe']).optional(),
  paused: z.boolean().optional(),
  timeoutSeconds: z
    .number()
    .int()
    .min(SETTING_RANGES.timeoutSeconds.min)
    .max(SETTING_RANGES.timeoutSeconds.max)
    .optional(),
  // Kept as null for "keep everything", so a stored 0 is refused.
  retentionDays: z
    .number()
    .int()
    .min(1)
    .max(SETTING_RANGES.retentionDays.max)
    .nullable()
    .optional(),
  resultExcerptChars: z
    .number()
    .int()
    .min(SETTING_RANGES.resultExcerptChars.min)
    .max(SETTING_RANGES.resultExcerptChars.max)
    .optional(),
});

/**
 * Changes the CLI makes through a running gate, so the gate's caches and an open app hear of
 * them at once. Each carries the very payload the app's IPC channel of the same name takes
 * (src/contract/ipc.ts), and the gate checks it the way the app does (see controlChanges.ts).
 */
const changeRequestSchemas = [
  z.strictObject({
    t: z.literal('addRule'),
    req,
    rule: requestSchemas.addRule,
    /** The person said yes to a rule that lets every tool on every server through. */
    confirmed: z.boolean().optional(),
  }),
  z.strictObject({
    t: z.literal('updateRule'),
    req,
    ...requestSchemas.updateRule.shape,
    confirmed: z.boolean().optional(),
  }),
  z.strictObject({ t: z.literal('removeRule'), req, ...requestSchemas.removeRule.shape }),
  z.strictObject({ t: z.literal('setToolEnabled'), req, ...requestSchemas.setToolEnabled.shape }),
  z.strictObject({
    t: z.literal('markToolReviewed'),
    req,
    ...requestSchemas.markToolReviewed.shape,
  }),
  z.strictObject({
    t: z.literal('reviewServerIdentity'),
    req,
    ...requestSchemas.reviewServerIdentity.shape,
  }),
  z.strictObject({
    t: z.literal('setToolReviewResults'),
    req,
    ...requestSchemas.setToolReviewResults.shape,
  }),
] as const;

export const controlRequestSchema = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('pending'), req }),
  z.strictObject({
    t: z.literal('decide'),
    req,
    id: z.number().int().positive(),
    verdict,
    message: text(10_000).optional(),
    /** `approve ID --args`: approve with these arguments instead (checked by the gate). */
    args: z.unknown().optional(),
  }),
  /**
   * `airlock result ID pass|redact|replace`: a person's verdict on a held result, as the popup
   * gives it (the message, as long as the app's IPC takes, goes to the agent with a replace).
   */
  z.strictObject({
    t: z.literal('decideResult'),
    req,
    id: z.number().int().positive(),
    verdict: resultVerdict,
    message: text(RESULT_MESSAGE_MAX_CHARS).optional(),
  }),
  z.strictObject({ t: z.literal('status'), req }),
  z.strictObject({ t: z.literal('settings'), req, patch: settingsPatchSchema }),
  ...changeRequestSchemas,
]);
export type ControlRequest = z.infer<typeof controlRequestSchema>;
export type ChangeRequest = Extract<
  ControlRequest,
  {
    t:
      | 'addRule'
      | 'updateRule'
      | 'removeRule'
      | 'setToolEnabled'
      | 'markToolReviewed'
      | 'reviewServerIdentity'
      | 'setToolReviewResults';
  }
>;

const riskLevel = z.enum(RISK_LEVELS as [RiskLevel, ...RiskLevel[]]);
const pendingCallSchema = z.object({
  id: z.number().int(),
  sessionId: z.string(),
  host: z.string(),
  server: z.string(),
  serverId: z.number().int().nullable(),
  tool: z.string(),
  description: z.string().nullable(),
  arguments: z.unknown(),
  risk: z.object({
    level: riskLevel,
    reasons: z.array(z.object({ code: z.string(), level: riskLevel, text: z.string() })),
  }),
  receivedAt: time,
  deadline: time,
  definitionChanged: z.boolean(),
  askReasons: z.array(z.string()),
  inexactNumber: z.string().max(INEXACT_NUMBER_MAX_CHARS).optional(),
}) satisfies z.ZodType<PendingCall>;

/** A result held for review, as `airlock pending` lists it (extra keys are dropped). */
const resultReviewSchema = z.object({
  id: z.number().int(),
  sessionId: z.string(),
  host: z.string(),
  server: z.string(),
  serverId: z.number().int().nullable(),
  tool: z.string(),
  arguments: z.unknown(),
  mode: reviewMode,
  size: z.number().int().nonnegative(),
  sha256: z.string(),
  isError: z.boolean(),
  chars: z.number().int().nonnegative(),
  preview: z.string(),
  hasSecrets: z.boolean(),
  risk: riskLevel.nullable(),
  findings: z.array(z.object({ code: z.string(), level: riskLevel, text: z.string() })),
  receivedAt: time,
  deadline: time,
}) satisfies z.ZodType<ResultReview>;

/** What became of a result that is no longer held (from the record). */
const settledResultSchema = z.strictObject({
  verdict: resultVerdict,
  decidedBy: z.enum(['user', 'timeout', 'policy', 'host', 'gate']),
  at: time,
  message: text(10_000).nullable(),
}) satisfies z.ZodType<SettledResult>;

export interface SettledResult {
  verdict: ResultVerdict;
  decidedBy: 'user' | 'timeout' | 'policy' | 'host' | 'gate';
  at: number;
  message: string | null;
}

/** How a call that is no longer waiting was decided (from the record). */
const settledCallSchema = z.strictObject({
  decision: z.enum(DECISION_KINDS as [DecisionKind, ...DecisionKind[]]),
  decidedBy: z.enum(['user', 'rule', 'policy', 'timeout', 'host', 'gate']).nullable(),
  ruleId: z.number().int().nullable(),
  message: text(10_000).nullable(),
  /** When it was decided (ms since the epoch); null when the record does not say. */
  decidedAt: time.nullable(),
}) satisfies z.ZodType<SettledCall>;

export interface SettledCall {
  decision: DecisionKind;
  decidedBy: DecidedBy | null;
  ruleId: number | null;
  message: string | null;
  decidedAt: number | null;
}

export const controlResponseSchema = z.discriminatedUnion('t', [
  z.strictObject({
    t: z.literal('pending'),
    req,
    calls: z.array(pendingCallSchema),
    /** Results held for review, oldest first (absent from a gate older than this field). */
    results: z.array(resultReviewSchema).optional(),
  }),
  z.strictObject({ t: z.literal('ok'), req }),
  /** A rule added or changed through the gate: its id in the record. */
  z.strictObject({ t: z.literal('saved'), req, id: z.number().int().positive() }),
  z.strictObject({
    t: z.literal('status'),
    req,
    mode: z.string(),
    pending: z.number().int().nonnegative(),
    sessions: z.number().int().nonnegative(),
    dataDir: z.string(),
    pid: z.number().int(),
  }),
  z.strictObject({
    t: z.literal('error'),
    req,
    message: text(10_000),
    /** A `decide` for a call no longer waiting: what became of it. */
    settled: settledCallSchema.optional(),
    /** A `decideResult` for a result no longer held: what became of it. */
    review: settledResultSchema.optional(),
  }),
]);
export type ControlResponse = z.infer<typeof controlResponseSchema>;
