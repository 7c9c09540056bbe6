import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { historyRepo } from '../history';
import { searchCatchUp } from '../searchIndex';
import { removeTempDirs, tempDir } from '../testSupport';
import { MIGRATIONS } from './index';

afterEach(removeTempDirs);

const STEP = MIGRATIONS.findIndex((m) => m.name === 'search_behind');

function insertCall(db: Database.Database, args: string): number {
  return Number(
    db
      .prepare(
        `INSERT INTO calls (at, session_id, host, server, tool, arguments, risk, reasons, decision)
         VALUES (1, 's', 'h', 'fs', 'echo', ?, 'low', '[]', 'approved')`,
      )
      .run(args).lastInsertRowid,
  );
}

describe('migration 011 search behind', () => {
  it('is the step after version 10', () => {
    expect(STEP).toBe(10);
  });

  it('keeps the index of a version-10 file, and leaves later calls to the catch-up', () => {
    const file = path.join(tempDir(), 'a.db');
    const db = new Database(file);
    migrate(db, MIGRATIONS.slice(0, STEP));
    const old = [insertCall(db, 'common old one'), insertCall(db, 'common old two')];
    migrate(db);
    expect(db.prepare('SELECT call_id FROM call_search_upto').pluck().get()).toBe(old[1]);
    const indexed = () =>
      db
        .prepare("SELECT rowid FROM calls_fts WHERE calls_fts MATCH 'common' ORDER BY rowid")
        .pluck()
        .all();
    expect(indexed()).toEqual(old);
    const late = insertCall(db, 'common late');
    expect(indexed()).toEqual(old);
    const reader = new Database(file, { readonly: true });
    const search = () =>
      historyRepo(reader)
        .query({ search: 'common' })
        .map((r) => r.id);
    expect(search()).toEqual([late, ...old].sort((a, b) => b - a));
    expect(searchCatchUp(db)()).toBe(1);
    expect(indexed()).toEqual([...old, late]);
    expect(search()).toEqual([late, ...old].sort((a, b) => b - a));
    db.exec("INSERT INTO calls_fts (calls_fts, rank) VALUES ('integrity-check', 1)");
    reader.close();
    db.close();
  });
});
