// Results held for a person: each waits until a verdict (pass, pass redacted, replace with an
// error), the timeout (which REPLACES it: a result nobody looked at never reaches the agent),
// the host withdrawing the call, or its shim going away. Like the approval broker, for results.
import { EventEmitter } from 'node:events';
import type { ResultReview, ResultVerdictKind } from '../contract/types';
import type { ResultReviewRecord } from '../store/types';

export type ReviewRequest = Omit<ResultReview, 'deadline' | 'receivedAt'>;

export interface ReviewResolution extends ResultReviewRecord {
  /** Nobody is left to answer (the host withdrew the call, or the shim is gone). */
  cancelled: boolean;
}

interface Waiting {
  review: ResultReview;
  /** The shim's request number, for a cancellation from the host. */
  rid: number;
  timer: NodeJS.Timeout;
  resolve: (r: ReviewResolution) => void;
}

/** Held results at once, in all: past this a new one is replaced at once (a flood). */
export const MAX_HELD_RESULTS = 200;

export class ResultReviews extends EventEmitter<{ changed: [] }> {
  private readonly waiting = new Map<number, Waiting>();

  constructor(
    private readonly timeoutMs: () => number,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  get size(): number {
    return this.waiting.size;
  }

  /** Hold a result until it is resolved; `resolve` runs exactly once. */
  hold(request: ReviewRequest, rid: number, resolve: (r: ReviewResolution) => void): ResultReview {
    if (this.waiting.has(request.id)) throw new Error(`result ${request.id} is already held`);
    const receivedAt = this.now();
    const timeout = this.timeoutMs();
    const review: ResultReview = { ...request, receivedAt, deadline: receivedAt + timeout };
    const timer = setTimeout(
      () =>
        this.settle(
          review.id,
          'replace',
          'timeout',
          `no decision within ${Math.round(timeout / 1000)} seconds`,
        ),
      timeout,
    );
    timer.unref?.();
    this.waiting.set(review.id, { review, rid, timer, resolve });
    this.emit('changed');
    return review;
  }

  /** A person's verdict. False when the result is no longer held. */
  decide(id: number, verdict: ResultVerdictKind, message?: string | null): boolean {
    return this.settle(id, verdict, 'user', message?.trim() ? message.trim() : null);
  }

  /** The host withdrew the call, or its shim went away: nobody to answer. */
  cancel(id: number, reason: string): boolean {
    return this.settle(id, 'replace', 'host', reason, true);
  }

  /** The host withdrew request `rid` of this session. */
  cancelRequest(sessionId: string, rid: number, reason: string): boolean {
    for (const w of this.waiting.values())
      if (w.review.sessionId === sessionId && w.rid === rid)
        return this.cancel(w.review.id, reason);
    return false;
  }

  cancelSession(sessionId: string, reason: string): void {
    for (const w of [...this.waiting.values()])
      if (w.review.sessionId === sessionId) this.cancel(w.review.id, reason);
  }

  /** The gate is stopping: every held result is replaced, never passed. */
  interruptAll(reason: string): void {
    for (const id of [...this.waiting.keys()]) this.settle(id, 'replace', 'gate', reason);
  }

  /** Oldest first. */
  list(): ResultReview[] {
    return [...this.waiting.values()]
      .map((w) => w.review)
      .sort((a, b) => a.receivedAt - b.receivedAt || a.id - b.id);
  }

  private settle(
    id: number,
    verdict: ResultVerdictKind,
    decidedBy: ResultReviewRecord['decidedBy'],
    message: string | null,
    cancelled = false,
  ): boolean {
    const w = this.waiting.get(id);
    if (!w) return false;
    this.waiting.delete(id);
    clearTimeout(w.timer);
    w.resolve({ verdict, decidedBy, at: this.now(), message, cancelled });
    this.emit('changed');
    return true;
  }
}

/** The text the agent reads in place of a replaced result. */
export function replacementText(r: Pick<ResultReviewRecord, 'decidedBy' | 'message'>): string {
  if (r.decidedBy === 'user')
    return `Withheld by the user in Airlock: the result was not passed on${r.message ? `. ${r.message}` : '.'}`;
  return `Withheld by Airlock: ${r.message ?? 'the result was not reviewed'}, so the result was not passed on.`;
}
