import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { eventHash } from '../chain';
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
import { leanSearch } from './008_lean_search';
import { MIGRATIONS } from './index';

afterEach(removeTempDirs);

const STEP = MIGRATIONS.findIndex((m) => m.name === 'lean_chain');
const DAY = 86_400_000;
const DIGEST = 'ab'.repeat(32);

/**
 * A version-8 record: written with today's store, then turned back into what version 8 kept
 * (each event's prev_hash, result digests as hex text, the full-text trigger of step 8). Three
 * calls, the first pruned away, so the kept chain starts at the anchor.
 */
function version8Record(file: string): void {
  const store = openStore(file);
  for (let i = 0; i < 3; i++) {
    const id = store.calls.record(
      call({ at: i * DAY, argumentsRaw: `{"path":"/srv/notes/n${i}.md"}` }),
      decision({ at: i * DAY + 1, kind: i === 1 ? 'denied' : 'approved' }),
    );
    store.calls.outcome(
      id,
      {
        isError: false,
        durationMs: 3,
        size: 40,
        result: { sha256: DIGEST, excerpt: `result ${i}`, chars: 8, risk: null, findings: [] },
      },
      i * DAY + 2,
    );
  }
  store.retention.prune(1, 2 * DAY);
  store.settings.set('mode', 'ask', 3 * DAY);
  expect(store.audit.verify()).toMatchObject({ ok: true, calls: 2 });
  store.close();
  const db = new Database(file);
  db.exec(`
    DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; DROP INDEX events_call;
    CREATE TABLE events_v8 (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, type TEXT NOT NULL,
      call_id INTEGER, payload TEXT NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL);
    INSERT INTO events_v8 SELECT seq, at, type, call_id, payload,
      coalesce(lag(hash) OVER (ORDER BY seq), (SELECT unhex(prev_hash) FROM chain_anchor)), hash
      FROM events;
    DROP TABLE events; ALTER TABLE events_v8 RENAME TO events;
    CREATE INDEX events_call ON events(call_id) WHERE call_id IS NOT NULL;
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    UPDATE calls SET result_sha256 = lower(hex(result_sha256)) WHERE typeof(result_sha256) = 'blob';
  `);
  leanSearch.up(db);
  undoStatsBehind(db);
  undoSearchBehind(db);
  db.pragma(`user_version = ${STEP}`);
  db.close();
}

const columns = (db: Database.Database, table: string): string[] =>
  db.prepare<[string], string>('SELECT name FROM pragma_table_info(?)').pluck().all(table);

