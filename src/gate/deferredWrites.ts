// Records of calls already answered (observed, denied at once) and every outcome: none of them
// holds a call back, so they are committed in batches just behind the calls, one transaction and
// no fsync of their own for many of them.
import type { Store } from '../store/store';
import type { CallOutcome } from '../store/types';
import { writeFailureCause, type RecordBacklog } from './recordBacklog';
import type { ShimSession } from './session';

/** Batches are committed at most this far behind the calls. */
const FLUSH_MS = 50;
/**
 * A batch is committed at once when it grows this long: a burst of observed calls is then
 * recorded while it lasts, memory stays bounded, and the synchronous commit slows the gate's
 * reading of the socket, which is the backpressure a flooding shim feels.
 */
const MAX_DEFERRED = 512;
/**
 * At most this many waiting writes ride along in one decisions' commit (rideAlong), so a long
 * batch (a burst of observed calls) never holds a decision back for long; the rest keep their batch.
 */
const MAX_RIDERS = 64;
/**
 * The History charts' counts catch up with the calls recorded at most this long after them (in
 * a batch of their own or with the next one). Until then the charts count those calls when read
 * (migration 010), so no decision's commit pays for the counts.
 */
const STATS_MS = 1000;

/**
 * An observed call, from the moment it arrived until its outcome comes (or a newer call takes
 * its request number): the outcome's handle on it, whether its row is written yet or not.
 */
export interface ObservedCall {
  /** The outcome, when it came before the row was written: the row is written with it. */
  outcome: CallOutcome | null;
  /** Raises the result notice once the row exists. */
  flagged?: (callId: number) => void;
  /**
   * The row's id, once the transaction that wrote it committed; null until then (a write rolled
   * back with its transaction runs again later, and its row may then get another id).
   */
  id: number | null;
}

export class DeferredWrites {
  private readonly writes: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** Set while the charts' counts are behind the calls recorded. */
  private statsTimer: NodeJS.Timeout | null = null;
  /** Observed calls whose outcome has not come, by session and request number. */
  private readonly observedCalls = new WeakMap<ShimSession, Map<number, ObservedCall>>();
  /** What the running batch's writes changed outside the database: undone if it rolls back. */
  private undos: (() => void)[] | null = null;

  constructor(
    private readonly store: () => Store,
    private readonly backlog: RecordBacklog,
    private readonly log: (line: string) => void,
  ) {}

  /** A write that may wait a moment. */
  later(write: () => void): void {
    this.writes.push(write);
    this.statsDue();
    if (this.writes.length >= MAX_DEFERRED) return this.flush();
    this.schedule();
  }

  /** Calls were recorded: the charts' counts catch up with them within STATS_MS. */
  private statsDue(): void {
    this.statsTimer ??= setTimeout(() => this.flush(), STATS_MS).unref();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /**
   * Lets the writes waiting now ride along in a transaction that commits anyway (the decisions'
   * group commit): `commit` runs its transaction and calls `writeWaiting` last inside it. They
   * then share its commit and its flush instead of paying a transaction of their own (the rows
   * and pages of the chain, the calls and the index they touch are written once for both).
   * Last, so a decision write that throws rolls back before any of them ran. If they fail, only
   * they are undone (a savepoint) and wait for their own batch; if the transaction does not
   * commit, they wait for it as if it had never run.
   */
  rideAlong<T>(commit: (writeWaiting: () => void) => T): T {
    this.statsDue();
    const writes = this.writes.splice(0, MAX_RIDERS);
    if (writes.length === 0) return commit(() => {});
    let handedBack = false;
    const undos: (() => void)[] = [];
    const handBack = (): void => {
      if (handedBack) return;
      handedBack = true;
      undo(undos);
      this.writes.unshift(...writes);
      this.schedule();
    };
    this.undos = undos;
    try {
      return commit(() => {
        try {
          this.store().transaction(() => {
            for (const write of writes) write();
          });
        } catch {
          handBack();
        }
      });
    } catch (err) {
      handBack();
      throw err;
    } finally {
      this.undos = null;
    }
  }

  /**
   * Called by a write that changed something outside the database (an id handed out, a count
   * taken): `undo` puts it back if the batch it ran in is rolled back, as the write will run
   * again. A write run alone (from the backlog) has committed when it returns: nothing to undo.
   */
  onRollback(undo: () => void): void {
    this.undos?.push(undo);
  }

  /** A write that may wait, behind older records the database refused: the record keeps its order. */
  inOrder(what: string, write: () => void): void {
    if (this.backlog.size) this.backlog.add(what, write);
    else this.later(write);
  }

  /**
   * An observed call whose row waits for the batch: `write` records it, with the outcome that
   * came before it (one row, one event, instead of a row and then an update with an event of
   * its own), and returns the row's id.
   */
  observed(session: ShimSession, rid: number, write: (call: ObservedCall) => number): void {
    let byRid = this.observedCalls.get(session);
    if (!byRid) this.observedCalls.set(session, (byRid = new Map()));
    const call: ObservedCall = { outcome: null, id: null };
    byRid.set(rid, call);
    this.later(() => {
      call.id = write(call);
      this.onRollback(() => (call.id = null));
    });
  }

  /**
   * The observed call under this request number, for its outcome: taken, so the number names
   * no call any more (a newer call may take it).
   */
  takeObserved(session: ShimSession, rid: number): ObservedCall | undefined {
    const byRid = this.observedCalls.get(session);
    const call = byRid?.get(rid);
    byRid?.delete(rid);
    return call;
  }

  /** A newer call took this request number: an outcome under it is no longer an observed one's. */
  forgetObserved(session: ShimSession, rid: number): void {
    this.observedCalls.get(session)?.delete(rid);
  }

  /**
   * Commit what waits now, and catch the search index and the charts' counts up (also when the
   * gate stops).
   */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const stats = this.statsTimer !== null;
    if (this.statsTimer) clearTimeout(this.statsTimer);
    this.statsTimer = null;
    const writes = this.writes.splice(0);
    if (writes.length === 0 && !stats) return;
    const undos: (() => void)[] = [];
    this.undos = undos;
    try {
      const store = this.store();
      // Records of calls already answered: no decision waits on this commit, so it does not
      // wait for the disk either.
      store.unsynced(() =>
        store.transaction(() => {
          for (const write of writes) write();
          // Last: the calls are indexed as this batch leaves them (most with their result).
          catchUp(store, () => store.calls.catchUpSearch());
          if (stats) catchUp(store, () => store.calls.catchUpStats());
        }),
      );
    } catch (err) {
      undo(undos);
      // Counts left behind are still counted when read; the next call recorded tries again.
      if (writes.length === 0) return;
      // Nothing of the batch was committed: it waits, in order, until the database takes it.
      for (const write of writes) this.backlog.add('an observed call', write);
      this.log(
        `could not record ${writes.length} observed call(s) now (${writeFailureCause(err)}); will retry`,
      );
    } finally {
      this.undos = null;
    }
  }
}

/**
 * Catches derived data up (the charts' counts, the search index) in a savepoint of the batch:
 * what cannot catch up now stays behind, still read from the calls themselves, and the next
 * batch tries again; the batch's records are not lost for it.
 */
function catchUp(store: Store, fn: () => void): void {
  try {
    store.transaction(fn);
  } catch {
    // derived data: see above
  }
}

/** The batch was rolled back: what its writes changed outside the database is put back. */
function undo(undos: (() => void)[]): void {
  for (const u of undos.reverse()) u();
}
