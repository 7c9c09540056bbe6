// Durability without stopping the event loop. SQLite's synchronous=FULL makes each commit wait
// for an fsync of the write-ahead log on the thread that commits: in the gate that is the event
// loop, so every status, pending or approve request waits behind the disk. Instead, the gate
// commits with synchronous=NORMAL (the log's bytes are written, not yet flushed) and asks this
// class to flush the log file in libuv's thread pool; the commit counts as durable, and its call
// may be forwarded, only once a flush that began after the commit has returned. A flush covers
// every commit written before it began, so commits that arrive while one runs share the next
// one: group commit at the disk, whatever the grouping of transactions above it.
import fs from 'node:fs';

/** Flushes a file's data to the disk; calls back with the error, or null. */
export type FlushFn = (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;

export type Synced = (err: Error | null) => void;

export class WalSync {
  /** Commits written before the running flush began: it settles them. */
  private running: Synced[] | null = null;
  /** Commits written after it began: they need the next flush. */
  private next: Synced[] = [];
  private fd: number | null = null;
  private closed = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly walFile: string,
    private readonly flush: FlushFn = fs.fdatasync,
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

  /** Call after a commit: `done` runs once that commit is on the disk (or could not be). */
  request(done: Synced): void {
    if (this.closed || this.fd === null) {
      done(new Error('the record is closed'));
      return;
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

  private start(): void {
    const batch = this.next.splice(0);
    this.running = batch;
    this.flush(this.fd as number, (err) => {
      this.running = null;
      const failed = err
        ? new Error(`could not flush the record to the disk: ${err.message}`)
        : null;
      if (failed)
        Object.assign(failed, {
          code: err?.code === 'ENOSPC' ? 'SQLITE_FULL' : 'SQLITE_IOERR_FSYNC',
        });
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

/** One waiter throwing (its socket closed) must not keep the others from their answer. */
function settle(done: Synced, err: Error | null): void {
  try {
    done(err);
  } catch {
    // the waiter's own failure is its own
  }
}
