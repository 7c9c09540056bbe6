// The approval broker: calls waiting for a person. Each waits until a decision, a timeout
// (which denies and says so), a cancellation by the host, or its shim going away.
import { EventEmitter } from 'node:events';
import type { DecidedBy, DecisionKind, PendingCall } from '../contract/types';

export interface Resolution {
  verdict: 'allow' | 'deny';
  kind: DecisionKind;
  decidedBy: DecidedBy;
  message: string | null;
  /** How long the call waited, in ms. */
  latencyMs: number;
}

interface Waiting {
  call: PendingCall;
  timer: NodeJS.Timeout;
  resolve: (r: Resolution) => void;
}

export type HoldRequest = Omit<PendingCall, 'deadline' | 'receivedAt'>;

export class ApprovalBroker extends EventEmitter {
  private readonly waiting = new Map<number, Waiting>();

  constructor(
    private readonly timeoutMs: () => number,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  /** Hold a call until it is resolved; `resolve` runs exactly once. */
  hold(request: HoldRequest, resolve: (r: Resolution) => void): PendingCall {
    if (this.waiting.has(request.id)) throw new Error(`call ${request.id} is already waiting`);
    const receivedAt = this.now();
    const timeout = this.timeoutMs();
    const call: PendingCall = { ...request, receivedAt, deadline: receivedAt + timeout };
    const timer = setTimeout(
      () =>
        this.settle(call.id, {
          verdict: 'deny',
          kind: 'timed-out',
          decidedBy: 'timeout',
          message: `no decision within ${Math.round(timeout / 1000)} seconds`,
        }),
      timeout,
    );
    timer.unref?.();
    this.waiting.set(call.id, { call, timer, resolve });
    this.emit('changed');
    return call;
  }

  /** A person's decision. False when the call is no longer waiting. */
  decide(id: number, verdict: 'allow' | 'deny', message?: string | null): boolean {
    return this.settle(id, {
      verdict,
      kind: verdict === 'allow' ? 'approved' : 'denied',
      decidedBy: 'user',
      message: message?.trim() ? message.trim() : null,
    });
  }

  /** The host cancelled the request, or its shim went away. */
  cancel(id: number, reason: string): boolean {
    return this.settle(id, {
      verdict: 'deny',
      kind: 'cancelled',
      decidedBy: 'host',
      message: reason,
    });
  }

  cancelSession(sessionId: string, reason: string): void {
    for (const w of [...this.waiting.values()]) {
      if (w.call.sessionId === sessionId) this.cancel(w.call.id, reason);
    }
  }

  /** The gate is stopping: nothing waiting may be left without an answer. */
  interruptAll(reason: string): void {
    for (const id of [...this.waiting.keys()]) {
      this.settle(id, { verdict: 'deny', kind: 'interrupted', decidedBy: 'gate', message: reason });
    }
  }

  /** Oldest first. */
  list(): PendingCall[] {
    return [...this.waiting.values()]
      .map((w) => w.call)
      .sort((a, b) => a.receivedAt - b.receivedAt || a.id - b.id);
  }

  get size(): number {
    return this.waiting.size;
  }

  private settle(id: number, r: Omit<Resolution, 'latencyMs'>): boolean {
    const w = this.waiting.get(id);
    if (!w) return false;
    this.waiting.delete(id);
    clearTimeout(w.timer);
    w.resolve({ ...r, latencyMs: this.now() - w.call.receivedAt });
    this.emit('changed');
    return true;
  }
}
