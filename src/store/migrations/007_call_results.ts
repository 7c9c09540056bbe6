import type { Migration } from './types';

// What came back from each gated call: the digest of the response the host received, a bounded
// excerpt of its text (secrets masked before it is stored), how much text there was, and what
// the result scan found (a risk level and its reasons). The full-text index gains the excerpt,
// so History's search finds calls by what they returned as well as by what they asked (and
// what was approved instead, migration 6).
export const callResults: Migration = {
  version: 7,
  name: 'call_results',
  up(db) {
    db.exec(`
      ALTER TABLE calls ADD COLUMN result_sha256 TEXT;
      ALTER TABLE calls ADD COLUMN result_excerpt TEXT;
      ALTER TABLE calls ADD COLUMN result_chars INTEGER;
      ALTER TABLE calls ADD COLUMN result_risk TEXT;
      ALTER TABLE calls ADD COLUMN result_findings TEXT;
      ALTER TABLE calls ADD COLUMN result_review TEXT;
      -- An allow rule may hold the results of the calls it lets through for review.
      ALTER TABLE rules ADD COLUMN review_results TEXT;

      DROP TRIGGER calls_fts_insert;
      DROP TRIGGER calls_fts_delete;
      DROP TRIGGER calls_fts_update;
      DROP TABLE calls_fts;
      CREATE VIRTUAL TABLE calls_fts USING fts5(
        tool, arguments, approved_arguments, result_excerpt, content = 'calls', content_rowid = 'id'
      );
      CREATE TRIGGER calls_fts_insert AFTER INSERT ON calls BEGIN
        INSERT INTO calls_fts (rowid, tool, arguments, approved_arguments, result_excerpt)
        VALUES (new.id, new.tool, new.arguments, new.approved_arguments, new.result_excerpt);
      END;
      CREATE TRIGGER calls_fts_delete AFTER DELETE ON calls BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, tool, arguments, approved_arguments, result_excerpt)
        VALUES ('delete', old.id, old.tool, old.arguments, old.approved_arguments, old.result_excerpt);
      END;
      CREATE TRIGGER calls_fts_update AFTER UPDATE OF tool, arguments, approved_arguments, result_excerpt ON calls
      BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, tool, arguments, approved_arguments, result_excerpt)
        VALUES ('delete', old.id, old.tool, old.arguments, old.approved_arguments, old.result_excerpt);
        INSERT INTO calls_fts (rowid, tool, arguments, approved_arguments, result_excerpt)
        VALUES (new.id, new.tool, new.arguments, new.approved_arguments, new.result_excerpt);
      END;
      INSERT INTO calls_fts (calls_fts) VALUES ('rebuild');
    `);
  },
};
