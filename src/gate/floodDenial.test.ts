// The record of a flood, on a real store file, when the batch that writes it is rolled back.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempStore } from '../store/testSupport';
import type { Store } from '../store/store';
import { DeferredWrites } from './deferredWrites';
import { MAX_RECORDED_FLOOD_DENIALS } from './floodBounds';
import { recordFloodDenial } from './floodDenial';
import { RecordBacklog } from './recordBacklog';
import { testSession } from './testSession';

afterEach(removeTempDirs);

const REASON = 'too many calls from this server are waiting for a decision';

const toolLine = (rid: number): string =>
  JSON.stringify({
    jsonrpc: '2.0',
    id: rid,
    method: 'tools/call',
    params: { name: 'echo', arguments: { message: `m${rid}` } },
  });

/** The next batch's transaction is written in full, then fails at its end (a full disk, say). */
function failNextBatch(store: Store): void {
  const unsynced = store.unsynced.bind(store);
  store.unsynced = (fn) => {
    store.unsynced = unsynced;
    return unsynced(() =>
      store.transaction(() => {
        fn();
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      }),
    );
  };
}

/** The flood counts on the chain, read as another process would. */
function floodCounts(file: string): number[] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare("SELECT payload FROM events WHERE type = 'server.flood-denied' ORDER BY seq")
      .pluck()
      .all()
      .map((p) => (JSON.parse(p as string) as { count: number }).count);
  } finally {
    db.close();
  }
}

describe('flood denials', () => {
  it('a batch rolled back loses no denial and no count: the writes run again with them', () => {
    const { store, file } = tempStore();
    const lines: string[] = [];
    const backlog = new RecordBacklog((l) => lines.push(l), 60_000);
    const writes = new DeferredWrites(
      () => store,
      backlog,
      (l) => lines.push(l),
    );
    const announced: number[] = [];
    const to = {
      store: () => store,
      writes,
      log: () => {},
      announce: (id: number) => announced.push(id),
    };
    const server = { host: 'h', name: 'everything', command: 'node', args: ['s.js'] };
    const session = testSession([], { serverId: store.servers.upsert(server, 1).id });
    const extra = 5;
    for (let rid = 1; rid <= MAX_RECORDED_FLOOD_DENIALS + extra; rid++)
      recordFloodDenial(to, session, rid, toolLine(rid), REASON);

    failNextBatch(store);
    writes.flush();
    expect(store.history.count({})).toBe(0);
    expect(floodCounts(file)).toEqual([]);
    expect(session.floodUncounted).toBe(extra); // given back, not zeroed by the rolled-back write

    // Three more before the batch's writes run again (from the backlog): a write of their own
    // counts them with those given back, so a write dropped from a full backlog would stop
    // nothing; the one in the backlog then finds nothing left to count.
    for (let rid = 100; rid < 103; rid++)
      recordFloodDenial(to, session, rid, toolLine(rid), REASON);
    writes.flush();
    expect(floodCounts(file)).toEqual([extra + 3]);
    expect(backlog.retry()).toBe(0);
    writes.flush();
    expect(store.history.count({ decision: 'auto-denied' })).toBe(MAX_RECORDED_FLOOD_DENIALS);
    expect(floodCounts(file)).toEqual([extra + 3]);
    expect(session.floodUncounted).toBe(0);
    // Nothing kept for an outcome: a denied call has none to come.
    expect(session.calls.size).toBe(0);
    expect(store.audit.verify()).toMatchObject({ ok: true });
    backlog.close();
    store.close();
  });
});
