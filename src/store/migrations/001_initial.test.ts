import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, userVersion } from '../migrate';
import { removeTempDirs, tempDir } from '../testSupport';
import { initial } from './001_initial';

afterEach(removeTempDirs);

const tables = (db: Database.Database) =>
  db
    .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .pluck()
    .all();

describe('migration 001 initial', () => {
  it('creates the schema on an empty database', () => {
    const db = new Database(path.join(tempDir(), 'a.db'));
    expect(migrate(db, [initial])).toEqual({ from: 0, to: 1 });
    expect(userVersion(db)).toBe(1);
    expect(tables(db)).toEqual(
      expect.arrayContaining([
        'servers',
        'tools',
        'calls',
        'rules',
        'settings',
        'events',
        'chain_head',
        'chain_anchor',
      ]),
    );
    expect(db.prepare('SELECT seq, hash FROM chain_head').get()).toEqual({
      seq: 0,
      hash: '0'.repeat(64),
    });
    expect(db.prepare('SELECT first_seq FROM chain_anchor').pluck().get()).toBe(1);
    db.close();
  });

  it('guards the event table: no update, no delete at or after the anchor', () => {
    const db = new Database(path.join(tempDir(), 'a.db'));
    migrate(db, [initial]);
    db.prepare(
      "INSERT INTO events (seq, at, type, payload, prev_hash, hash) VALUES (1, 0, 't', '{}', 'p', 'h')",
    ).run();
    expect(() => db.prepare('UPDATE events SET payload = \'{"x":1}\'').run()).toThrow(
      /append-only/,
    );
    expect(() => db.prepare('DELETE FROM events WHERE seq = 1').run()).toThrow(/append-only/);
    db.prepare('UPDATE chain_anchor SET first_seq = 2').run();
    expect(db.prepare('DELETE FROM events WHERE seq = 1').run().changes).toBe(1);
    db.close();
  });

  it('is a no-op when the file is already at version 1', () => {
    const file = path.join(tempDir(), 'a.db');
    const db = new Database(file);
    migrate(db, [initial]);
    db.prepare("INSERT INTO settings (key, value) VALUES ('mode', '\"ask\"')").run();
    expect(migrate(db, [initial])).toEqual({ from: 1, to: 1 });
    expect(db.prepare('SELECT value FROM settings').pluck().get()).toBe('"ask"');
    db.close();
  });
});
