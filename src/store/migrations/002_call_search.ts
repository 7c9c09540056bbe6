import type { Migration } from './types';

// Full-text search over tool names and arguments. External content: the text stays in `calls`
// once; triggers keep the index in step, and the rebuild indexes calls recorded before this step.
export const callSearch: Migration = {
  version: 2,
  name: 'call_search',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE calls_fts USING fts5(
        tool, arguments, content = 'calls', content_rowid = 'id'
      );
      CREATE TRIGGER calls_fts_insert AFTER INSERT ON calls BEGIN
        INSERT INTO calls_fts (rowid, tool, arguments) VALUES (new.id, new.tool, new.arguments);
      END;
      CREATE TRIGGER calls_fts_delete AFTER DELETE ON calls BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, tool, arguments)
        VALUES ('delete', old.id, old.tool, old.arguments);
      END;
      CREATE TRIGGER calls_fts_update AFTER UPDATE OF tool, arguments ON calls BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, tool, arguments)
        VALUES ('delete', old.id, old.tool, old.arguments);
        INSERT INTO calls_fts (rowid, tool, arguments) VALUES (new.id, new.tool, new.arguments);
      END;
      INSERT INTO calls_fts (calls_fts) VALUES ('rebuild');
    `);
  },
};
