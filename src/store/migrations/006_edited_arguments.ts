import type { Migration } from './types';

// Edit, then approve: a call's record keeps both what the agent asked (`arguments`) and what
// the person approved instead (`approved_arguments`, NULL when not edited). Full-text search
// covers both, so History finds a call by either; the index is rebuilt once with the new column.
export const editedArguments: Migration = {
  version: 6,
  name: 'edited_arguments',
  up(db) {
    db.exec(`
      ALTER TABLE calls ADD COLUMN approved_arguments TEXT;
      DROP TRIGGER calls_fts_insert;
      DROP TRIGGER calls_fts_delete;
      DROP TRIGGER calls_fts_update;
      DROP TABLE calls_fts;
      CREATE VIRTUAL TABLE calls_fts USING fts5(
        tool, arguments, approved_arguments, content = 'calls', content_rowid = 'id'
      );
      CREATE TRIGGER calls_fts_insert AFTER INSERT ON calls BEGIN
        INSERT INTO calls_fts (rowid, tool, arguments, approved_arguments)
        VALUES (new.id, new.tool, new.arguments, new.approved_arguments);
      END;
      CREATE TRIGGER calls_fts_delete AFTER DELETE ON calls BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, tool, arguments, approved_arguments)
        VALUES ('delete', old.id, old.tool, old.arguments, old.approved_arguments);
      END;
      CREATE TRIGGER calls_fts_update AFTER UPDATE OF tool, arguments, approved_arguments ON calls
      BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, tool, arguments, approved_arguments)
        VALUES ('delete', old.id, old.tool, old.arguments, old.approved_arguments);
        INSERT INTO calls_fts (rowid, tool, arguments, approved_arguments)
        VALUES (new.id, new.tool, new.arguments, new.approved_arguments);
      END;
      INSERT INTO calls_fts (calls_fts) VALUES ('rebuild');
    `);
  },
};
