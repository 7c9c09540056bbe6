import type { Migration } from './types';

// The full-text index without its per-call column sizes (`columnsize=0`): FTS5 keeps them only
// for ranking (bm25), and History orders hits by call, newest first, never by rank. That is a
// row less in a b-tree for every call recorded, and about 25 bytes a call less on the disk.
// Same columns, same triggers; the index is rebuilt once from the calls already recorded.
const COLUMNS = 'tool, arguments, approved_arguments, result_excerpt';
const NEW = 'new.tool, new.arguments, new.approved_arguments, new.result_excerpt';
const OLD = 'old.tool, old.arguments, old.approved_arguments, old.result_excerpt';

export const leanSearch: Migration = {
  version: 8,
  name: 'lean_search',
  up(db) {
    db.exec(`
      DROP TRIGGER calls_fts_insert;
      DROP TRIGGER calls_fts_delete;
      DROP TRIGGER calls_fts_update;
      DROP TABLE calls_fts;
      CREATE VIRTUAL TABLE calls_fts USING fts5(
        ${COLUMNS}, content = 'calls', content_rowid = 'id', columnsize = 0
      );
      CREATE TRIGGER calls_fts_insert AFTER INSERT ON calls BEGIN
        INSERT INTO calls_fts (rowid, ${COLUMNS}) VALUES (new.id, ${NEW});
      END;
      CREATE TRIGGER calls_fts_delete AFTER DELETE ON calls BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, ${COLUMNS}) VALUES ('delete', old.id, ${OLD});
      END;
      CREATE TRIGGER calls_fts_update AFTER UPDATE OF ${COLUMNS} ON calls BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, ${COLUMNS}) VALUES ('delete', old.id, ${OLD});
        INSERT INTO calls_fts (rowid, ${COLUMNS}) VALUES (new.id, ${NEW});
      END;
      INSERT INTO calls_fts (calls_fts) VALUES ('rebuild');
    `);
  },
};
