import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/store';
import fs from 'node:fs';
import { call, decision, removeTempDirs, tempStore } from '../store/testSupport';
import type { FlushFn } from '../store/walSync';
import { GroupCommit, MAX_GROUP } from './groupCommit';

afterEach(removeTempDirs);

/** A group commit over a real store, counting its transactions (one fsync each). */
function grouped(store: Store): { group: GroupCommit; transactions: () => number } {
  let n = 0;
  const group = new GroupCommit((fn, durable) => {
    n++;
    return store.commitDurably(fn, durable);
  });
  return { group, transactions: () => n };
}

/** Rows another connection sees: what is committed, not what this one has in flight. */
function committedIds(file: string): number[] {
  const other = new Database(file, { readonly: true });
  try {
    return other.prepare<[], number>('SELECT id FROM calls ORDER BY id').pluck().all();
  } finally {
    other.close();
  }
}

function settled(count: () => number, want: number): Promise<void> {
  return new Promise((done) => {
    const look = (): void => (count() >= want ? done() : void setImmediate(look));
    look();
  });
}

/** Flushes of the log that the test lets finish (really, or failing) when it chooses. */
function heldFlush(): { flush: FlushFn; finish: (err?: NodeJS.ErrnoException) => void } {
  const waiting: ((err?: NodeJS.ErrnoException) => void)[] = [];
  return {
    flush: (fd, done) =>
      void waiting.push((err) => (err ? done(err) : fs.fdatasync(fd, (e) => done(e)))),
    finish: (err) => waiting.shift()?.(err),
  };
}

describe('group commit', () => {
  it('answers no decision before the flush that holds it returned; the loop runs on meanwhile', async () => {
    const held = heldFlush();
    const { store, file } = tempStore({ flushOffThread: true, flushFn: held.flush });
    const { group, transactions } = grouped(store);
    const answered: number[] = [];
    for (let i = 0; i < 8; i++)
      group.add({
        write: () => store.calls.record(call(), decision()),
        committed: (id) => answered.push(id),
        failed: (err) => {
          throw err;
        },
      });
    await settled(() => committedIds(file).length, 8); // committed, on the next turn
    // Other work goes on while the disk flushes: the event loop is not waiting for it.
    let turns = 0;
    await settled(() => ++turns, 50);
    expect(store.history.get(committedIds(file)[0] as number)?.decision).toBe('approved');
    expect(answered).toEqual([]);
    held.finish();
    await settled(() => answered.length, 8);
    expect(transactions()).toBe(1);
    store.close();
  });

  it('tells the store when a group holds a single decision (it may flush inline), and never for a pile', async () => {
    const { store } = tempStore({ flushOffThread: true });
    const alone: boolean[] = [];
    const group = new GroupCommit((fn, durable, a) => {
      alone.push(a);
      return store.commitDurably(fn, durable, a);
    });
    let answered = 0;
    const add = (): void =>
      group.add({
        write: () => store.calls.record(call(), decision()),
        committed: () => answered++,
        failed: (err) => {
          throw err;
        },
      });
    add();
    await settled(() => answered, 1);
    for (let i = 0; i < 5; i++) add();
    await settled(() => answered, 6);
    expect(alone).toEqual([true, false]);
    store.close();
  });

  it('fails every decision of a commit the disk could not flush (fail closed)', async () => {
    const held = heldFlush();
    const { store } = tempStore({ flushOffThread: true, flushFn: held.flush });
    const { group } = grouped(store);
    const outcome: string[] = [];
    for (let i = 0; i < 3; i++)
      group.add({
        write: () => store.calls.record(call(), decision()),
        committed: () => outcome.push('committed'),
        failed: (err) => outcome.push(String((err as { code?: string }).code)),
      });
    group.flush();
    held.finish(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    await settled(() => outcome.length, 3);
    expect(outcome).toEqual(['SQLITE_IOERR_FSYNC', 'SQLITE_IOERR_FSYNC', 'SQLITE_IOERR_FSYNC']);
    store.close();
  });

  it('commits decisions that arrive together in one transaction, each on disk before it is answered', async () => {
    const { store, file } = tempStore({ flushOffThread: true });
    const { group, transactions } = grouped(store);
    const answered: { id: number; visible: boolean }[] = [];
    for (let i = 0; i < 32; i++) {
      group.add({
        write: () => store.calls.record(call({ at: 1_000 + i }), decision({ at: 1_000 + i })),
        committed: (id) => answered.push({ id, visible: committedIds(file).includes(id) }),
        failed: (err) => {
          throw err;
        },
      });
    }
    expect(answered).toEqual([]); // nothing is answered before its commit
    await settled(() => answered.length, 32);
    expect(transactions()).toBe(1);
    expect(answered.every((a) => a.visible)).toBe(true);
    expect(new Set(answered.map((a) => a.id)).size).toBe(32);
    expect(store.audit.verify()).toMatchObject({ ok: true, calls: 32 });
    store.close();
  });

  it('never lets a group grow past its bound: the full group commits at once', async () => {
    const { store, file } = tempStore();
    const { group, transactions } = grouped(store);
    let committed = 0;
    for (let i = 0; i < MAX_GROUP; i++) {
      group.add({
        write: () => store.calls.record(call(), decision()),
        committed: () => committed++,
        failed: () => {},
      });
    }
    // Committed synchronously, without waiting for the next turn.
    expect(transactions()).toBe(1);
    expect(group.size).toBe(0);
    expect(committedIds(file)).toHaveLength(MAX_GROUP);
    await settled(() => committed, MAX_GROUP);
    store.close();
  });

  it('lets one bad write fail alone: the others are still committed', async () => {
    const { store, file } = tempStore();
    const { group } = grouped(store);
    const outcome: string[] = [];
    const add = (label: string, serverId: number | null): void =>
      group.add({
        write: () => store.calls.record(call({ serverId }), decision()),
        committed: () => outcome.push(`${label} committed`),
        failed: () => outcome.push(`${label} failed`),
      });
    add('a', null);
    add('bad', 4242); // no such server: the foreign key refuses it
    add('c', null);
    await settled(() => outcome.length, 3);
    expect(outcome).toEqual(['a committed', 'bad failed', 'c committed']);
    expect(committedIds(file)).toHaveLength(2);
    expect(store.audit.verify().ok).toBe(true);
    store.close();
  });

  it('fails every decision of the group at once when the database is locked, and records none', async () => {
    const { file } = tempStore();
    const store = openStore(file, { busyTimeoutMs: 20 });
    const { group, transactions } = grouped(store);
    const locker = new Database(file);
    locker.exec('BEGIN IMMEDIATE');
    const failed: string[] = [];
    for (let i = 0; i < 3; i++)
      group.add({
        write: () => store.calls.record(call(), decision()),
        committed: () => failed.push('committed'),
        failed: (err) => failed.push(String((err as { code?: string }).code)),
      });
    await settled(() => failed.length, 3);
    locker.exec('ROLLBACK');
    locker.close();
    expect(failed).toEqual(['SQLITE_BUSY', 'SQLITE_BUSY', 'SQLITE_BUSY']);
    expect(transactions()).toBe(1); // not retried one by one, each waiting the busy timeout
    expect(committedIds(file)).toEqual([]);
    store.close();
  });
});
