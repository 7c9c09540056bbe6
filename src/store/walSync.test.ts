import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from './testSupport';
import {
  INLINE_FLUSH_MAX_MS,
  InlinePolicy,
  POOL_AFTER_SLOW,
  QUIET_MS,
  WalSync,
  type FlushFn,
  type FlushSyncFn,
} from './walSync';

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

/** An inline flush on a real file descriptor that takes `cost` ms of a clock the test moves. */
function inlineFlush(clock: { t: number }, cost: () => number, fail?: () => NodeJS.ErrnoException) {
  let calls = 0;
  const flushSync: FlushSyncFn = (fd) => {
    calls++;
    expect(fs.fstatSync(fd).isFile()).toBe(true);
    clock.t += cost();
    const err = fail?.();
    if (err) throw err;
  };
  return { flushSync, calls: () => calls };
}

describe('WalSync: a lone commit flushes on the calling thread', () => {
  it('flushes a lone commit inline when no flush runs or waits: settled before request returns', () => {
    const held = heldFlush();
    const clock = { t: 0 };
    const inline = inlineFlush(clock, () => 0.2);
    const sync = new WalSync(logFile(), held.flush, inline.flushSync, () => clock.t);
    sync.open();
    const settled: string[] = [];
    sync.request((err) => settled.push(`a ${err}`), true);
    expect(settled).toEqual(['a null']);
    expect(inline.calls()).toBe(1);
    expect(held.started()).toBe(0);
    expect(sync.busy).toBe(false);
    expect(sync.counts).toEqual({ inline: 1, pool: 0 });
    sync.close();
  });

  it('sends commits that are not alone, or that arrive while a flush runs, to the pool', () => {
    const held = heldFlush();
    const clock = { t: 0 };
    const inline = inlineFlush(clock, () => 0.2);
    const sync = new WalSync(logFile(), held.flush, inline.flushSync, () => clock.t);
    sync.open();
    const settled: string[] = [];
    sync.request((err) => settled.push(`group ${err}`), false);
    expect(held.started()).toBe(1);
    // Alone, but a flush runs: it waits for the next pool flush rather than hold the loop.
    sync.request((err) => settled.push(`lone ${err}`), true);
    expect(inline.calls()).toBe(0);
    expect(settled).toEqual([]);
    held.finish();
    expect(settled).toEqual(['group null']);
    expect(held.started()).toBe(2);
    held.finish();
    expect(settled).toEqual(['group null', 'lone null']);
    // Idle, but a pool flush has just ended (writes are flowing): the pool again.
    sync.request((err) => settled.push(`soon ${err}`), true);
    expect(held.started()).toBe(3);
    held.finish();
    expect(settled.at(-1)).toBe('soon null');
    // Quiet for QUIET_MS: the next lone commit is flushed inline.
    clock.t += QUIET_MS;
    sync.request((err) => settled.push(`next ${err}`), true);
    expect(settled.at(-1)).toBe('next null');
    expect(sync.counts).toEqual({ inline: 1, pool: 3 });
    sync.close();
  });

  it('after a slow inline flush, the next lone commits go to the pool, then inline is tried again', () => {
    const held = heldFlush();
    const clock = { t: 0 };
    let cost = INLINE_FLUSH_MAX_MS + 5;
    const inline = inlineFlush(clock, () => cost);
    const sync = new WalSync(logFile(), held.flush, inline.flushSync, () => clock.t);
    sync.open();
    let settled = 0;
    sync.request(() => settled++, true); // slow: measured inline
    expect(inline.calls()).toBe(1);
    cost = 0.1;
    for (let i = 0; i < POOL_AFTER_SLOW; i++) {
      clock.t += QUIET_MS; // each lone commit comes after a quiet spell
      sync.request(() => settled++, true);
      held.finish();
    }
    expect(held.started()).toBe(POOL_AFTER_SLOW);
    expect(inline.calls()).toBe(1);
    clock.t += QUIET_MS;
    sync.request(() => settled++, true); // measured again: fast
    sync.request(() => settled++, true);
    expect(inline.calls()).toBe(3);
    expect(settled).toBe(POOL_AFTER_SLOW + 3);
    sync.close();
  });

  it("reports an inline flush that failed as the commit lost (fail closed), with the store's codes", () => {
    const clock = { t: 0 };
    let code = 'EIO';
    const inline = inlineFlush(
      clock,
      () => 0.1,
      () => Object.assign(new Error(`${code}: flush failed`), { code }),
    );
    const sync = new WalSync(logFile(), heldFlush().flush, inline.flushSync, () => clock.t);
    sync.open();
    const errors: (Error | null)[] = [];
    sync.request((err) => errors.push(err), true);
    code = 'ENOSPC';
    sync.request((err) => errors.push(err), true);
    expect(errors.map((e) => (e as { code?: string } | null)?.code)).toEqual([
      'SQLITE_IOERR_FSYNC',
      'SQLITE_FULL',
    ]);
    expect(errors[0]?.message).toMatch(/could not flush the record to the disk/);
    sync.close();
  });

  it('never flushes inline without an inline flush (a test holding every flush keeps them all)', () => {
    const held = heldFlush();
    const sync = new WalSync(logFile(), held.flush, null);
    sync.open();
    let settled = 0;
    sync.request(() => settled++, true);
    expect(settled).toBe(0);
    expect(held.started()).toBe(1);
    held.finish();
    expect(settled).toBe(1);
    sync.close();
  });
});

describe('InlinePolicy', () => {
  it('allows inline flushes while they are fast, and pauses them after a slow one', () => {
    const p = new InlinePolicy();
    expect(p.allows(0)).toBe(true);
    p.took(INLINE_FLUSH_MAX_MS); // at the bound: still fast
    expect(p.allows(0)).toBe(true);
    p.took(INLINE_FLUSH_MAX_MS + 0.01);
    const answers = Array.from({ length: POOL_AFTER_SLOW + 1 }, () => p.allows(0));
    expect(answers.slice(0, POOL_AFTER_SLOW).every((a) => a === false)).toBe(true);
    expect(answers.at(-1)).toBe(true);
  });

  it('keeps lone commits in the pool while pool flushes keep ending (a flood, batches of outcomes)', () => {
    const p = new InlinePolicy();
    p.poolEnded(100);
    expect(p.allows(100)).toBe(false);
    expect(p.allows(100 + QUIET_MS - 0.01)).toBe(false);
    expect(p.allows(100 + QUIET_MS)).toBe(true);
    // Quiet does not spend the turns a slow flush earned for the pool.
    p.took(INLINE_FLUSH_MAX_MS + 1);
    p.poolEnded(200);
    expect(p.allows(201)).toBe(false);
    const answers = Array.from({ length: POOL_AFTER_SLOW + 1 }, () => p.allows(300));
    expect(answers.filter((a) => a).length).toBe(1);
  });
});
