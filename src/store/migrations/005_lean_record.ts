import type { Migration } from './types';

// The chain's hashes as 32 bytes instead of 64 hex characters (two per event). The hashes stay
// what they were (each covers the previous one's hex text), so every old row still verifies.
// A value that is not exactly 64 lowercase hex characters (a row someone edited) is kept as it
// is, so `airlock audit verify` still reports it instead of the migration failing or hiding it.
const asBytes = (col: string): string =>
  `CASE WHEN length(${col}) = 64 AND ${col} NOT GLOB '*[^0-9a-f]*' THEN unhex(${col}) ELSE ${col} END`;

export const leanRecord: Migration = {
  version: 5,
  name: 'lean_record',
  up(db) {
    db.exec(`
      CREATE TABLE events_lean (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        call_id INTEGER,
        payload TEXT NOT NULL,
        prev_hash BLOB NOT NULL,
        hash BLOB NOT NULL
      );
      INSERT INTO events_lean (seq, at, type, call_id, payload, prev_hash, hash)
        SELECT seq, at, type, call_id, payload, ${asBytes('prev_hash')}, ${asBytes('hash')}
        FROM events ORDER BY seq;
      DROP TABLE events;
      ALTER TABLE events_lean RENAME TO events;
      CREATE INDEX events_call ON events(call_id) WHERE call_id IS NOT NULL;
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events
      BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER events_no_delete BEFORE DELETE ON events
      WHEN OLD.seq >= (SELECT first_seq FROM chain_anchor WHERE id = 1)
      BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    `);
  },
};

/**
 * A chain hash column read back as the hex text every hash is computed over. Bytes are what
 * this version writes; text is what older rows, or hands editing the file, may have left.
 */
export const hashHex = (col: string): string =>
  `(CASE WHEN typeof(${col}) = 'blob' THEN lower(hex(${col})) ELSE ${col} END)`;
