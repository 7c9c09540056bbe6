// Durability without stopping the event loop. SQLite's synchronous=FULL makes each commit wait
// for an fsync of the write-ahead log on the thread that commits: in the gate that is the event
// loop, so every status, pending or approve request waits behind the disk. Instead, the gate
// commits with synchronous=NORMAL (the log's bytes are written, not yet flushed) and asks this
// class to flush the log file in libuv's thread pool; the commit counts as durable, and its call
// may be forwarded, only once a flush that began after the commit has returned. A flush covers
// every commit written before it began, so commits that arrive while one runs share the next
// one: group commit at the disk, whatever the grouping of transactions above it.
//
// A commit made alone (one decision, nothing else waiting for the disk) is flushed on the event
// loop instead: the hop to a pool thread and back costs a sequential call two wake-ups, each
// waiting for a core on a busy machine, and nothing else would share that flush anyway. As soon
// as commits pile up, or a flush runs or has just run (other writes are flowing), or the disk
// turns out slow, the pool takes over again, so a burst never holds the loop (see InlinePolicy).
import fs from 'node:fs';

/** Flushes a file's data to the disk; calls back with the error, or null. */
export type FlushFn = (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;
/** The same, on the calling thread: throws the error. */
export type FlushSyncFn = (fd: number) => void;

/**
 * An inline flush slower than this holds the loop too long: the next lone commits go to the
 * pool. A flush of a healthy local disk takes well under a millisecond.
 */
export const INLINE_FLUSH_MAX_MS = 2;
/** After a slow inline flush, this many lone commits go to the pool before inline is tried again. */
export const POOL_AFTER_SLOW = 64;
/**
 * A pool flush that ended less than this long ago means other writes are flowing (a flood's
 * batches, outcomes, other shims' decisions): a lone commit then goes to the pool too, so a loop
 * that has other work never waits for the disk. Any pool flush counts, a lone decision's own
 * included, so a caller whose decisions come less than this far apart stays in the pool once one
 * went there (a sequential 1 KB echo: about 9 flushes in 10). Measured on a quiet machine, that
 * costs it nothing (3.2 ms per call either way, 2026-12-02); and 20 sequential shims, whose lone
 * decisions would otherwise each hold the loop for a flush in turn, share the pool's.
 */
export const QUIET_MS = 5;

/**
 * Pure bookkeeping of when a lone commit may flush inline: only while the last inline flush was
 * fast and no pool flush ended in the last QUIET_MS. A slow inline flush (a busy or slow disk)
 * sends the next POOL_AFTER_SLOW lone commits to the pool, then one more measures the disk again.
 */
export class InlinePolicy {
  private poolTurns = 0;
  private poolEndedAt = -Infinity;

  /** May this lone commit, with no flush running or waiting, flush on the event loop `now`? */
  allows(now: number): boolean {
    if (now - this.poolEndedAt < QUIET_MS) return false;
    if (this.poolTurns === 0) return true;
    this.poolTurns--;
    return false;
  }

  /** How long the inline flush took. */
  took(ms: number): void {
    this.poolTurns = ms > INLINE_FLUSH_MAX_MS ? POOL_AFTER_SLOW : 0;
  }

  /** A flush in the pool returned at `now`. */
  poolEnded(now: number): void {
    this.poolEndedAt = now;
  }
}

export type Synced = (err: Error | null) => void;

export class WalSync {
  /** Commits written before the running flush began: it settles them. */
  private running: Synced[] | null = null;
  /** Commits written after it began: they need the next flush. */
  private next: Synced[] = [];
  private fd: number | null = null;
  private closed = false;
  private idle: (() => void)[] = [];
  private readonly policy = new InlinePolicy();
  /** Flushes done on the event loop, and in the pool (for tests and the log). */
  readonly counts = { inline: 0, pool: 0 };

  /**
   * `flushSync` null: every flush goes to the pool (a test that holds the pool's flushes keeps
   * every commit under its control).
   */
  constructor(
    private readonly walFile: string,
    private readonly flush: FlushFn = fs.fdatasync,
    private readonly flushSync: FlushSyncFn | null = fs.fdatasyncSync,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Opens the log file. False when it cannot (no such file, a platform that refuses): the
   * store then commits with synchronous=FULL as before.
   */
  open(): boolean {
    if (this.fd !== null) return true;
    try {
      // Read-write: Windows flushes only handles opened for writing. Never created here: the
      // file is SQLite's, and exists while its connection is open in WAL mode.
      this.fd = fs.openSync(this.walFile, fs.constants.O_RDWR);
      return true;
    } catch {
      return false;
    }
  }

  get busy(): boolean {
    return this.running !== null || this.next.length > 0;
  }

  /**
   * Call after a commit: `done` runs once that commit is on the disk (or could not be). `alone`:
   * the commit holds a single decision that nothing else is waiting with; when no flush runs or
   * waits either, it is flushed here, on this thread, and `done` runs before this returns.
   */
  request(done: Synced, alone = false): void {
    if (this.closed || this.fd === null) {
      done(new Error('the record is closed'));
      return;
    }
    if (alone && !this.busy && this.flushSync !== null && this.policy.allows(this.now())) {
      return this.flushInline(done);
    }
    this.next.push(done);
    if (this.running === null) this.start();
  }

  /** Resolves once no flush runs or waits (nothing committed is still only in memory). */
  settled(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /**
   * No more flushes: what waits for one is flushed now, synchronously (the store is closing),
   * and the file is closed once a running flush returned.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const waiting = this.next.splice(0);
    if (waiting.length && this.fd !== null) {
      let err: Error | null = null;
      try {
        fs.fdatasyncSync(this.fd);
      } catch (e) {
        err = e as Error;
      }
      for (const done of waiting) settle(done, err);
    }
    if (this.running === null) this.release();
  }

  private flushInline(done: Synced): void {
    this.counts.inline++;
    const start = this.now();
    let failed: Error | null = null;
    try {
      (this.flushSync as FlushSyncFn)(this.fd as number);
    } catch (err) {
      failed = flushFailure(err as NodeJS.ErrnoException);
    }
    this.policy.took(this.now() - start);
    settle(done, failed);
  }

  private start(): void {
    const batch = this.next.splice(0);
    this.running = batch;
    this.counts.pool++;
    this.flush(this.fd as number, (err) => {
      this.running = null;
      this.policy.poolEnded(this.now());
      const failed = err ? flushFailure(err) : null;
      for (const done of batch) settle(done, failed);
      if (this.closed) return this.release();
      if (this.next.length > 0) return this.start();
      for (const resolve of this.idle.splice(0)) resolve();
    });
  }

  private release(): void {
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // closing is best effort; the data was flushed or reported as not flushed
      }
    }
    this.fd = null;
    for (const resolve of this.idle.splice(0)) resolve();
  }
}

/** A failed flush as the store reports a failed commit: the commit may be lost. */
function flushFailure(err: NodeJS.ErrnoException): Error {
  const failed = new Error(`could not flush the record to the disk: ${err.message}`);
  return Object.assign(failed, {
    code: err.code === 'ENOSPC' ? 'SQLITE_FULL' : 'SQLITE_IOERR_FSYNC',
  });
}

/** One waiter throwing (its socket closed) must not keep the others from their answer. */
function settle(done: Synced, err: Error | null): void {
  try {
    done(err);
  } catch {
    // the waiter's own failure is its own
  }
}
