// The full-text index runs behind the calls (migration 011): the gate indexes the calls recorded
// after the mark in its batches of records, and a search covers the calls not indexed yet by
// indexing them, on the reading connection only, in a temporary index of the same shape.
import type Database from 'better-sqlite3';
import { markCatchUp } from './markCatchUp';
import { SEARCH_UPTO } from './migrations/011_search_behind';

const COLUMNS = 'tool, arguments, approved_arguments, result_excerpt';

/**
 * A search indexes at most this many of the newest calls after the mark, each time it runs. The
 * gate keeps the calls after the mark to those of its last fraction of a second; more are only
 * left by a gate that stopped before its batch (a crash), and its next start indexes them.
 */
export const MAX_TAIL_CALLS = 5_000;

/**
 * Indexes the calls after the mark, as they are now, and moves the mark to the newest call (run
 * inside a transaction: the index and its mark move together). Returns how far it moved (ids).
 */
export function searchCatchUp(w: Database.Database): () => number {
  const index = w.prepare<[number, number]>(
    `INSERT INTO calls_fts (rowid, ${COLUMNS})
     SELECT id, ${COLUMNS} FROM calls WHERE id > ? AND id <= ?`,
  );
  const rebuild = w.prepare("INSERT INTO calls_fts (calls_fts) VALUES ('rebuild')");
  return markCatchUp(w, {
    table: 'call_search_upto',
    fold: (from, to) => index.run(from, to),
    rebuild: () => rebuild.run(),
  });
}

/** Where a search matches its words: an index table, and the calls it may return. */
export interface SearchSource {
  /** `calls_fts`, or the temporary `calls_fts_tail` of the calls after the mark. */
  table: 'calls_fts' | 'calls_fts_tail';
  /** Only calls at or below this id (the index, while the tail holds the ones after it). */
  upTo?: number;
}

export const INDEXED: SearchSource = { table: 'calls_fts' };
const TAIL: SearchSource = { table: 'calls_fts_tail' };

/**
 * The reading side: before a search, `sources()` fills the temporary index with the calls after
 * the mark (again only when another connection has written since) and says where to match.
 * Newest first: the tail's calls all come after the index's.
 */
export function searchTail(r: Database.Database): { sources(): SearchSource[] } {
  let fill: Database.Statement<[number, number]> | null = null;
  let filledAt: { version: number; upTo: number } | null = null;
  let filled = false;
  const mark = r.prepare<[], number>(`SELECT ${SEARCH_UPTO}`).pluck();
  const dataVersion = r.prepare<[], number>('PRAGMA data_version').pluck();
  return {
    sources() {
      const version = dataVersion.get()!;
      const upTo = mark.get() ?? 0;
      if (filledAt?.version !== version || filledAt.upTo !== upTo) {
        if (!fill) {
          // In the connection's own temporary schema: a read-only connection may write there.
          r.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.calls_fts_tail USING fts5(${COLUMNS})`);
          fill = r.prepare(
            `INSERT INTO temp.calls_fts_tail (rowid, ${COLUMNS})
             SELECT id, ${COLUMNS} FROM calls WHERE id > ? ORDER BY id DESC LIMIT ?`,
          );
        }
        r.exec('DELETE FROM temp.calls_fts_tail');
        filled = fill.run(upTo, MAX_TAIL_CALLS).changes > 0;
        filledAt = { version, upTo };
      }
      return filled ? [TAIL, { ...INDEXED, upTo }] : [INDEXED];
    },
  };
}
