// Derived data kept behind a mark (the charts' counts, migration 010; the search index, 011):
// it covers the calls up to the mark, and a catch-up folds in the calls after it and moves the
// mark to the newest call, in the caller's transaction, so the two always move together.
import type Database from 'better-sqlite3';

export interface BehindMark {
  /** The one-row table holding the mark (`id = 1`, `call_id`). */
  table: string;
  /** Folds the calls with from < id ≤ to into the derived data. */
  fold(from: number, to: number): void;
  /**
   * The mark is missing from the file (deleted by hand), so nothing says what the data covers:
   * rebuilt from every call up to `to`. Folding from 0 instead would count every call again,
   * in every catch-up, since the mark could not be moved.
   */
  rebuild(to: number): void;
}

/** A catch-up over `data`; returns how far the mark moved (ids). */
export function markCatchUp(w: Database.Database, data: BehindMark): () => number {
  const mark = w
    .prepare<[], number | null>(`SELECT call_id FROM ${data.table} WHERE id = 1`)
    .pluck();
  const last = w.prepare<[], number | null>('SELECT max(id) FROM calls').pluck();
  const move = w.prepare<[number]>(
    `INSERT INTO ${data.table} (id, call_id) VALUES (1, ?)
     ON CONFLICT (id) DO UPDATE SET call_id = excluded.call_id`,
  );
  return () => {
    const from = mark.get();
    const to = last.get() ?? 0;
    if (from === undefined || from === null) {
      data.rebuild(to);
      move.run(to);
      return to;
    }
    if (to <= from) return 0;
    data.fold(from, to);
    move.run(to);
    return to - from;
  };
}
