// The worker's checkpoints, and the writer completing them so the log restarts under load.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  afterCheckpoint,
  CATCH_UP_MAX_COMMITS,
  Checkpointer,
  type CheckpointReport,
} from './checkpointer';
import { removeTempDirs, tempDir } from './testSupport';

afterEach(removeTempDirs);

describe('afterCheckpoint', () => {
  const rows: [CheckpointReport, number, boolean, boolean, string][] = [
    [{ ok: true, busy: 0 }, 0, false, false, 'done'],
    [{ ok: true, busy: 0 }, 1, false, false, 'catch-up'],
    [{ ok: true, busy: 0 }, CATCH_UP_MAX_COMMITS, false, false, 'catch-up'],
    [{ ok: true, busy: 0 }, CATCH_UP_MAX_COMMITS + 1, false, false, 'again'],
    // After a round that left too much, the writer completes it whatever is left: bounded.
    [{ ok: true, busy: 0 }, CATCH_UP_MAX_COMMITS + 1, true, false, 'catch-up'],
    [{ ok: true, busy: 1 }, 5, false, false, 'done'],
    // After a slow catch-up (a busy disk) the event loop is spared for a while.
    [{ ok: true, busy: 0 }, 5, false, true, 'done'],
    [{ ok: false }, 5, false, false, 'done'],
  ];
  it.each(rows)(
    '%j with %i commits meanwhile (again before: %s, paused: %s) → %s',
    (r, n, again, paused, want) => {
      expect(afterCheckpoint(r, n, again, paused)).toBe(want);
    },
  );
});

/** The WAL header's checkpoint sequence number: it moves each time the log restarts. */
function restarts(file: string): number {
  const fd = fs.openSync(`${file}-wal`, 'r');
  try {
    const header = Buffer.alloc(16);
    fs.readSync(fd, header, 0, 16, 0);
    return header.readUInt32BE(12);
  } finally {
    fs.closeSync(fd);
  }
}

async function until(ok: () => boolean): Promise<void> {
  while (!ok()) await new Promise((r) => setTimeout(r, 5));
}

describe('Checkpointer', () => {
  function setup() {
    const file = path.join(tempDir(), 'a.db');
    const w = new Database(file);
    w.pragma('journal_mode = WAL');
    w.pragma('wal_autocheckpoint = 0');
    w.exec('CREATE TABLE t (x TEXT)');
    const insert = w.prepare('INSERT INTO t (x) VALUES (?)');
    let clock = 0;
    const checkpointer = new Checkpointer({
      file,
      now: () => clock,
      lost: () => {},
      catchUp: () => void w.pragma('wal_checkpoint(PASSIVE)'),
    });
    const commit = (rows = 1): void => {
      w.transaction(() => {
        for (let i = 0; i < rows; i++) insert.run('x'.repeat(2000));
      })();
      checkpointer.afterCommit();
    };
    const close = (): void => {
      checkpointer.close();
      w.close();
    };
    return { file, commit, checkpointer, tick: (ms: number) => (clock += ms), close };
  }

  it('completes a round that commits overtook, so the next commit restarts the log', async () => {
    const { file, commit, checkpointer, close } = setup();
    commit(200); // ~400 KB, then the worker's round starts
    // Once the worker has copied into the database file (so its round has begun), commits land
    // before its report can reach this thread: they are what the round leaves over.
    while (fs.statSync(file).size < 200 * 2000) {
      // waits for the worker's copy; the report is only read once this block ends
    }
    for (let i = 0; i < 3; i++) commit();
    const before = restarts(file);
    await until(() => checkpointer.done === 1);
    expect(checkpointer.caughtUp).toBe(1);
    commit();
    expect(restarts(file)).toBe(before + 1);
    close();
  });

  it('leaves a round no commit overtook to the next commit, which restarts the log', async () => {
    const { file, commit, checkpointer, tick, close } = setup();
    commit();
    await until(() => checkpointer.done === 1);
    expect(checkpointer.caughtUp).toBe(0);
    const before = restarts(file);
    tick(1000);
    commit();
    expect(restarts(file)).toBe(before + 1);
    close();
  });
});
