import type Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations/index';

/**
 * Brings the schema to the newest version, one step per transaction so a crash leaves the file
 * at a whole version. Refuses a file written by a newer Airlock rather than guess at it.
 */
export function migrate(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
): { from: number; to: number } {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} is numbered ${m.version}`);
  });
  const from = userVersion(db);
  if (from > migrations.length) {
    throw new Error(
      `database schema version ${from} is newer than this Airlock (${migrations.length})`,
    );
  }
  for (const m of migrations.slice(from)) {
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return { from, to: userVersion(db) };
}

export function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}
