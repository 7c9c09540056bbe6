import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, userVersion } from '../migrate';
import { removeTempDirs, tempDir } from '../testSupport';
import { MIGRATIONS } from './index';

afterEach(removeTempDirs);

describe('migration 004 server facts', () => {
  it('adds empty facts to the servers a version-3 store already holds', () => {
    const db = new Database(path.join(tempDir(), 'a.db'));
    migrate(db, MIGRATIONS.slice(0, 3));
    db.prepare(
      `INSERT INTO servers (identity_key, host, name, command, args, first_seen, last_seen)
       VALUES ('k', 'h', 'fs', 'npx', '[]', 1, 1)`,
    ).run();
    expect(migrate(db, MIGRATIONS.slice(0, 4))).toEqual({ from: 3, to: 4 });
    expect(userVersion(db)).toBe(4);
    expect(db.prepare('SELECT facts, reviewed_facts FROM servers').get()).toEqual({
      facts: null,
      reviewed_facts: null,
    });
    db.close();
  });
});
