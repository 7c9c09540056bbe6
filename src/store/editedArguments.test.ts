// Edit, then approve, in the record: both argument sets kept, both searchable, on the chain.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from './migrate';
import { MIGRATIONS } from './migrations';
import { openStore } from './store';
import { call, decision, removeTempDirs, tempDir, tempStore } from './test-support';

afterEach(removeTempDirs);

const EDITED = '{"path":"/home/ana/drafts/notes.md","content":"hello"}';

function recordEdited(file?: string) {
  const made = file ? { store: openStore(file), file } : tempStore();
  const { store } = made;
  const edited = store.calls.begin(call());
  store.calls.decide(edited, decision({ approvedArgumentsRaw: EDITED }));
  const plain = store.calls.begin(call({ at: 2_000 }));
  store.calls.decide(plain, decision({ at: 4_000 }));
  return { ...made, edited, plain };
}

function tamper(file: string, sql: string): void {
  const db = new Database(file);
  db.exec(sql);
  db.close();
}

function verify(file: string) {
  const store = openStore(file);
  try {
    return store.audit.verify();
  } finally {
    store.close();
  }
}

describe('edited arguments in the record', () => {
  it('keeps what the agent asked and what was approved; null when not edited', () => {
    const { store, edited, plain } = recordEdited();
    expect(store.history.get(edited)).toMatchObject({
      decision: 'approved',
      arguments: { path: '/home/ana/notes.md', content: 'hello' },
      approvedArguments: { path: '/home/ana/drafts/notes.md', content: 'hello' },
    });
    expect(store.history.get(plain)?.approvedArguments).toBeNull();
    expect(store.audit.verify()).toMatchObject({ ok: true, calls: 2 });
    store.close();
  });

  it('finds a call by text only its approved arguments hold', () => {
    const { store, edited } = recordEdited();
    expect(store.history.query({ search: 'drafts' }).map((r) => r.id)).toEqual([edited]);
    expect(store.history.query({ search: 'notes' })).toHaveLength(2);
    store.close();
  });

  it('exports both', () => {
    const { store } = recordEdited();
    let csv = '';
    store.history.exportCsv({}, (c) => (csv += c));
    expect(csv.split('\n')[0]).toMatch(/,approved_arguments\r?$/);
    expect(csv).toContain('drafts/notes.md');
    let json = '';
    store.history.exportJson({}, (c) => (json += c));
    const rows = JSON.parse(json) as { approvedArguments: unknown }[];
    expect(rows.map((r) => r.approvedArguments)).toEqual([null, JSON.parse(EDITED)]);
    store.close();
  });

  it('audit verify catches approved arguments changed, added or removed behind the chain', () => {
    for (const sql of [
      `UPDATE calls SET approved_arguments = '{"path":"/etc/passwd"}' WHERE approved_arguments IS NOT NULL`,
      `UPDATE calls SET approved_arguments = NULL`,
      `UPDATE calls SET approved_arguments = '{"path":"/etc/passwd"}' WHERE approved_arguments IS NULL`,
    ]) {
      const { store, file } = recordEdited();
      store.close();
      expect(verify(file)).toMatchObject({ ok: true });
      tamper(file, sql);
      expect(verify(file), sql).toMatchObject({ ok: false });
    }
  });
});

describe('migration 006 edited arguments', () => {
  it('adds the column to a version-5 store and indexes both for search, old rows included', () => {
    const file = path.join(tempDir(), 'a.db');
    const db = new Database(file);
    migrate(db, MIGRATIONS.slice(0, 5));
    db.prepare(
      `INSERT INTO calls (at, session_id, host, server, tool, arguments, risk, reasons)
       VALUES (1, 's', 'h', 'fs', 'write_file', '{"path":"/old/place"}', 'low', '[]')`,
    ).run();
    expect(migrate(db, MIGRATIONS.slice(0, 6))).toEqual({ from: 5, to: 6 });
    expect(db.prepare('SELECT approved_arguments FROM calls').get()).toEqual({
      approved_arguments: null,
    });
    const hits = (word: string) =>
      db.prepare('SELECT rowid FROM calls_fts WHERE calls_fts MATCH ?').pluck().all(word);
    expect(hits('place')).toEqual([1]);
    db.prepare(`UPDATE calls SET approved_arguments = '{"path":"/new/spot"}'`).run();
    expect(hits('spot')).toEqual([1]);
    expect(hits('place')).toEqual([1]);
    db.prepare('DELETE FROM calls').run();
    expect(hits('spot')).toEqual([]);
    db.close();
  });
});