describe('migration 009 lean chain', () => {
  it('is the step after version 8', () => {
    expect(STEP).toBe(8);
    const db = new Database(path.join(tempDir(), 'a.db'));
    expect(migrate(db)).toEqual({ from: 0, to: MIGRATIONS.length });
    expect(columns(db, 'events')).toEqual(['seq', 'at', 'type', 'call_id', 'payload', 'hash']);
    db.close();
  });

  it('carries a pruned version-8 record over, and it verifies and goes on', () => {
    const file = path.join(tempDir(), 'old.db');
    version8Record(file);
    const before = new Database(file, { readonly: true });
    expect(columns(before, 'events')).toContain('prev_hash');
    expect(
      before.prepare('SELECT DISTINCT typeof(result_sha256) FROM calls').pluck().all(),
    ).toEqual(['text']);
    before.close();

    const store = openStore(file);
    expect(store.audit.verify()).toMatchObject({ ok: true, calls: 2 });
    const db = new Database(file, { readonly: true });
    expect(userVersion(db)).toBe(MIGRATIONS.length);
    expect(columns(db, 'events')).not.toContain('prev_hash');
    expect(db.prepare('SELECT DISTINCT length(result_sha256) FROM calls').pluck().all()).toEqual([
      32,
    ]);
    db.close();
    // Read back as the hex it was written as.
    expect(store.history.query({}).map((r) => r.result?.sha256)).toEqual([DIGEST, DIGEST]);
    expect(store.history.query({ search: 'n2' }).map((r) => r.result?.excerpt)).toEqual([
      'result 2',
    ]);
    const id = store.calls.record(call({ at: 4 * DAY }), decision({ at: 4 * DAY }));
    store.calls.outcome(id, {
      isError: true,
      durationMs: 1,
      size: 1,
      result: { sha256: 'cd'.repeat(32), excerpt: '', chars: 0, risk: null, findings: [] },
    });
    expect(store.audit.verify()).toMatchObject({ ok: true, calls: 3 });
    store.retention.prune(1, 4 * DAY);
    expect(store.audit.verify()).toMatchObject({ ok: true, calls: 1 });
    store.close();
  });

  it('still catches an old row forged with its hash recomputed, at the row after it', () => {
    const file = path.join(tempDir(), 'old.db');
    version8Record(file);
    const db = new Database(file);
    db.exec('DROP TRIGGER events_no_update');
    const last = db.prepare<[], number>('SELECT max(seq) FROM events').pluck().get() as number;
    const forged = last - 1;
    // The forger keeps the row consistent with its own prev_hash, as version 8 stored it.
    const row = db
      .prepare(
        'SELECT at, type, call_id, payload, lower(hex(prev_hash)) AS prev FROM events WHERE seq = ?',
      )
      .get(forged) as {
      at: number;
      type: string;
      call_id: number | null;
      payload: string;
      prev: string;
    };
    const hash = eventHash({
      seq: forged,
      at: row.at + 1,
      type: row.type,
      callId: row.call_id,
      payload: row.payload,
      prevHash: row.prev,
    });
    db.prepare('UPDATE events SET at = at + 1, hash = unhex(?) WHERE seq = ?').run(hash, forged);
    db.close();
    const store = openStore(file);
    expect(store.audit.verify()).toMatchObject({
      ok: false,
      firstBadSeq: last,
      problem: `row ${last} was changed (its hash does not match)`,
    });
    store.close();
  });

  it('keeps a result digest that is not hex as it was, so verify names its call', () => {
    const file = path.join(tempDir(), 'old.db');
    version8Record(file);
    const db = new Database(file);
    db.prepare("UPDATE calls SET result_sha256 = 'edited' WHERE id = 3").run();
    db.close();
    const store = openStore(file);
    expect(store.history.get(3)?.result?.sha256).toBe('edited');
    expect(store.audit.verify()).toMatchObject({ ok: false, callId: 3 });
    store.close();
  });

  it('re-indexes a call for full-text search only when an indexed value changed', () => {
    const file = path.join(tempDir(), 'a.db');
    const store = openStore(file);
    const id = store.calls.record(call({ argumentsRaw: '{"path":"/srv/alpha.md"}' }), decision());
    const db = new Database(file, { readonly: true });
    const indexRows = (): number =>
      db.prepare<[], number>('SELECT count(*) FROM calls_fts_data').pluck().get() as number;
    const rows = indexRows();
    // An outcome with no excerpt (the excerpt setting at 0) touches no indexed text.
    store.calls.outcome(id, {
      isError: false,
      durationMs: 1,
      size: 1,
      result: { sha256: DIGEST, excerpt: '', chars: 0, risk: null, findings: [] },
    });
    expect(indexRows()).toBe(rows);
    expect(store.history.query({ search: 'alpha' }).map((r) => r.id)).toEqual([id]);
    // A value that does change is indexed: the old text goes, the new one is found.
    const w = new Database(file);
    w.prepare(`UPDATE calls SET result_excerpt = 'shadowfax' WHERE id = ?`).run(id);
    w.close();
    expect(store.history.query({ search: 'shadowfax' }).map((r) => r.id)).toEqual([id]);
    expect(store.history.query({ search: 'alpha' }).map((r) => r.id)).toEqual([id]);
    db.close();
    store.close();
  });
});
