import type Database from 'better-sqlite3';
import type { EventAppender } from './chain';

/** What every repository gets: the write connection, the read-only one, and the chain. */
export interface StoreContext {
  /** Write path: synchronous=FULL, every mutation in an IMMEDIATE transaction with its event. */
  w: Database.Database;
  /** Read path: a separate read-only connection, so a long history export never holds a lock. */
  r: Database.Database;
  append: EventAppender;
  /**
   * Runs fn in an IMMEDIATE transaction (a savepoint when already inside one). What it writes
   * may be anything the gate caches (rules, settings, tools), so cached reads start afresh.
   */
  write<T>(fn: () => T): T;
  /** As `write`, for writes that touch only the call record: cached reads stay valid. */
  writeCalls<T>(fn: () => T): T;
  /**
   * Changes whenever a cached read may be stale: after a `write` here, or once another
   * connection (the CLI, a second process) committed anything.
   */
  generation(): string;
}

export function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
