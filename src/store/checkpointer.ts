// Checkpoints in a worker thread. A WAL checkpoint copies the log into the database file and
// flushes both to the disk: two fsyncs that, run by the connection that commits (SQLite's
// automatic checkpoint), stop the gate's event loop for as long as a busy disk takes. Here a
// connection of its own, in a worker thread, checkpoints at most once a second while commits
// come in; the gate's connection no longer checkpoints by itself. A PASSIVE checkpoint never
// blocks the writer, and SQLite restarts the log only once everything in it is in the database
// file and flushed.
//
// That last condition is never met while commits keep coming: each worker checkpoint copies
// the log as it was when it began, and the commits made meanwhile are left over, so the log
// grew without end under a steady load (150 MB in 5 s of decisions, and the wal-index every
// read searches with it). So the few frames left over are copied by the writer itself, right
// after the worker's round, where no commit can land meanwhile: the checkpoint completes and
// the next commit restarts the log from its start. When more is left over than is cheap to copy
// on the event loop, the worker goes again at once instead of a second later.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * At most one checkpoint per this long: the log then holds about a second of commits (a flood's
 * worth is a few MiB, SQLite's own threshold is ~4 MiB), and the disk sees two more fsyncs a
 * second at most, none of them on the event loop.
 */
export const CHECKPOINT_EVERY_MS = 1000;

// Plain CommonJS evaluated in the worker, so the worker needs no file of its own in the bundles
// (the app, the CLI, the tests): better-sqlite3 is loaded from the path the store resolved.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const closed = new Int32Array(workerData.closed);
const say = (state) => { Atomics.store(closed, 0, state); Atomics.notify(closed, 0); };
let db;
try {
  const Database = require(workerData.module);
  const binding = workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {};
  // Never creates the file: a store closed (and its folder removed) before this ran stays gone.
  db = new Database(workerData.file, { fileMustExist: true, ...binding });
  db.pragma('busy_timeout = 5000');
} catch (err) {
  say(2);
  throw err;
}
parentPort.on('message', (m) => {
  if (m === 'close') {
    try { db.close(); } finally { say(1); parentPort.close(); }
    return;
  }
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, busy: r.busy, log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ ok: false, message: String(err && err.message) });
  }
});
`;

/** How long closing waits for the worker to close its connection. */
const CLOSE_WAIT_MS = 5000;

/**
 * The writer completes the worker's checkpoint when at most this many commits landed while the
 * worker copied: their frames (some MiB at most) are copied on the event loop, with the
 * checkpoint's two fsyncs, at most once per worker round.
 */
export const CATCH_UP_MAX_COMMITS = 64;

/** What a worker's checkpoint reported (SQLite's wal_checkpoint row). */
export interface CheckpointReport {
  ok: boolean;
  /** 1 when the checkpoint could not take the locks it needed (another checkpoint ran). */
  busy?: number;
}

/**
 * A catch-up slower than this (its fsyncs waited for a busy disk) held the event loop too long:
 * the next CATCH_UP_PAUSE_ROUNDS rounds leave what they leave over for the worker's next round,
 * as before catch-ups existed, then one more measures the disk again.
 */
export const CATCH_UP_SLOW_MS = 4;
export const CATCH_UP_PAUSE_ROUNDS = 16;

/**
 * Pure: after the worker's round, `done` (no commit landed meanwhile: the log is all in the
 * database file, and the next commit restarts it; or catching up is paused), `catch-up` (the
 * writer copies what the commits made meanwhile added, so the checkpoint completes), or `again`
 * (too many for the event loop: the worker's next round starts at once; after two such rounds
 * in a row the writer catches up all the same, so the log stays bounded).
 */
export function afterCheckpoint(
  report: CheckpointReport,
  commitsMeanwhile: number,
  againBefore: boolean,
  paused = false,
): 'done' | 'catch-up' | 'again' {
  if (!report.ok || report.busy) return 'done';
  if (commitsMeanwhile === 0 || paused) return 'done';
  if (commitsMeanwhile <= CATCH_UP_MAX_COMMITS || againBefore) return 'catch-up';
  return 'again';
}

export interface CheckpointerOptions {
  file: string;
  nativeBinding?: string;
  /** A monotonic clock in ms (tests control it). */
  now?: () => number;
  /** The worker is gone (it failed to start, or died): the caller checkpoints by itself again. */
  lost: (why: string) => void;
  /**
   * Copies what the worker's checkpoint left over, on the writer's connection (so no commit
   * lands meanwhile and the checkpoint completes). Called on the event loop, between commits.
   */
  catchUp?: () => void;
}

export class Checkpointer {
  private readonly worker: Worker;
  private running = false;
  private gone = false;
  private lastStart = -Infinity;
  /** Set by the worker once its connection is closed (1) or could not be opened (2). */
  private readonly closed: Int32Array;
  private readonly now: () => number;

  constructor(private readonly opts: CheckpointerOptions) {
    this.now = opts.now ?? (() => performance.now());
    const load = createRequire(__filename);
    const closed = new SharedArrayBuffer(4);
    this.closed = new Int32Array(closed);
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        module: load.resolve('better-sqlite3'),
        file: opts.file,
        nativeBinding: opts.nativeBinding ?? null,
        closed,
      },
    });
    // Never what keeps a process alive: the gate's own handles do that.
    this.worker.unref();
    this.worker.on('message', (report: CheckpointReport) => {
      this.running = false;
      this.done++;
      if (this.gone) return;
      const paused = this.pausedRounds > 0;
      if (paused) this.pausedRounds--;
      const next = afterCheckpoint(report, this.commitsMeanwhile, this.againBefore, paused);
      this.againBefore = next === 'again';
      if (next === 'again') this.lastStart = -Infinity;
      if (next !== 'catch-up') return;
      this.caughtUp++;
      const start = this.now();
      try {
        this.opts.catchUp?.();
      } catch {
        // Locked by another process, say: the worker's next round tries again.
      }
      if (this.now() - start > CATCH_UP_SLOW_MS) this.pausedRounds = CATCH_UP_PAUSE_ROUNDS;
    });
    this.worker.on('error', (err) => this.lose(err.message));
    this.worker.on('exit', () => this.lose('the checkpoint worker exited'));
  }

  /** Checkpoints done, and how many the writer completed (for tests and the log). */
  done = 0;
  caughtUp = 0;
  /** Commits made while the worker's round runs: their frames are what it leaves over. */
  private commitsMeanwhile = 0;
  private againBefore = false;
  /** Rounds left without catching up, after a slow catch-up. */
  private pausedRounds = 0;

  /** After a commit: start a checkpoint unless one runs or one started less than a second ago. */
  afterCommit(): void {
    if (this.running) this.commitsMeanwhile++;
    if (this.running || this.gone) return;
    const now = this.now();
    if (now - this.lastStart < CHECKPOINT_EVERY_MS) return;
    this.lastStart = now;
    this.running = true;
    this.commitsMeanwhile = 0;
    this.worker.postMessage('checkpoint');
  }

  /**
   * Closes the worker's connection before returning (waiting at most CLOSE_WAIT_MS, a running
   * checkpoint first): once the store is closed, nothing of it touches the files any more.
   */
  close(): void {
    if (this.gone) return;
    this.gone = true;
    this.worker.postMessage('close');
    Atomics.wait(this.closed, 0, 0, CLOSE_WAIT_MS);
  }

  private lose(why: string): void {
    if (this.gone) return;
    this.gone = true;
    try {
      this.opts.lost(why);
    } catch {
      // the store closed meanwhile: nothing left to checkpoint
    }
  }
}
