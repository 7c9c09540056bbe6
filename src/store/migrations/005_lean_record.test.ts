import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, userVersion } from '../migrate';
import { openStore } from '../store';
import {
  call,
  decision,
  removeTempDirs,
  tempDir,
  undoSearchBehind,
  undoStatsBehind,
} from '../testSupport';
import { callSearch } from './002_call_search';
import { MIGRATIONS } from './index';

afterEach(removeTempDirs);

const BEFORE = MIGRATIONS.findIndex((m) => m.version === 5);

/** A version-4 record written the old way: hex hashes, call events carrying their facts whole. */
function oldRecord(file: string): void {
  // The store of this version writes lean rows; an old one is made by writing with it at
  // version 4 schema... which it cannot. So: write today's rows, then turn them back into
  // what a version-4 file held (hex text hashes), as a version-4 Airlock left them.
  const store = openStore(file);
  for (let i = 0; i < 3; i++) {
    const id = store.calls.begin(call({ at: 100 + i }));
    store.calls.decide(id, decision({ at: 200 + i, kind: i === 1 ? 'denied' : 'approved' }));
  }
  store.settings.set('mode', 'observe', 300);
  store.close();
  const db = new Database(file);
  db.exec(`
    DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; DROP INDEX events_call;
    CREATE TABLE events_hex (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, type TEXT NOT NULL,
      call_id INTEGER, payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
    INSERT INTO events_hex SELECT seq, at, type, call_id, payload,
      coalesce(lag(lower(hex(hash))) OVER (ORDER BY seq), '${'0'.repeat(64)}'), lower(hex(hash))
      FROM events;
    DROP TABLE events; ALTER TABLE events_hex RENAME TO events;
    CREATE INDEX events_call ON events(call_id) WHERE call_id IS NOT NULL;
  `);
  undoLaterSteps(db);
  db.pragma('user_version = 4');
  db.close();
}

/** The store above was made at the newest version: take back what steps after 4 added. */
function undoLaterSteps(db: Database.Database): void {
  db.exec(`
    DROP TRIGGER calls_fts_insert; DROP TRIGGER calls_fts_delete; DROP TRIGGER calls_fts_update;
    DROP TABLE calls_fts;
    ALTER TABLE calls DROP COLUMN result_sha256; ALTER TABLE calls DROP COLUMN result_excerpt;
    ALTER TABLE calls DROP COLUMN result_chars; ALTER TABLE calls DROP COLUMN result_risk;
    ALTER TABLE calls DROP COLUMN result_findings; ALTER TABLE calls DROP COLUMN result_review;
    ALTER TABLE rules DROP COLUMN review_results; ALTER TABLE calls DROP COLUMN approved_arguments;
  `);
  callSearch.up(db);
  undoStatsBehind(db);
  undoSearchBehind(db);
}

describe('migration 005 lean record', () => {
  it('applies on an empty database', () => {
    const db = new Database(path.join(tempDir(), 'a.db'));
    expect(migrate(db, MIGRATIONS.slice(0, BEFORE + 1))).toEqual({ from: 0, to: BEFORE + 1 });
    expect(
      db
        .prepare("SELECT type FROM pragma_table_info('events') WHERE name IN ('hash', 'prev_hash')")
        .pluck()
        .all(),
    ).toEqual(['BLOB', 'BLOB']);
    db.close();
  });

  it('carries an old record over as bytes, and it still verifies', () => {
    const file = path.join(tempDir(), 'old.db');
    oldRecord(file);
    const store = openStore(file);
    expect(store.audit.verify()).toMatchObject({ ok: true, rows: 7, calls: 3 });
    const db = new Database(file, { readonly: true });
    expect(userVersion(db)).toBe(MIGRATIONS.length);
    expect(db.prepare('SELECT DISTINCT typeof(hash) FROM events').pluck().all()).toEqual(['blob']);
    expect(db.prepare('SELECT length(hash) FROM events WHERE seq = 1').pluck().get()).toBe(32);
    db.close();
    // And the chain goes on from the migrated rows.
    store.calls.record(call({ at: 400 }), decision({ at: 400 }));
    expect(store.audit.verify()).toMatchObject({ ok: true, rows: 8, calls: 4 });
    store.close();
  });

  it('keeps an edited hash as it was, so verify still names the row', () => {
    const file = path.join(tempDir(), 'old.db');
    oldRecord(file);
    const db = new Database(file);
    db.prepare("UPDATE events SET hash = 'not a hash' WHERE seq = 2").run();
    db.close();
    const store = openStore(file);
    expect(store.audit.verify()).toMatchObject({
      ok: false,
      firstBadSeq: 2,
      problem: expect.stringMatching(/changed/),
    });
    store.close();
  });

  it('still keeps the events append-only', () => {
    const file = path.join(tempDir(), 'old.db');
    oldRecord(file);
    const store = openStore(file);
    store.close();
    const db = new Database(file);
    expect(() => db.prepare("UPDATE events SET payload = '{}' WHERE seq = 1").run()).toThrow(
      /append-only/,
    );
    expect(() => db.prepare('DELETE FROM events WHERE seq = 1').run()).toThrow(/append-only/);
    db.close();
  });

  it('is the step after version 4', () => {
    expect(BEFORE).toBe(4);
  });
});
