import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, userVersion } from '../migrate';
import { removeTempDirs, tempDir } from '../testSupport';
import { initial } from './001_initial';
import { MIGRATIONS } from './index';

afterEach(removeTempDirs);

const insertCall = (db: Database.Database, tool: string, args: string) =>
  db
    .prepare(
      `INSERT INTO calls (at, session_id, host, server, tool, arguments, risk, reasons, decision)
       VALUES (1, 's', 'h', 'fs', ?, ?, 'low', '[]', 'approved')`,
    )
    .run(tool, args).lastInsertRowid;

const match = (db: Database.Database, q: string) =>
  db
    .prepare<[string], number>('SELECT rowid FROM calls_fts WHERE calls_fts MATCH ? ORDER BY rowid')
    .pluck()
    .all(q);

describe('migration 002 call search', () => {
  it('applies on an empty database', () => {
    const db = new Database(path.join(tempDir(), 'a.db'));
    expect(migrate(db, MIGRATIONS.slice(0, 2))).toEqual({ from: 0, to: 2 });
    expect(match(db, 'anything')).toEqual([]);
    db.close();
  });

  it('indexes the calls a version-1 store already holds, then keeps in step', () => {
    const db = new Database(path.join(tempDir(), 'a.db'));
    migrate(db, [initial]);
    const old = insertCall(db, 'read_file', '{"path":"/etc/passwd"}');
    expect(migrate(db, MIGRATIONS.slice(0, 2))).toEqual({ from: 1, to: 2 });
    expect(userVersion(db)).toBe(2);
    expect(match(db, 'passwd')).toEqual([Number(old)]);
    expect(match(db, 'read_file')).toEqual([Number(old)]);

    const fresh = insertCall(db, 'write_file', '{"path":"/tmp/passwd.bak"}');
    expect(match(db, 'passwd')).toEqual([Number(old), Number(fresh)]);
    db.prepare('DELETE FROM calls WHERE id = ?').run(old);
    expect(match(db, 'passwd')).toEqual([Number(fresh)]);
    db.close();
  });
});
