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
  /** Approved with edited arguments (checked against the tool's schema already). */
  edit?: ApprovedEdit;
}

/** Arguments a person approved instead of the agent's, and the line they make. */
export interface ApprovedEdit {
  /** The exact JSON text that replaces `params.arguments`. */
  argumentsJson: string;
  /** sha256 of the host line with those arguments: what the shim will forward. */
  digest: string;
}

interface Waiting {
  call: PendingCall;
  timer: NodeJS.Timeout | null;
  /** While the user holds the countdown: the time that was left. */
  heldRemaining: number | null;
  resolve: (r: Resolution) => void;
}

export type HoldRequest = Omit<PendingCall, 'deadline' | 'receivedAt'>;

export class ApprovalBroker extends EventEmitter {
  private readonly waiting = new Map<number, Waiting>();
  /** Waiting calls per server (or per session, for a server not identified yet). */
  private readonly perServer = new Map<string, number>();

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
    const w: Waiting = { call, timer: null, heldRemaining: null, resolve };
    this.waiting.set(call.id, w);
    const key = serverKeyOf(call.serverId, call.sessionId);
    this.perServer.set(key, (this.perServer.get(key) ?? 0) + 1);
    this.arm(w, timeout);
    this.emit('changed');
    return call;
  }

  /**
   * Stop a call's countdown while the user reads it or edits a rule; releasing restarts it
   * from the time that was left. The host's own timeout still runs: progress keeps it alive.
   */
  setHolding(id: number, holding: boolean): boolean {
    const w = this.waiting.get(id);
    if (!w) return false;
    if (holding && w.heldRemaining === null) {
      if (w.timer) clearTimeout(w.timer);
      w.timer = null;
      w.heldRemaining = Math.max(0, w.call.deadline - this.now());
    } else if (!holding && w.heldRemaining !== null) {
      const remaining = w.heldRemaining;
      w.heldRemaining = null;
      w.call = { ...w.call, deadline: this.now() + remaining };
      this.arm(w, remaining);
    } else {
      return true;
    }
    this.emit('changed');
    return true;
  }

  private arm(w: Waiting, ms: number): void {
    const timeout = this.timeoutMs();
    w.timer = setTimeout(
      () =>
        this.settle(w.call.id, {
          verdict: 'deny',
          kind: 'timed-out',
          decidedBy: 'timeout',
          message: `no decision within ${Math.round(timeout / 1000)} seconds`,
        }),
      ms,
    );
    w.timer.unref?.();
  }

  /** A person's decision. False when the call is no longer waiting. */
  decide(
    id: number,
    verdict: 'allow' | 'deny',
    message?: string | null,
    edit?: ApprovedEdit,
  ): boolean {
    return this.settle(id, {
      verdict,
      kind: verdict === 'allow' ? 'approved' : 'denied',
      decidedBy: 'user',
      message: message?.trim() ? message.trim() : null,
      ...(edit && verdict === 'allow' ? { edit } : {}),
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

  /** How many calls of this server (of this session, when the server is unknown) wait. */
  waitingFor(serverId: number | null, sessionId: string): number {
    return this.perServer.get(serverKeyOf(serverId, sessionId)) ?? 0;
  }

  private settle(id: number, r: Omit<Resolution, 'latencyMs'>): boolean {
    const w = this.waiting.get(id);
    if (!w) return false;
    this.waiting.delete(id);
    const key = serverKeyOf(w.call.serverId, w.call.sessionId);
    const left = (this.perServer.get(key) ?? 1) - 1;
    if (left > 0) this.perServer.set(key, left);
    else this.perServer.delete(key);
    if (w.timer) clearTimeout(w.timer);
    w.resolve({ ...r, latencyMs: this.now() - w.call.receivedAt });
    this.emit('changed');
    return true;
  }
}

function serverKeyOf(serverId: number | null, sessionId: string): string {
  return serverId !== null ? `server:${serverId}` : `session:${sessionId}`;
}
