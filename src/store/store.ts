import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { chainViewer, verifyStore } from './audit';
import {
  AnchorWriter,
  anchorPath,
  checkAnchor,
  mayAdvance,
  readAnchor,
  type AnchorCheck,
  type ChainHead,
} from './headAnchor';
import { callRepo, type CallRepo } from './calls';
import { Checkpointer } from './checkpointer';
import { eventAppender } from './chain';
import type { StoreContext } from './context';
import { historyRepo, type HistoryRepo } from './history';
import { migrate } from './migrate';
import { retentionRepo, type RetentionRepo } from './retention';
import { ruleRepo, type RuleRepo } from './rules';
import { serverRepo, type ServerRepo } from './servers';
import { settingsRepo, type SettingsRepo } from './settings';
import { toolRepo, type ToolRepo } from './tools';
import type { VerifyResult } from './types';
import { WalSync, type FlushFn, type FlushSyncFn } from './walSync';

export interface Store {
  readonly file: string;
  close(): void;
  servers: ServerRepo;
  tools: ToolRepo;
  calls: CallRepo;
  history: HistoryRepo;
  rules: RuleRepo;
  settings: SettingsRepo;
  audit: {
    verify(): VerifyResult;
    /** The database against the head file beside it (at gate start: was it rewound?). */
    checkAnchor(): AnchorCheck;
    /** Accept the database as it is now: the head file is rewritten to its head. */
    reanchor(): void;
  };
  retention: RetentionRepo;
  /**
   * Groups several writes into one transaction and one fsync: seeding, bulk imports, and the
   * gate's group commit of the decisions that arrive together.
   */
  transaction<T>(fn: () => T): T;
  /**
   * Runs writes that need not be on disk before the caller acts on them (a waiting call's
   * first row, a session's server and tool records): committed without waiting for the disk
   * (WAL, synchronous=NORMAL). The next FULL commit (the call's decision) makes them durable
   * with it; with flushOffThread a flush in the thread pool follows at once. A crash may lose
   * them, never a decision. Keeps a flood of waiting calls from queueing behind the disk.
   */
  unsynced<T>(fn: () => T): T;
  /**
   * Commits fn's writes now and calls `durable` once they are on the disk, without waiting for
   * the disk on this thread (StoreOptions.flushOffThread; without it the commit waits for its
   * fsync as `transaction` does, and `durable` runs before this returns). Throws, and never
   * calls `durable`, when the commit itself fails. `durable(err)` means the commit may be lost:
   * act on it as on a failed write. `alone`: the commit holds one decision and nothing else is
   * waiting with it; when the disk is idle it is flushed on this thread (cheaper than the hop to
   * the pool and back), and `durable` runs before this returns.
   */
  commitDurably<T>(fn: () => T, durable: (err: Error | null) => void, alone?: boolean): T;
  /** Resolves once every commit made so far is on the disk. */
  flushed(): Promise<void>;
}

const BUSY_TIMEOUT_MS = 5000;
/** The page size of a new record file (SQLite's default is 4096). */
export const PAGE_SIZE = 8192;
/** The write-ahead log is truncated to this size when it restarts (bytes). */
export const WAL_SIZE_LIMIT = 8 * 1024 * 1024;

/**
 * Opens (creating it and its directory if needed) and migrates the store. Only the gate
 * process writes in normal use; the CLI may open the same file while the gate runs (WAL lets
 * readers and one writer share it; writers wait up to busy_timeout for each other).
 */
export interface StoreOptions {
  /**
   * better-sqlite3's native module built for another runtime than the one in node_modules:
   * the Electron app in development loads an Electron build while Node keeps its own.
   */
  nativeBinding?: string;
  /** How long a write waits for another connection's lock before failing (default 5 s). */
  busyTimeoutMs?: number;
  /**
   * For a process that must keep answering while it writes (the gate): `commitDurably` flushes
   * the log in the thread pool instead of on the calling thread, and checkpoints run in a
   * worker thread instead of inside a commit. Every other write still waits for its fsync.
   */
  flushOffThread?: boolean;
  /** Replaces fdatasync for the off-thread flushes (tests hold or fail a flush). */
  flushFn?: FlushFn;
  /**
   * Replaces fdatasyncSync for a lone commit's flush on the calling thread. With a `flushFn`
   * and no `flushSyncFn`, every flush goes through `flushFn`.
   */
  flushSyncFn?: FlushSyncFn;
}

