import type { Migration } from './types';

// A leaner chain row and call row:
// - Events lose `prev_hash`. It repeated the hash of the row before, which `audit verify` reads
//   anyway: each row's hash is recomputed over the previous row's stored hash (or the anchor's
//   for the first kept row), so an edited, reordered or relinked row fails exactly as before.
// - A call's result digest is kept as its 32 bytes instead of 64 hex characters, as the chain's
//   hashes are since migration 5. It is read back as hex (the chain's digest of a call's facts
//   covers the hex text). A value that is not 64 lowercase hex characters stays as it is, so an
//   edited row is still reported by verify instead of the migration hiding it.
// - The full-text index is re-written on an update only when an indexed value changed (NULL and
//   '' index alike): recording an outcome without a result excerpt no longer deletes and
//   re-inserts the call's arguments in the index.
const COLUMNS = 'tool, arguments, approved_arguments, result_excerpt';
const NEW = 'new.tool, new.arguments, new.approved_arguments, new.result_excerpt';
const OLD = 'old.tool, old.arguments, old.approved_arguments, old.result_excerpt';
const changed = COLUMNS.split(', ')
  .map((c) => `coalesce(old.${c}, '') IS NOT coalesce(new.${c}, '')`)
  .join(' OR ');

/** A 64-character lowercase hex digest, the only text turned into bytes. */
export const isHexDigest = (col: string): string =>
  `(typeof(${col}) = 'text' AND length(${col}) = 64 AND ${col} NOT GLOB '*[^0-9a-f]*')`;

export const leanChain: Migration = {
  version: 9,
  name: 'lean_chain',
  up(db) {
    db.exec(`
      CREATE TABLE events_lean (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        call_id INTEGER,
        payload TEXT NOT NULL,
        hash BLOB NOT NULL
      );
      INSERT INTO events_lean (seq, at, type, call_id, payload, hash)
        SELECT seq, at, type, call_id, payload, hash FROM events ORDER BY seq;
      DROP TABLE events;
      ALTER TABLE events_lean RENAME TO events;
      CREATE INDEX events_call ON events(call_id) WHERE call_id IS NOT NULL;
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events
      BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER events_no_delete BEFORE DELETE ON events
      WHEN OLD.seq >= (SELECT first_seq FROM chain_anchor WHERE id = 1)
      BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

      UPDATE calls SET result_sha256 = unhex(result_sha256) WHERE ${isHexDigest('result_sha256')};

      DROP TRIGGER calls_fts_update;
      CREATE TRIGGER calls_fts_update AFTER UPDATE OF ${COLUMNS} ON calls
      WHEN ${changed}
      BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, ${COLUMNS}) VALUES ('delete', old.id, ${OLD});
        INSERT INTO calls_fts (rowid, ${COLUMNS}) VALUES (new.id, ${NEW});
      END;
    `);
  },
};
