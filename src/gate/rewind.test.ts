// A gate started on a database that is behind the head anchor beside it says so at once.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { databasePath } from '../core/dataDir';
import { openStore } from '../store/store';
import { tempDir } from '../testing/harness';
import { startGateService } from './service';

describe('gate start', () => {
  it('warns when the database was rewound behind its anchor', async () => {
    const dataDir = tempDir();
    const store = openStore(databasePath(dataDir));
    store.settings.set('mode', 'ask', 1);
    store.settings.set('paused', true, 2);
    store.close();
    // Rewind: the pause and its event go, the head moves back to the row before.
    const db = new Database(databasePath(dataDir));
    db.exec('DROP TRIGGER events_no_delete');
    const prev = db.prepare('SELECT hash FROM events WHERE seq = 1').pluck().get();
    db.exec(`DELETE FROM events WHERE seq = 2; DELETE FROM settings WHERE key = 'paused'`);
    db.prepare('UPDATE chain_head SET seq = 1, hash = ?').run(prev);
    db.close();

    const lines: string[] = [];
    const gate = await startGateService({ dataDir, log: (l) => lines.push(l) });
    try {
      expect(lines).toContain(
        'WARNING: the record may have been rewound: the database is behind its anchor: its chain ends at row 1, the anchor beside it records row 2 (rows were deleted and the head moved back) (see airlock audit verify)',
      );
      expect(gate.settings().paused).toBe(false);
    } finally {
      await gate.close();
    }
  });

  it('says nothing on an intact record', async () => {
    const dataDir = tempDir();
    const store = openStore(databasePath(dataDir));
    store.settings.set('mode', 'ask', 1);
    store.close();
    const lines: string[] = [];
    const gate = await startGateService({ dataDir, log: (l) => lines.push(l) });
    await gate.close();
    expect(lines.filter((l) => l.includes('rewound'))).toEqual([]);
  });
});
