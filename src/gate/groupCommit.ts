// Group commit: decisions that arrive together (one read from the socket, or calls queued
// while the previous commit waited on its fsync) are committed in one transaction, so 32 calls
// in flight pay one fsync, not 32. Each call is answered only after the commit that holds its
// decision returned: nothing is forwarded on a decision that is not on disk.
import { writeFailureCause } from './recordBacklog';

export interface GroupedWrite<T> {
  /** Runs inside the group's transaction; must only write (its effects may be rolled back). */
  write(): T;
  /** The transaction holding this write committed. */
  committed(result: T): void;
  /** It did not: nothing of it is on disk. */
  failed(err: unknown): void;
}

/** A group never grows past this: the calls after it start the next one. */
export const MAX_GROUP = 256;

export class GroupCommit {
  private queue: GroupedWrite<unknown>[] = [];
  private scheduled = false;

  constructor(
    private readonly transaction: <T>(fn: () => T) => T,
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
    let results: unknown[];
    try {
      results = this.transaction(() => items.map((i) => i.write()));
    } catch (err) {
      return this.oneByOne(items, err);
    }
    items.forEach((item, n) => settle(() => item.committed(results[n])));
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
      let result: unknown;
      try {
        result = this.transaction(() => item.write());
      } catch (one) {
        settle(() => item.failed(one));
        continue;
      }
      settle(() => item.committed(result));
    }
  }
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
