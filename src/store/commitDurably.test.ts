// The gate's write path: committed at once, durable only after a flush off the event loop.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { anchorPath, readAnchor } from './headAnchor';
import { openStore } from './store';
import { call, decision, removeTempDirs, tempStore } from './testSupport';
import type { FlushFn } from './walSync';

afterEach(removeTempDirs);

function held(): { flush: FlushFn; finish: () => void; running: () => number } {
  const waiting: ((err: NodeJS.ErrnoException | null) => void)[] = [];
  return {
    flush: (fd, done) => void waiting.push((err) => fs.fdatasync(fd, () => done(err))),
    finish: () => waiting.shift()?.(null),
    running: () => waiting.length,
  };
}

function waitUntil(ok: () => boolean): Promise<void> {
  return new Promise((done) => {
    const look = (): void => (ok() ? done() : void setTimeout(look, 5));
    look();
  });
}

describe('commitDurably with flushes off the thread', () => {
  it('commits at once, reads go on while the flush runs, and durable() waits for the flush', async () => {
    const flush = held();
    const { store, file } = tempStore({ flushOffThread: true, flushFn: flush.flush });
    store.settings.set('mode', 'ask'); // a FULL commit before: the anchor starts here
    const anchoredBefore = readAnchor(anchorPath(file));
    let durable: Error | null | 'not yet' = 'not yet';
    const id = store.commitDurably(
      () => store.calls.record(call(), decision()),
      (err) => (durable = err),
    );
    // Committed: another connection sees the row; this process reads on, unblocked.
    const other = new Database(file, { readonly: true });
    expect(other.prepare('SELECT count(*) FROM calls').pluck().get()).toBe(1);
    other.close();
    expect(store.history.get(id)?.decision).toBe('approved');
    expect(store.settings.get('mode', 'x')).toBe('ask');
    // Not yet on the disk: nobody may act on it, and the anchor does not claim it.
    expect(durable).toBe('not yet');
    expect(flush.running()).toBe(1);
    expect(readAnchor(anchorPath(file))).toEqual(anchoredBefore);
    flush.finish();
    await waitUntil(() => durable !== 'not yet');
    expect(durable).toBeNull();
    const anchored = readAnchor(anchorPath(file));
    expect(anchored).not.toEqual(anchoredBefore);
    expect(store.audit.checkAnchor()).toEqual({ ok: true, anchor: 'matches' });
    store.close();
  });

  it('anchors the head of the flushed commit, never a later one still in flight', async () => {
    const flush = held();
    const { store, file } = tempStore({ flushOffThread: true, flushFn: flush.flush });
    const seqOf = (): number => {
      const a = readAnchor(anchorPath(file));
      return typeof a === 'object' ? a.seq : -1;
    };
    const flushed: string[] = [];
    store.commitDurably(
      () => store.calls.record(call(), decision()),
      () => flushed.push('a'),
    );
    const before = seqOf();
    store.commitDurably(
      () => store.calls.record(call(), decision()),
      () => flushed.push('b'),
    );
    flush.finish(); // the flush that began before b was written
    await waitUntil(() => flushed.length === 1);
    const afterA = seqOf();
    expect(afterA).toBeGreaterThan(before);
    flush.finish();
    await waitUntil(() => flushed.length === 2);
    expect(seqOf()).toBeGreaterThan(afterA); // b's own event, once b is on the disk
    expect(store.audit.checkAnchor()).toEqual({ ok: true, anchor: 'matches' });
    store.close();
  });

  it('flushes a lone commit on this thread when the disk is idle: durable, anchored, before it returns', () => {
    const flush = held();
    let inline = 0;
    const { store, file } = tempStore({
      flushOffThread: true,
      flushFn: flush.flush,
      flushSyncFn: (fd) => {
        inline++;
        fs.fdatasyncSync(fd);
      },
    });
    const order: string[] = [];
    const id = store.commitDurably(
      () => store.calls.record(call(), decision()),
      (err) => order.push(`durable ${err}`),
      true,
    );
    order.push('returned');
    expect(order).toEqual(['durable null', 'returned']);
    expect(inline).toBe(1);
    expect(flush.running()).toBe(0);
    // The anchor follows the commit at once: it is on the disk.
    expect(store.history.get(id)?.decision).toBe('approved');
    expect(readAnchor(anchorPath(file))).toMatchObject({ seq: 1 }); // the call's own event
    expect(store.audit.checkAnchor()).toEqual({ ok: true, anchor: 'matches' });
    // Not alone (a group of several): the pool's flush, and durable waits for it.
    let second: Error | null | 'not yet' = 'not yet';
    store.commitDurably(
      () => store.calls.record(call(), decision()),
      (err) => (second = err),
      false,
    );
    expect(second).toBe('not yet');
    expect(flush.running()).toBe(1);
    // Alone, but a flush runs: it waits for the pool too, never holds the loop meanwhile.
    let third: Error | null | 'not yet' = 'not yet';
    store.commitDurably(
      () => store.calls.record(call(), decision()),
      (err) => (third = err),
      true,
    );
    expect(third).toBe('not yet');
    expect(inline).toBe(1);
    store.close(); // flushes what waits
    expect(third).toBeNull();
  });

  it('throws when the commit fails, and never calls durable()', () => {
    const { file } = tempStore();
    const store = openStore(file, { flushOffThread: true, busyTimeoutMs: 20 });
    const locker = new Database(file);
    locker.exec('BEGIN IMMEDIATE');
    let called = false;
    expect(() =>
      store.commitDurably(
        () => store.calls.record(call(), decision()),
        () => (called = true),
      ),
    ).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    locker.exec('ROLLBACK');
    locker.close();
    expect(called).toBe(false);
    expect(store.history.get(1)).toBeNull();
    store.close();
  });

  it('without flushOffThread commits with FULL sync and says durable before returning', () => {
    const { store } = tempStore();
    const order: string[] = [];
    store.commitDurably(
      () => order.push('write'),
      (err) => order.push(`durable ${err}`),
    );
    order.push('returned');
    expect(order).toEqual(['write', 'durable null', 'returned']);
    store.close();
  });

  it('checkpoints in its worker thread: the log reaches the database file', async () => {
    const { store, file } = tempStore({ flushOffThread: true });
    const before = fs.statSync(file).size;
    const big = JSON.stringify({ content: 'x'.repeat(1000) });
    // A flood's worth of decisions in one commit: the first commit starts a checkpoint.
    await new Promise<void>((done) =>
      store.commitDurably(
        () => {
          for (let i = 0; i < 500; i++) store.calls.record(call({ argumentsRaw: big }), decision());
        },
        () => done(),
      ),
    );
    // Well under SQLite's own 1,000-page threshold: only the worker moves these pages.
    await waitUntil(() => fs.statSync(file).size > before + 500_000);
    expect(fs.statSync(file).size).toBeGreaterThan(before + 500_000);
    store.close();
  });
});
