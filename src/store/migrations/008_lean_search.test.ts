import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { openStore } from '../store';
import { call, decision, removeTempDirs, tempDir } from '../testSupport';
import { MIGRATIONS } from './index';

afterEach(removeTempDirs);

const STEP = MIGRATIONS.findIndex((m) => m.name === 'lean_search');

const hits = (db: Database.Database, q: string): number[] =>
  db
    .prepare<[string], number>('SELECT rowid FROM calls_fts WHERE calls_fts MATCH ? ORDER BY rowid')
    .pluck()
    .all(q);

describe('migration lean_search', () => {
  it('keeps every call of an older store searchable by each column, and the triggers in step', () => {
    const db = new Database(path.join(tempDir(), 'a.db'));
    migrate(db, MIGRATIONS.slice(0, STEP));
    db.prepare(
      `INSERT INTO calls (at, session_id, host, server, tool, arguments, risk, reasons, decision,
         approved_arguments, result_excerpt)
       VALUES (1, 's', 'h', 'fs', 'read_file', '{"path":"/etc/passwd"}', 'low', '[]', 'approved',
         '{"path":"/etc/hostname"}', 'root:x:0:0 shadowfax')`,
    ).run();
    const tables = (): string[] =>
      db
        .prepare<[], string>("SELECT name FROM sqlite_schema WHERE name LIKE 'calls_fts%'")
        .pluck()
        .all();
    expect(tables()).toContain('calls_fts_docsize');
    expect(migrate(db)).toEqual({ from: STEP, to: MIGRATIONS.length });
    // No per-call sizes any more: the table FTS5 kept them in is gone.
    expect(tables()).not.toContain('calls_fts_docsize');
    for (const word of ['read_file', 'passwd', 'hostname', 'shadowfax']) {
      expect(hits(db, `"${word}"`)).toEqual([1]);
    }
    expect(hits(db, '"etc/passwd"')).toEqual([1]); // phrases still work (positions kept)
    db.prepare("UPDATE calls SET result_excerpt = 'nothing here' WHERE id = 1").run();
    expect(hits(db, 'shadowfax')).toEqual([]);
    expect(hits(db, 'nothing')).toEqual([1]);
    db.prepare('DELETE FROM calls WHERE id = 1').run();
    expect(hits(db, 'passwd')).toEqual([]);
    expect(
      db.prepare("INSERT INTO calls_fts (calls_fts) VALUES ('integrity-check')").run(),
    ).toBeTruthy();
    db.close();
  });

  it('a migrated store records, finds and verifies calls as before', () => {
    const file = path.join(tempDir(), 'airlock.db');
    const old = new Database(file);
    migrate(old, MIGRATIONS.slice(0, STEP));
    old.close();
    const store = openStore(file);
    const id = store.calls.record(
      call({ argumentsRaw: '{"path":"/srv/notes/alpha.md"}' }),
      decision(),
    );
    expect(store.history.query({ search: 'alpha' }).map((r) => r.id)).toEqual([id]);
    expect(store.history.query({ search: 'srv/notes' }).map((r) => r.id)).toEqual([id]);
    expect(store.audit.verify()).toMatchObject({ ok: true, calls: 1 });
    store.close();
  });
});
