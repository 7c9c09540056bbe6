import type { Migration } from './types';

// The full-text index (migration 008) no longer written in the transaction of every call
// recorded. An ask-mode call was indexed three times: its arguments when the decision was
// committed, then, when its result excerpt arrived, the whole row deleted from the index and
// indexed again. The first of these was a third of the pages a decision's commit wrote and
// flushed before its call could go ahead. Now the index holds the calls up to a mark
// (call_search_upto); the gate indexes the calls after it, as they are by then (usually with
// their result), in its next batch of records, and moves the mark in the same transaction (see
// searchIndex.ts). A search reads the calls after the mark from the table itself, so it misses
// nothing meanwhile, and a crash loses nothing: the next batch indexes what was left.
// Updates and deletes keep the index exact for the calls it holds, as before; a call after the
// mark is neither removed from it nor re-indexed (it is not in it). A call recorded under an id
// at or below the mark (an id reused after the newest calls were deleted) is indexed at once.

/** The last call the full-text index holds; every call after it is not in the index. */
export const SEARCH_UPTO = '(SELECT call_id FROM call_search_upto WHERE id = 1)';

// The indexed columns and the triggers' statements as migration 009 left them, copied here
// rather than imported: what this migration creates must never change with an edit elsewhere.
const COLUMNS = 'tool, arguments, approved_arguments, result_excerpt';
const NEW = 'new.tool, new.arguments, new.approved_arguments, new.result_excerpt';
const OLD = 'old.tool, old.arguments, old.approved_arguments, old.result_excerpt';
const changed = COLUMNS.split(', ')
  .map((c) => `coalesce(old.${c}, '') IS NOT coalesce(new.${c}, '')`)
  .join(' OR ');
const below = (row: string) => `${row}.id <= ${SEARCH_UPTO}`;

export const searchBehind: Migration = {
  version: 11,
  name: 'search_behind',
  up(db) {
    db.exec(`
      CREATE TABLE call_search_upto (id INTEGER PRIMARY KEY CHECK (id = 1), call_id INTEGER NOT NULL);
      INSERT INTO call_search_upto (id, call_id) VALUES (1, coalesce((SELECT max(id) FROM calls), 0));

      DROP TRIGGER calls_fts_insert;
      DROP TRIGGER calls_fts_update;
      DROP TRIGGER calls_fts_delete;
      CREATE TRIGGER calls_fts_insert AFTER INSERT ON calls WHEN ${below('new')} BEGIN
        INSERT INTO calls_fts (rowid, ${COLUMNS}) VALUES (new.id, ${NEW});
      END;
      CREATE TRIGGER calls_fts_update AFTER UPDATE OF ${COLUMNS} ON calls
      WHEN ${below('old')} AND (${changed})
      BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, ${COLUMNS}) VALUES ('delete', old.id, ${OLD});
        INSERT INTO calls_fts (rowid, ${COLUMNS}) VALUES (new.id, ${NEW});
      END;
      -- A call after the mark was never indexed: a 'delete' of it would corrupt the index.
      CREATE TRIGGER calls_fts_delete AFTER DELETE ON calls WHEN ${below('old')} BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, ${COLUMNS}) VALUES ('delete', old.id, ${OLD});
      END;
    `);
  },
};
