// Results held for a person (review results): the desk tells the shim, before it forwards an
// allowed call, whether to hold its result; when the result comes back held, it passes it at
// once (mode "flagged", nothing flagged) or a person decides. Whatever happens, the shim gets a
// verdict bound to the result's digest; a timeout, a cancellation or a failure replace it.
import type { Store } from '../store/store';
import type { CallResult, ResultReviewRecord } from '../store/types';
import { resultMac } from './auth';
import type { DeferredWrites } from './deferredWrites';
import { observing } from './observePath';
import { excerptOf } from './resultRecord';
import { MAX_HELD_RESULTS, replacementText, type ResultReviews } from './resultReviews';
import type { ShimSession } from './session';
import type { GateSettings } from './settings';
import type { ToolCall } from './toolCall';
import type { ResultVerdict, ReviewMode, ShimMessage } from './wire';

type OutcomeMsg = Extract<ShimMessage, { t: 'outcome' }>;

/** Review modes sent to a shim for calls whose result has not come yet, per session. */
const MAX_REVIEWS_PER_SESSION = 10_000;
/** Characters of a held result shown to the person who reviews it. */
const REVIEW_PREVIEW_CHARS = 16 * 1024;

export interface ResultReviewDeps {
  store: () => Store;
  settings: () => GateSettings;
  writes: DeferredWrites;
  announce: (callId: number) => void;
  /** Results held for a person; without it, nothing is held. */
  results?: ResultReviews;
  /** Which results of this tool are held for review; null holds none. */
  reviewModeOf?: (serverId: number | null, tool: string) => ReviewMode | null;
}

export class ResultReviewDesk {
  /** Calls allowed with review results on, waiting for their result (by session, rid). */
  private readonly reviewing = new WeakMap<
    ShimSession,
    Map<number, { mode: ReviewMode; call: ToolCall }>
  >();
  /** Allow rules that hold results: the mode of the rule that let each call through. */
  private readonly ruleReviews = new WeakMap<ShimSession, Map<number, ReviewMode>>();

  constructor(private readonly deps: ResultReviewDeps) {}

  /** The allow rule about to let this call through holds its results this way. */
  ruleHolds(session: ShimSession, rid: number, mode: ReviewMode): void {
    let byRid = this.ruleReviews.get(session);
    if (!byRid) this.ruleReviews.set(session, (byRid = new Map()));
    if (byRid.size >= MAX_REVIEWS_PER_SESSION) byRid.clear();
    byRid.set(rid, mode);
  }

  /** An allow is about to be sent: tell the shim first whether to hold the result. */
  beforeAllow(session: ShimSession, rid: number, call: ToolCall): void {
    const byRule = this.ruleReviews.get(session)?.get(rid) ?? null;
    this.ruleReviews.get(session)?.delete(rid);
    const byTool = this.deps.reviewModeOf?.(session.serverId, call.tool) ?? null;
    // The stricter of the two: "all" holds every result, "flagged" the flagged ones.
    const mode = byRule === 'all' || byTool === 'all' ? 'all' : (byRule ?? byTool);
    if (!mode || !this.deps.results) return;
    // Observe mode never blocks: results go through as they come (they are still scanned).
    if (observing(this.deps.settings())) return;
    let waiting = this.reviewing.get(session);
    if (!waiting) this.reviewing.set(session, (waiting = new Map()));
    if (waiting.size >= MAX_REVIEWS_PER_SESSION) {
      const [oldest] = waiting.keys();
      if (oldest !== undefined) waiting.delete(oldest);
    }
    waiting.set(rid, { mode, call });
    session.channel.send({ t: 'review', rid, mode });
  }

  /** The gate told the shim to hold this call's result, and it has not come yet. */
  awaits(session: ShimSession, rid: number): boolean {
    return this.reviewing.get(session)?.has(rid) ?? false;
  }

  /** The result came, not held (withdrawn by the host, or withheld by the shim): none to await. */
  forget(session: ShimSession, rid: number): void {
    this.reviewing.get(session)?.delete(rid);
  }

  /** A result the shim holds for review. */
  review(
    session: ShimSession,
    msg: OutcomeMsg,
    callId: number | undefined,
    result: CallResult | undefined,
  ): void {
    const rid = msg.rid;
    const digest = msg.digest ?? '';
    const verdictOut = (verdict: ResultVerdict, text: string): void =>
      session.channel.send({
        t: 'resultVerdict',
        rid,
        verdict,
        text,
        mac: resultMac(session.key, rid, digest, verdict),
      });
    const asked = this.reviewing.get(session)?.get(rid);
    this.reviewing.get(session)?.delete(rid);
    const results = this.deps.results;
    // Held without the gate asking (or a result with no digest): nothing to review, and a
    // result the gate cannot vouch for is not passed.
    if (!asked || !results || !result || callId === undefined)
      return verdictOut(
        'replace',
        replacementText({ decidedBy: 'gate', message: 'the result could not be reviewed' }),
      );
    const record = (r: ResultReviewRecord): void =>
      this.deps.writes.inOrder('the review of a result', () => {
        this.deps.store().calls.reviewResult(callId, r);
        this.deps.announce(callId);
      });
    if (asked.mode === 'flagged' && !result.risk) {
      record({ verdict: 'pass', decidedBy: 'policy', at: Date.now(), message: 'nothing flagged' });
      return verdictOut('pass', '');
    }
    if (results.size >= MAX_HELD_RESULTS) {
      const r = {
        verdict: 'replace' as const,
        decidedBy: 'gate' as const,
        at: Date.now(),
        message: 'too many results are waiting for review',
      };
      record(r);
      return verdictOut('replace', replacementText(r));
    }
    const preview = (msg.sample ?? '').slice(0, REVIEW_PREVIEW_CHARS);
    const shown = excerptOf(preview, REVIEW_PREVIEW_CHARS);
    const held = results.hold(
      {
        id: callId,
        sessionId: session.id,
        host: session.info?.host ?? '',
        server: session.info?.server ?? '',
        serverId: session.serverId,
        tool: asked.call.tool,
        arguments: asked.call.arguments,
        mode: asked.mode,
        size: msg.size,
        sha256: digest,
        isError: msg.isError,
        chars: msg.textChars ?? 0,
        preview: shown,
        hasSecrets: shown !== preview,
        risk: result.risk,
        findings: result.findings,
      },
      rid,
      (r) => {
        const { cancelled, ...kept } = r;
        record(kept);
        if (cancelled) return; // nobody left to answer
        verdictOut(r.verdict, r.verdict === 'replace' ? replacementText(r) : '');
      },
    );
    session.channel.send({ t: 'resultHeld', rid, deadline: held.deadline });
  }
}
