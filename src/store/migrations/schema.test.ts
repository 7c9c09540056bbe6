// What each migration creates, drops or changes, against a committed snapshot
// (schema.snapshot.sql). A migration's SQL must never change once shipped: a database migrated
// before the edit and one migrated after would differ, and nothing would say so. Any such edit,
// also to a statement a later migration replaces (so the newest schema alone would not show
// it), changes this snapshot. A new migration adds its section: `npx vitest run -u` this file.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { removeTempDirs, tempDir } from '../testSupport';
import { MIGRATIONS } from './index';

afterEach(removeTempDirs);

type Schema = Map<string, string>;

function schemaOf(db: Database.Database): Schema {
  const rows = db
    .prepare<[], { type: string; name: string; sql: string }>(
      'SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name',
    )
    .all();
  return new Map(rows.map((r) => [`${r.type} ${r.name}`, r.sql]));
}

/** One migration's changes to the schema, as text: created or changed objects, then drops. */
function changes(before: Schema, after: Schema): string {
  const lines: string[] = [];
  for (const [name, sql] of after)
    if (before.get(name) !== sql)
      lines.push(`-- ${before.has(name) ? 'changed' : 'new'} ${name}`, `${sql};`);
  for (const name of before.keys()) if (!after.has(name)) lines.push(`-- dropped ${name}`);
  return lines.join('\n');
}

describe('migrations', () => {
  it('create, step by step, exactly the schema of the committed snapshot', async () => {
    const db = new Database(path.join(tempDir(), 'fresh.db'));
    let before: Schema = new Map();
    const sections: string[] = [];
    for (let n = 1; n <= MIGRATIONS.length; n++) {
      migrate(db, MIGRATIONS.slice(0, n));
      const after = schemaOf(db);
      const m = MIGRATIONS[n - 1];
      sections.push(`-- ===== migration ${m?.version} ${m?.name} =====\n${changes(before, after)}`);
      before = after;
    }
    db.close();
    await expect(`${sections.join('\n\n')}\n`).toMatchFileSnapshot('./schema.snapshot.sql');
  });
});
