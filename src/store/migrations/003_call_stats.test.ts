import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, userVersion } from '../migrate';
import { removeTempDirs, statsTables, tempDir } from '../testSupport';
import { MIGRATIONS } from './index';

afterEach(removeTempDirs);

const HOUR = 3_600_000;

function insertCall(
  db: Database.Database,
  at: number,
  server: string,
  tool: string,
  decision: string | null,
): number {
  return Number(
    db
      .prepare(
        `INSERT INTO calls (at, session_id, host, server, tool, arguments, risk, reasons, decision)
         VALUES (?, 's', 'h', ?, ?, '{}', 'low', '[]', ?)`,
      )
      .run(at, server, tool, decision).lastInsertRowid,
  );
}

describe('migration 003 call stats', () => {
  it('applies on an empty database, with empty tables', () => {
    const db = new Database(path.join(tempDir(), 'a.db'));
    expect(migrate(db, MIGRATIONS.slice(0, 3))).toEqual({ from: 0, to: 3 });
    expect(statsTables(db).actual).toEqual([[], [], []]);
    db.close();
  });

  it('backfills the calls a version-2 store holds, then keeps in step with every write', () => {
    const db = new Database(path.join(tempDir(), 'a.db'));
    migrate(db, MIGRATIONS.slice(0, 2));
    const kinds = ['approved', 'denied', 'auto-approved', null] as const;
    const tools = [
      ['fs', 'read_file'],
      ['fs', 'write_file'],
      ['shell', 'run'],
    ] as const;
    // Spread over three days, with hour edges, pending calls and one before 1970.
    db.transaction(() => {
      for (let i = 0; i < 300; i++) {
        const [server, tool] = tools[i % 3] as readonly [string, string];
        insertCall(
          db,
          2 * 86_400_000 + i * 877_123 - (i % 7 === 0 ? 1 : 0),
          server,
          tool,
          kinds[i % 4] ?? null,
        );
      }
    })();
    insertCall(db, -1, 'fs', 'read_file', 'approved');
    insertCall(db, HOUR, 'fs', 'read_file', 'approved');

    expect(migrate(db, MIGRATIONS.slice(0, 3))).toEqual({ from: 2, to: 3 });
    expect(userVersion(db)).toBe(3);
    const after = statsTables(db);
    expect(after.actual).toEqual(after.expected);
    expect(after.actual[0]).toContainEqual([-1, 'approved', 'fs', 'read_file', 1]);
    expect(after.actual[0]).toContainEqual([1, 'approved', 'fs', 'read_file', 1]);
    expect(after.actual[2]?.length).toBeGreaterThan(3);

    // A pending call counts once decided, a decided one at once; a move and deletes subtract.
    const pending = insertCall(db, 5 * HOUR + 10, 'fs', 'move', null);
    expect(db.prepare("SELECT count(*) FROM call_stats WHERE tool = 'move'").pluck().get()).toBe(0);
    db.prepare("UPDATE calls SET decision = 'timed-out' WHERE id = ?").run(pending);
    insertCall(db, 5 * HOUR + 20, 'fs', 'move', 'timed-out');
    expect(
      db.prepare("SELECT n FROM call_stats WHERE tool = 'move' AND hour = 5").pluck().get(),
    ).toBe(2);
    db.prepare(
      "UPDATE calls SET at = at + 86400000, server = 'fs2' WHERE tool = 'write_file'",
    ).run();
    db.prepare("UPDATE calls SET outcome_error = 0 WHERE tool = 'run'").run();
    db.prepare('DELETE FROM calls WHERE id % 5 = 0').run();
    db.prepare("DELETE FROM calls WHERE tool = 'move'").run();
    const later = statsTables(db);
    expect(later.actual).toEqual(later.expected);
    expect(db.prepare("SELECT count(*) FROM call_stats WHERE tool = 'move'").pluck().get()).toBe(0);
    // Empty buckets go, so the tables never hold a zero.
    expect(db.prepare('SELECT count(*) FROM call_stats WHERE n <= 0').pluck().get()).toBe(0);
    db.close();
  });
});
