// The record of calls denied past the bounded queue. The first few of a session are recorded one
// by one with the next batch (a denial need not be durable before it is sent: nothing goes
// ahead); past those, a flood is only counted, and the count goes on the record with each batch.
import type { Store } from '../store/store';
import { callStart, notAssessed } from './callRecords';
import type { DeferredWrites } from './deferredWrites';
import { MAX_RECORDED_FLOOD_DENIALS } from './floodBounds';
import type { ShimSession } from './session';
import { readToolCall } from './toolCall';

export interface FloodRecord {
  store: () => Store;
  writes: DeferredWrites;
  log: (line: string) => void;
  announce: (callId: number) => void;
}

/** A call of this session was denied (already answered) because the queue was full. */
export function recordFloodDenial(
  to: FloodRecord,
  session: ShimSession,
  rid: number,
  line: string,
  reason: string,
): void {
  const now = Date.now();
  session.floodDenied++;
  if (session.floodDenied === 1 || session.floodDenied % 1000 === 0)
    to.log(
      `denied ${session.floodDenied} call(s) from ${session.info?.server ?? 'a shim'} at once: ${reason}`,
    );
  const call = session.floodDenied <= MAX_RECORDED_FLOOD_DENIALS ? readToolCall(line) : null;
  if (call) {
    const start = callStart(session, call, now, notAssessed('gate.queue-full', reason));
    // A denied call has no outcome to come: its id is announced, not kept for one.
    return to.writes.later(() => {
      const id = to.store().calls.record(start, {
        kind: 'auto-denied',
        decidedBy: 'gate',
        ruleId: null,
        message: reason,
        at: now,
      });
      to.announce(id);
    });
  }
  session.floodUncounted++;
  if (session.floodCountQueued) return; // counted by the write in the next batch
  session.floodCountQueued = true;
  to.writes.later(() => {
    // From here a new denial queues a write of its own: should this one be rolled back and then
    // dropped (its database still refusing, the backlog full), counting does not stop with it.
    session.floodCountQueued = false;
    const count = session.floodUncounted;
    if (count === 0) return; // counted by a write that ran before this one
    if (session.serverId !== null) to.store().servers.noteFlood(session.serverId, count, now);
    // Taken once written; a batch rolled back gives the count back to the next write.
    session.floodUncounted = 0;
    to.writes.onRollback(() => (session.floodUncounted += count));
  });
}
