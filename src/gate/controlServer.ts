// The control connection's requests (the CLI's pending, approve/deny, result, settings, status
// and the checked changes of controlChanges.ts): each answered by its request number.
import type { z } from 'zod';
import type { PendingCall, ResultReview, ResultVerdictKind } from '../contract/types';
import type { Store } from '../store/store';
import type { EditedApproval } from './callDesk';
import { applyChange, isChangeRequest, type ChangeTarget } from './controlChanges';
import { HANDSHAKE_TIMEOUT_MS, type Peer } from './handshake';
import type { LineChannel } from './lineChannel';
import { refusalLine } from './refusal';
import type { GateSettings } from './settings';
import {
  controlRequestSchema,
  type ControlRequest,
  type SettledCall,
  type SettledResult,
  type Verdict,
} from './wire';

/** What the control requests act on: the gate's own methods and its record. */
export interface ControlGate {
  readonly dataDir: string;
  pending(): PendingCall[];
  pendingResults(): ResultReview[];
  decide(id: number, verdict: Verdict, message?: string | null): boolean;
  approveEdited(id: number, args: unknown): EditedApproval;
  takeRecordFailure(id: number): string | null;
  decideResult(id: number, verdict: ResultVerdictKind, message?: string | null): boolean;
  settings(): GateSettings;
  updateSettings(patch: Partial<GateSettings>): GateSettings;
}

export interface ControlDeps {
  gate: ControlGate;
  store(): Store;
  /** Where a control client's changes land (controlChanges.ts). */
  changeTarget(): ChangeTarget;
  /** How many calls wait for a person, and how many shims are connected (for status). */
  waiting(): number;
  sessions(): number;
  /** Commit the deferred writes (a verdict given a moment ago may still sit there). */
  flushDeferred(): void;
  log(line: string): void;
}

export class ControlServer {
  constructor(private readonly deps: ControlDeps) {}

  /** A control client passed the handshake: its requests are answered here. */
  open(channel: LineChannel): Peer {
    return {
      receive: (v) => {
        const parsed = controlRequestSchema.safeParse(v);
        if (!parsed.success) return this.refuse(channel, v, parsed.error);
        try {
          this.onControl(channel, parsed.data);
        } catch (err) {
          // A write that failed (settings while another process holds the lock) must not
          // take the gate down: the client hears why, and nothing was changed.
          const message = `the gate could not do that: ${(err as Error).message}`;
          this.deps.log(`a control request failed: ${message}`);
          channel.send({ t: 'error', req: parsed.data.req, message: message.slice(0, 2000) });
        }
      },
    };
  }

  /**
   * A control request that does not fit: the client hears why (answered by its request number
   * when it has a readable one), then the connection closes like any malformed peer's.
   */
  private refuse(channel: LineChannel, value: unknown, error: z.ZodError): void {
    const r = typeof value === 'object' && value !== null ? (value as { req?: unknown }).req : null;
    const req = typeof r === 'number' && Number.isSafeInteger(r) && r >= 0 ? r : 0;
    const issue = error.issues[0];
    const where = issue ? ` (${issue.path.join('.') || 'request'}: ${issue.message})` : '';
    channel.send({ t: 'error', req, message: `malformed control request${where}`.slice(0, 2000) });
    this.deps.log(refusalLine('control client', value, error));
    // Hand the answer to the OS before hanging up; a client that does not read is cut off.
    void channel.closeAfterFlush('malformed control client message', HANDSHAKE_TIMEOUT_MS);
  }

  private onControl(channel: LineChannel, req: ControlRequest): void {
    const gate = this.deps.gate;
    const reply = (msg: object): void => channel.send({ req: req.req, ...msg });
    if (isChangeRequest(req)) return reply(applyChange(this.deps.changeTarget(), req, Date.now()));
    switch (req.t) {
      case 'pending':
        return reply({ t: 'pending', calls: gate.pending(), results: gate.pendingResults() });
      case 'decideResult':
        if (gate.decideResult(req.id, req.verdict, req.message ?? null)) return reply({ t: 'ok' });
        return reply(this.notHeld(req.id));
      case 'decide': {
        if (req.args !== undefined && req.verdict !== 'allow')
          return reply({ t: 'error', message: 'edited arguments go only with an approval' });
        let ok: boolean;
        if (req.args !== undefined) {
          const edited = gate.approveEdited(req.id, req.args);
          if (edited.kind === 'rejected')
            return reply({
              t: 'error',
              message: `the edited arguments were refused: ${edited.error}; call ${req.id} is still waiting`,
            });
          ok = edited.kind === 'decided';
        } else ok = gate.decide(req.id, req.verdict, req.message ?? null);
        const failed = ok ? gate.takeRecordFailure(req.id) : null;
        if (failed)
          return reply({
            t: 'error',
            message: `call ${req.id} was denied: the decision could not be recorded (${failed}); its record will say so once the database takes writes again`,
          });
        if (ok) return reply({ t: 'ok' });
        // Approved already, and its result now waits for a person: point to the right command.
        if (gate.pendingResults().some((r) => r.id === req.id))
          return reply({
            t: 'error',
            message: `call ${req.id} was already approved; its result is waiting for review (airlock result ${req.id} pass|redact|replace)`,
          });
        const settled = this.settledCall(req.id);
        return reply({
          t: 'error',
          message: `no call ${req.id} is waiting for a decision`,
          ...(settled ? { settled } : {}),
        });
      }
      case 'settings':
        gate.updateSettings(req.patch);
        return reply({ t: 'ok' });
      case 'status':
        return reply({
          t: 'status',
          mode: gate.settings().mode,
          pending: this.deps.waiting(),
          sessions: this.deps.sessions(),
          dataDir: gate.dataDir,
          pid: process.pid,
        });
      default:
        return reply({ t: 'error', message: 'unknown request' });
    }
  }

  /** What became of a call that is no longer waiting, so `airlock approve` can say so. */
  private settledCall(id: number): SettledCall | null {
    const row = Number.isSafeInteger(id) ? this.deps.store().history.get(id) : null;
    if (!row) return null;
    return {
      decision: row.decision,
      decidedBy: row.decidedBy,
      ruleId: row.ruleId,
      message: row.message,
      decidedAt: row.latencyMs === null ? null : row.at + row.latencyMs,
    };
  }

  /**
   * Why `airlock result ID` found no result of call ID held: what became of it (from the
   * record), or where the call stands instead.
   */
  private notHeld(id: number): { t: 'error'; message: string; review?: SettledResult } {
    const message = `no result of call ${id} is waiting for review`;
    if (this.deps.gate.pending().some((c) => c.id === id))
      return {
        t: 'error',
        message: `call ${id} is still waiting for approval (airlock approve or deny); its result has not come back`,
      };
    // A verdict given a moment ago may still sit in the deferred writes: commit them first.
    this.deps.flushDeferred();
    const row = this.deps.store().history.get(id);
    if (!row) return { t: 'error', message: `${message}: there is no call ${id}` };
    const review = row.result?.review;
    if (review)
      return {
        t: 'error',
        message,
        review: { ...review, message: review.message?.slice(0, 2000) ?? null },
      };
    if (!['approved', 'auto-approved', 'observed'].includes(row.decision))
      return { t: 'error', message: `${message}: the call was ${row.decision}, it had no result` };
    return {
      t: 'error',
      message: `${message}: ${row.result || row.outcome ? 'its result was not held' : 'its result has not come back (or was not held)'}`,
    };
  }
}
