import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from './testSupport';
import { WalSync, type FlushFn } from './walSync';

afterEach(removeTempDirs);

/** A flush the test lets finish when it chooses, on a real file descriptor. */
function heldFlush(): {
  flush: FlushFn;
  started: () => number;
  finish: (err?: NodeJS.ErrnoException) => void;
} {
  const waiting: ((err: NodeJS.ErrnoException | null) => void)[] = [];
  let started = 0;
  return {
    flush: (fd, done) => {
      expect(fs.fstatSync(fd).isFile()).toBe(true);
      started++;
      waiting.push(done);
    },
    started: () => started,
    finish: (err) => {
      const done = waiting.shift();
      if (!done) throw new Error('no flush is running');
      done(err ?? null);
    },
  };
}

function logFile(): string {
  const file = path.join(tempDir(), 'airlock.db-wal');
  fs.writeFileSync(file, 'frames');
  return file;
}

describe('WalSync', () => {
  it('settles a commit only with a flush that began after it; later commits share the next one', () => {
    const held = heldFlush();
    const sync = new WalSync(logFile(), held.flush);
    expect(sync.open()).toBe(true);
    const settled: string[] = [];
    sync.request((err) => settled.push(`a ${err}`));
    expect(held.started()).toBe(1);
    // Written while the first flush runs: that flush may have missed them.
    sync.request((err) => settled.push(`b ${err}`));
    sync.request((err) => settled.push(`c ${err}`));
    expect(held.started()).toBe(1);
    expect(settled).toEqual([]);
    held.finish();
    expect(settled).toEqual(['a null']);
    expect(held.started()).toBe(2); // one flush for both
    held.finish();
    expect(settled).toEqual(['a null', 'b null', 'c null']);
    expect(sync.busy).toBe(false);
    sync.close();
  });

  it('fails every commit of a flush that failed, with a code the gate explains', () => {
    const held = heldFlush();
    const sync = new WalSync(logFile(), held.flush);
    sync.open();
    const errors: (Error | null)[] = [];
    sync.request((err) => errors.push(err));
    sync.request((err) => errors.push(err));
    held.finish(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    held.finish();
    expect(errors[0]?.message).toMatch(/could not flush the record to the disk: EIO/);
    expect((errors[0] as { code?: string }).code).toBe('SQLITE_IOERR_FSYNC');
    expect(errors[1]).toBeNull();
    sync.close();
  });

  it('resolves settled() once nothing waits for a flush', async () => {
    const held = heldFlush();
    const sync = new WalSync(logFile(), held.flush);
    sync.open();
    let done = false;
    sync.request(() => {});
    const idle = sync.settled().then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    held.finish();
    await idle;
    expect(done).toBe(true);
    sync.close();
  });

  it('flushes what still waits when it closes, and refuses commits after', () => {
    const held = heldFlush();
    const sync = new WalSync(logFile(), held.flush);
    sync.open();
    const settled: string[] = [];
    sync.request((err) => settled.push(`running ${err}`));
    sync.request((err) => settled.push(`waiting ${err}`));
    sync.close(); // the waiting one is flushed synchronously, for real
    expect(settled).toEqual(['waiting null']);
    held.finish();
    expect(settled).toEqual(['waiting null', 'running null']);
    sync.request((err) => settled.push(`late ${err?.message}`));
    expect(settled.at(-1)).toBe('late the record is closed');
  });

  it('does not open a log that is not there (the store then commits with FULL sync)', () => {
    const sync = new WalSync(path.join(tempDir(), 'missing.db-wal'));
    expect(sync.open()).toBe(false);
    const got: (Error | null)[] = [];
    sync.request((err) => got.push(err));
    expect(got[0]?.message).toBe('the record is closed');
  });

  it('flushes a real file with the default fdatasync', async () => {
    const sync = new WalSync(logFile());
    sync.open();
    const err = await new Promise<Error | null>((resolve) => sync.request(resolve));
    expect(err).toBeNull();
    sync.close();
  });
});
