// What became of a call once it ran: its outcome and a bounded, scanned excerpt of its result,
// recorded in the next batch (the call was answered long ago, and its decision is committed; an
// outcome is worth no fsync of its own). A result the shim holds goes to review.
import type { RiskAssessment } from '../contract/types';
import type { Store } from '../store/store';
import type { CallOutcome } from '../store/types';
import { callStart, type SessionRef } from './callRecords';
import type { DeferredWrites } from './deferredWrites';
import type { KnownDomains } from './knownDomains';
import { HeldScans, withFullScan } from './heldScans';
import { recordResult } from './resultRecord';
import type { ResultReviewDesk } from './resultReviewDesk';
import type { ShimSession } from './session';
import type { GateSettings } from './settings';
import { readToolCall } from './toolCall';
import type { OfflineCall, ShimMessage } from './wire';

type OutcomeMsg = Extract<ShimMessage, { t: 'outcome' }>;
type ResultPartMsg = Extract<ShimMessage, { t: 'resultPart' }>;

export interface OutcomeDeps {
  store: () => Store;
  settings: () => GateSettings;
  writes: DeferredWrites;
  known: KnownDomains;
  reviews: ResultReviewDesk;
  announce: (callId: number) => void;
  /** The scan found something in this call's result (a notice for the person). */
  resultFlagged?: (callId: number) => void;
}

export class Outcomes {
  private readonly held = new HeldScans();

  constructor(private readonly deps: OutcomeDeps) {}

  /**
   * A part of the text of a result held for review, sent just before its report. Scanned only
   * for a result the gate asked to be held: scanning costs the gate, and no other is judged.
   */
  resultPart(session: ShimSession, msg: ResultPartMsg): void {
    if (!this.deps.reviews.awaits(session, msg.rid)) return;
    this.held.part(session, msg.rid, msg.text, this.deps.known.list);
  }

  outcome(session: ShimSession, msg: OutcomeMsg): void {
    const { deps } = this;
    const rid = msg.rid;
    const outcome: CallOutcome = {
      isError: msg.isError,
      durationMs: msg.durationMs,
      size: msg.size,
    };
    const scanned = this.held.take(session, rid);
    if (!msg.held) deps.reviews.forget(session, rid);
    if (msg.digest !== undefined) {
      // Excerpt and scan from the shim's bounded sample: never more than ~64K characters here.
      outcome.result = recordResult(
        { digest: msg.digest, sample: msg.sample ?? '', textChars: msg.textChars ?? 0 },
        deps.settings().resultExcerptChars,
        deps.known.list,
      );
      // A held result is judged on all of its text, scanned in parts as it came.
      if (msg.held) outcome.result = withFullScan(outcome.result, msg.parts, scanned);
    }
    // Raised once the write's transaction is over (the notice reads the committed row; a write
    // that was rolled back leaves no row with a result, and so no notice).
    const flagged = (id: number): void => {
      if (outcome.result?.risk) setImmediate(() => deps.resultFlagged?.(id));
    };
    const write = (id: number): void => {
      deps.store().calls.outcome(id, outcome);
      deps.announce(id);
      flagged(id);
    };
    // The call is taken now, as the outcome arrives: the request number names it now, and may
    // name a newer call by the time the outcome's batch runs (a host may reuse its ids).
    const observed = deps.writes.takeObserved(session, rid);
    if (observed) {
      if (observed.id === null) {
        // Its row waits for its batch (again, if a batch that wrote it was rolled back):
        // written with its outcome.
        observed.outcome = outcome;
        observed.flagged = flagged;
      } else {
        const id = observed.id;
        deps.writes.inOrder('the outcome of a call', () => write(id));
      }
      // Never asked to be held (observe mode holds nothing); a shim that holds it anyway gets
      // an answer all the same, so nothing waits forever.
      if (msg.held) deps.reviews.review(session, msg, observed.id ?? undefined, outcome.result);
      return;
    }
    const callId = session.calls.get(rid);
    session.calls.delete(rid);
    if (callId !== undefined) deps.writes.inOrder('the outcome of a call', () => write(callId));
    if (msg.held) deps.reviews.review(session, msg, callId, outcome.result);
  }
}

/**
 * Calls the shim denied while the gate was unreachable, in one transaction (they were denied
 * long ago: one fsync records them all). Returns the ids of the rows written. The session may
 * be one that has ended (its shim wrote them down: offlineSpools.ts).
 */
export function recordOffline(store: Store, session: SessionRef, calls: OfflineCall[]): number[] {
  const ids: number[] = [];
  store.transaction(() => {
    for (const c of calls) {
      const call = readToolCall(c.line);
      if (!call) continue;
      const risk: RiskAssessment = { level: 'medium', reasons: [] };
      ids.push(
        store.calls.record(callStart(session, call, c.at, risk), {
          kind: 'unreachable',
          decidedBy: null,
          ruleId: null,
          message: c.reason,
          at: c.at,
        }),
      );
    }
  });
  return ids;
}