export function openStore(file: string, opts: StoreOptions = {}): Store {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  const binding = opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {};
  const w = new Database(file, binding);
  let r: Database.Database | null = null;
  try {
    // A new file only (an existing one keeps its size): a call's row grows by its result's excerpt
    // after it was written, and a 4 KiB page that cannot take the growth splits, leaving pages
    // about half full; 8 KiB pages hold several rows of a few KiB and stay ~80 % full.
    w.pragma(`page_size = ${PAGE_SIZE}`);
    w.pragma('journal_mode = WAL');
    // FULL: a decision that returned is on disk before the call is forwarded, even on power loss.
    w.pragma('synchronous = FULL');
    w.pragma('foreign_keys = ON');
    w.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? BUSY_TIMEOUT_MS}`);
    // Sorting and FTS merges spill to memory, never to temporary files beside the database.
    w.pragma('temp_store = MEMORY');
    // A log that grew during a flood is cut back to this when it restarts, not kept at its peak.
    w.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    migrate(w);
    r = new Database(file, { readonly: true, ...binding });
    r.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  } catch (err) {
    r?.close();
    w.close();
    throw err;
  }
  const reader = r;
  const background = opts.flushOffThread ? offThread(w, file, opts) : null;
  const append = eventAppender(w);
  const anchorFile = anchorPath(path.resolve(file));
  const anchorWriter = new AnchorWriter(anchorFile);
  // After each commit that moved the chain's head, the anchor beside the database follows it.
  // Best effort: the decision is committed already, and failing here must not undo it.
  const writerView = chainViewer(w);
  const readerView = chainViewer(reader);
  let anchoredHash: string | null = null;
  const advanceAnchor = (flushedHead?: ChainHead): void => {
    try {
      // After a flush: the head as it was at the commit, not commits made since (not yet flushed).
      const view = writerView(flushedHead);
      if (view.head.hash === anchoredHash) return; // this commit appended nothing
      const anchor = anchorWriter.read();
      if (mayAdvance(anchor, view)) anchorWriter.write(view.head);
      anchoredHash = view.head.hash;
    } catch {
      // An anchor that lags behind is weaker evidence, never a false alarm.
    }
  };
  // One transaction wrapper for every write (better-sqlite3 builds four variants per wrapper,
  // which cost more than a small write itself); `body` is the write it runs this time. Inside
  // an open transaction it runs as a savepoint, so a failed inner write undoes only itself.
  let body: () => unknown = () => undefined;
  const inTransaction = w.transaction(() => body());
  const run = <T>(fn: () => T): T => {
    const saved = body;
    body = fn;
    try {
      return inTransaction.immediate() as T;
    } finally {
      body = saved;
    }
  };
  /** Set while commits are not yet on the disk: the anchor then moves once they are. */
  let anchorAfterFlush = false;
  const commit = <T>(fn: () => T): T => {
    const outer = !w.inTransaction;
    const result = run(fn);
    if (outer) {
      if (!anchorAfterFlush) advanceAnchor();
      background?.checkpointer?.afterCommit();
    }
    return result;
  };
  /**
   * Commits made without waiting for the disk, flushed in the thread pool: the anchor follows
   * only what is on the disk (after a crash before the flush, an anchor ahead of the database
   * would cry "rewound").
   */
  const flushedLater = <T>(fn: () => T, durable: (err: Error | null) => void, alone = false): T => {
    const sync = background?.sync as WalSync;
    const was = anchorAfterFlush;
    anchorAfterFlush = true;
    let result: T;
    try {
      result = withoutSync(fn);
    } finally {
      anchorAfterFlush = was;
    }
    const head = headNow();
    sync.request((err) => {
      if (!err && !closed && head) advanceAnchor(head);
      durable(err);
    }, alone);
    return result;
  };
  const headNow = (): ChainHead | null => {
    try {
      return writerView().head;
    } catch {
      return null;
    }
  };
  /** Without waiting for the disk here: SQLite writes the log, the flush comes after. */
  // Prepared once: db.pragma() compiles its statement on every call, twice per commit here.
  const syncNormal = w.prepare('PRAGMA synchronous = NORMAL');
  const syncFull = w.prepare('PRAGMA synchronous = FULL');
  const withoutSync = <T>(fn: () => T): T => {
    syncNormal.run();
    try {
      return fn();
    } finally {
      syncFull.run();
    }
  };
  // data_version moves when another connection commits; ownWrites when we change what is cached.
  // Asked once per turn of the event loop: a call reads a dozen cached values, and another
  // process's commit cannot be ordered against reads of one turn anyway (it is seen next turn).
  const dataVersion = w.prepare<[], number>('PRAGMA data_version').pluck();
  let versionThisTurn: number | null = null;
  const dataVersionNow = (): number => {
    if (versionThisTurn === null) {
      versionThisTurn = dataVersion.get() ?? 0;
      queueMicrotask(() => (versionThisTurn = null));
    }
    return versionThisTurn;
  };
  let ownWrites = 0;
  const ctx: StoreContext = {
    w,
    r: reader,
    append,
    write: (fn) => {
      ownWrites++;
      try {
        return commit(fn);
      } finally {
        ownWrites++;
      }
    },
    writeCalls: commit,
    generation: () => `${dataVersionNow()}.${ownWrites}`,
  };
  let closed = false;
  return {
    file,
    close() {
      if (closed) return;
      closed = true;
      background?.sync.close();
      background?.checkpointer?.close();
      anchorWriter.close();
      reader.close();
      w.close();
    },
    servers: serverRepo(ctx),
    tools: toolRepo(ctx),
    calls: callRepo(ctx),
    history: historyRepo(reader),
    rules: ruleRepo(ctx),
    settings: settingsRepo(ctx),
    audit: {
      verify: () => verifyStore(reader, readAnchor(anchorFile)),
      checkAnchor: () => checkAnchor(readAnchor(anchorFile), readerView()),
      reanchor: () => {
        anchorWriter.write(writerView().head);
        anchoredHash = null;
      },
    },
    retention: retentionRepo(ctx),
    transaction: ctx.writeCalls,
    unsynced(fn) {
      if (w.inTransaction) return fn();
      if (!background?.sync.open()) return withoutSync(fn);
      // On the disk soon, without anyone waiting for it.
      return flushedLater(fn, () => {});
    },
    commitDurably(fn, durable, alone = false) {
      if (w.inTransaction) throw new Error('commitDurably: already inside a transaction');
      if (!background?.sync.open()) {
        const result = commit(fn);
        durable(null);
        return result;
      }
      return flushedLater(() => commit(fn), durable, alone);
    },
    flushed: () => background?.sync.settled() ?? Promise.resolve(),
  };
}

/** The gate's way of writing: flushes in the thread pool, checkpoints in a worker thread. */
function offThread(
  w: Database.Database,
  file: string,
  opts: StoreOptions,
): { sync: WalSync; checkpointer: Checkpointer | null } {
  const flushSync = opts.flushSyncFn ?? (opts.flushFn ? null : fs.fdatasyncSync);
  const sync = new WalSync(`${path.resolve(file)}-wal`, opts.flushFn, flushSync);
  try {
    const checkpointer = new Checkpointer({
      file: path.resolve(file),
      nativeBinding: opts.nativeBinding,
      // Back to SQLite's own checkpoints, inside commits: slower, never unbounded.
      lost: () => w.pragma('wal_autocheckpoint = 1000'),
      catchUp: () => {
        if (w.open && !w.inTransaction) w.pragma('wal_checkpoint(PASSIVE)');
      },
    });
    w.pragma('wal_autocheckpoint = 0');
    return { sync, checkpointer };
  } catch {
    // No worker here: SQLite checkpoints inside commits, as without flushOffThread.
    return { sync, checkpointer: null };
  }
}
