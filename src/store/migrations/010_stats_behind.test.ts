import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, userVersion } from '../migrate';
import { statsCatchUp } from '../stats';
import { removeTempDirs, statsTables, tempDir } from '../testSupport';
import { MIGRATIONS } from './index';

afterEach(removeTempDirs);

const STEP = MIGRATIONS.findIndex((m) => m.name === 'stats_behind');
const HOUR = 3_600_000;

function insertCall(db: Database.Database, at: number, tool: string, decision: string | null) {
  return Number(
    db
      .prepare(
        `INSERT INTO calls (at, session_id, host, server, tool, arguments, risk, reasons, decision)
         VALUES (?, 's', 'h', 'fs', ?, '{}', 'low', '[]', ?)`,
      )
      .run(at, tool, decision).lastInsertRowid,
  );
}

const mark = (db: Database.Database) =>
  db.prepare('SELECT call_id FROM call_stats_upto').pluck().get();

describe('migration 010 stats behind', () => {
  it('is the step after version 9', () => {
    expect(STEP).toBe(9);
  });

  it('keeps the counts of a version-9 file, and counts later calls when read until caught up', () => {
    const db = new Database(path.join(tempDir(), 'a.db'));
    migrate(db, MIGRATIONS.slice(0, STEP));
    const kinds = ['approved', 'denied', null] as const;
    for (let i = 0; i < 90; i++) insertCall(db, i * 1_234_567, `t${i % 4}`, kinds[i % 3] ?? null);
    const before = statsTables(db);
    expect(before.actual).toEqual(before.expected);

    expect(migrate(db)).toEqual({ from: STEP, to: MIGRATIONS.length });
    expect(userVersion(db)).toBe(MIGRATIONS.length);
    expect(mark(db)).toBe(90);
    expect(statsTables(db).actual).toEqual(before.actual);

    // New calls leave the tables as they were; the views count them at once.
    const tables = statsTables(db).actual;
    const late = insertCall(db, 5 * HOUR, 'late', 'approved');
    insertCall(db, 5 * HOUR, 'late', null);
    expect(statsTables(db).actual).toEqual(tables);
    const counted = statsTables(db, true);
    expect(counted.actual).toEqual(counted.expected);
    // A call before the mark still moves its counts at once when decided, moved or deleted.
    db.prepare("UPDATE calls SET decision = 'timed-out' WHERE id = 3").run();
    db.prepare("UPDATE calls SET tool = 'renamed' WHERE id = 1").run();
    db.prepare('DELETE FROM calls WHERE id IN (2, ?)').run(late);
    const after = statsTables(db, true);
    expect(after.actual).toEqual(after.expected);

    const catchUp = statsCatchUp(db);
    expect(db.transaction(catchUp)()).toBe(2);
    expect(mark(db)).toBe(92);
    const caught = statsTables(db);
    expect(caught.actual).toEqual(caught.expected);
    // The pending call the mark passed counts once it is decided.
    db.prepare("UPDATE calls SET decision = 'denied' WHERE id = 92").run();
    const decided = statsTables(db);
    expect(decided.actual).toEqual(decided.expected);
    expect(db.transaction(catchUp)()).toBe(0);

    // Every call deleted (a prune of all): ids start again below the mark, and still count.
    db.prepare('DELETE FROM calls').run();
    expect(statsTables(db).actual).toEqual([[], [], []]);
    expect(insertCall(db, HOUR, 'again', 'approved')).toBeLessThan(92);
    insertCall(db, HOUR, 'again', null);
    const reused = statsTables(db, true);
    expect(reused.actual).toEqual(reused.expected);
    expect(reused.actual[0]).toHaveLength(1);
    db.close();
  });

  it('recounts once, exactly, when the mark was deleted from the file', () => {
    const db = new Database(path.join(tempDir(), 'a.db'));
    migrate(db);
    for (let i = 0; i < 20; i++) insertCall(db, i * HOUR, `t${i % 3}`, i % 4 ? 'approved' : null);
    const catchUp = statsCatchUp(db);
    db.transaction(catchUp)();
    insertCall(db, 30 * HOUR, 'late', 'denied');
    db.exec('DELETE FROM call_stats_upto');
    expect(db.transaction(catchUp)()).toBe(21);
    expect(mark(db)).toBe(21);
    const rebuilt = statsTables(db);
    expect(rebuilt.actual).toEqual(rebuilt.expected);
    // Moved, not counted again on the next catch-up.
    expect(db.transaction(catchUp)()).toBe(0);
    const again = statsTables(db);
    expect(again.actual).toEqual(again.expected);
    db.close();
  });
});
