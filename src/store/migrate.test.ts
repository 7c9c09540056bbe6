import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, userVersion } from './migrate';
import { initial } from './migrations/001_initial';
import { MIGRATIONS } from './migrations/index';
import { removeTempDirs, tempDir } from './testSupport';

afterEach(removeTempDirs);

describe('migrate', () => {
  it('numbers the shipped migrations 1..n in order', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('refuses a file written by a newer Airlock', () => {
    const db = new Database(path.join(tempDir(), 'a.db'));
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    expect(() => migrate(db)).toThrow(/newer than this Airlock/);
    db.close();
  });

  it('leaves the file at the last whole version when a step fails', () => {
    const db = new Database(path.join(tempDir(), 'a.db'));
    const broken = {
      version: 2,
      name: 'broken',
      up(d: Database.Database) {
        d.exec('CREATE TABLE half_done (x)');
        throw new Error('boom');
      },
    };
    expect(() => migrate(db, [initial, broken])).toThrow('boom');
    expect(userVersion(db)).toBe(1);
    expect(
      db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get(),
    ).toBe(0);
    db.close();
  });

  it('rejects a list whose numbering has a gap', () => {
    const db = new Database(path.join(tempDir(), 'a.db'));
    expect(() => migrate(db, [{ ...initial, version: 2 }])).toThrow(/numbered 2/);
    expect(userVersion(db)).toBe(0);
    db.close();
  });
});
