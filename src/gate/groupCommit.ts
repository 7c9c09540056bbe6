// Group commit: decisions that arrive together (one read from the socket) are committed in one
// transaction, and transactions committed while the disk flushes an earlier one share the next
// flush, so 32 calls in flight pay one or two fsyncs, not 32. The flush runs off the event loop
// (Store.commitDurably): the gate keeps answering meanwhile. Each call is answered only once the
// commit that holds its decision is on the disk: nothing is forwarded on a decision that is not.
import { writeFailureCause } from './recordBacklog';

export interface GroupedWrite<T> {
  /** Runs inside the group's transaction; must only write (its effects may be rolled back). */
  write(): T;
  /** The transaction holding this write committed, and is on the disk. */
  committed(result: T): void;
  /** It did not, or could not be flushed to the disk: act as if nothing of it were there. */
  failed(err: unknown): void;
}

/**
 * Commits fn in one transaction and returns its result; calls `durable` once that commit is on
 * the disk (or with the reason it may not be). Throws, without calling `durable`, when the
 * commit fails. `alone`: the group holds a single decision (the store may flush it on the event
 * loop when the disk is idle; a group of several goes to the thread pool's shared flush).
 */
export type DurableCommit = <T>(
  fn: () => T,
  durable: (err: Error | null) => void,
  alone: boolean,
) => T;

/** A group never grows past this: the calls after it start the next one. */
export const MAX_GROUP = 256;

export class GroupCommit {
  private queue: GroupedWrite<unknown>[] = [];
  private scheduled = false;

  constructor(
    private readonly commit: DurableCommit,
    private readonly log: (line: string) => void = () => {},
  ) {}

  get size(): number {
    return this.queue.length;
  }

  add<T>(item: GroupedWrite<T>): void {
    this.queue.push(item as GroupedWrite<unknown>);
    if (this.queue.length >= MAX_GROUP) return this.flush();
    if (this.scheduled) return;
    this.scheduled = true;
    // After the current round of socket reads: every decision read in it joins this group.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Commits what waits now (also when the gate stops). */
  flush(): void {
    const items = this.queue.splice(0);
    if (items.length === 0) return;
    // Kept from inside the transaction: `durable` may run before commit returns.
    let results: unknown[] = [];
    try {
      this.commit(
        () => (results = items.map((i) => i.write())),
        (err) => answer(items, results, err),
        items.length === 1,
      );
    } catch (err) {
      return this.oneByOne(items, err);
    }
  }

  /**
   * The group's transaction failed. A locked or full database refuses every write alike, so
   * all fail at once (each would wait the busy timeout again); anything else may be one bad
   * write, which must not cost the others their decision: each is tried alone.
   */
  private oneByOne(items: GroupedWrite<unknown>[], err: unknown): void {
    if (items.length === 1 || refusesAll(err)) {
      for (const item of items) settle(() => item.failed(err));
      return;
    }
    this.log(`a group of ${items.length} decisions failed (${writeFailureCause(err)}); one by one`);
    for (const item of items) {
      let result: unknown[] = [];
      try {
        this.commit(
          () => (result = [item.write()]),
          (flushErr) => answer([item], result, flushErr),
          false,
        );
      } catch (one) {
        settle(() => item.failed(one));
      }
    }
  }
}

/** Each write of a commit hears how it ended, once it is on the disk (or could not be). */
function answer(items: GroupedWrite<unknown>[], results: unknown[], err: Error | null): void {
  items.forEach((item, n) => settle(() => (err ? item.failed(err) : item.committed(results[n]))));
}

function refusesAll(err: unknown): boolean {
  const code = String((err as { code?: unknown }).code ?? '');
  // Extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_FSYNC…) start with their primary one.
  return ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_IOERR'].some(
    (primary) => code === primary || code.startsWith(`${primary}_`),
  );
}

/** One call's answer failing (a closed socket) must not keep the others from theirs. */
function settle(fn: () => void): void {
  try {
    fn();
  } catch {
    // the shim is gone; its session's cleanup denies what it held
  }
}
