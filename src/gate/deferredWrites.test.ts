// Deferred records riding along in the decisions' commit (rideAlong), on a real store file.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { call, decision, removeTempDirs, statsTables, tempStore } from '../store/testSupport';
import { DeferredWrites } from './deferredWrites';
import { RecordBacklog } from './recordBacklog';

afterEach(removeTempDirs);

/** A gate's store, deferred writes over it, and the raw file to count commits by. */
function setup() {
  const { store, file } = tempStore();
  const lines: string[] = [];
  const backlog = new RecordBacklog((l) => lines.push(l), 60_000);
  const writes = new DeferredWrites(
    () => store,
    backlog,
    (l) => lines.push(l),
  );
  const raw = new Database(file, { readonly: true });
  const setting = (key: string) =>
    (raw.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string) ?? null;
  const close = () => {
    writes.flush();
    backlog.close();
    raw.close();
    store.close();
  };
  return { store, writes, backlog, lines, setting, raw, close };
}

describe('DeferredWrites.rideAlong', () => {
  it('commits the waiting writes in the same transaction as the decisions, after them', () => {
    const { store, writes, setting, close } = setup();
    const order: string[] = [];
    writes.later(() => {
      order.push('outcome');
      store.settings.set('outcome', 1, 1);
    });
    writes.rideAlong((writeWaiting) =>
      store.transaction(() => {
        order.push('decision');
        store.settings.set('decision', 1, 2);
        writeWaiting();
      }),
    );
    expect(order).toEqual(['decision', 'outcome']);
    expect([setting('decision'), setting('outcome')]).toEqual(['1', '1']);
    // Nothing is left for the batch: it does not write the outcome twice.
    writes.flush();
    expect(order).toEqual(['decision', 'outcome']);
    expect(store.audit.verify()).toMatchObject({ ok: true, rows: 2 });
    close();
  });

  it('a waiting write that fails is undone alone, and keeps its batch; the decisions commit', () => {
    const { store, writes, setting, close } = setup();
    let refuse = true;
    writes.later(() => store.settings.set('first', 1, 1));
    writes.later(() => {
      if (refuse) throw Object.assign(new Error('no'), { code: 'SQLITE_CONSTRAINT' });
      store.settings.set('second', 1, 2);
    });
    writes.rideAlong((writeWaiting) =>
      store.transaction(() => {
        store.settings.set('decision', 1, 3);
        writeWaiting();
      }),
    );
    expect([setting('decision'), setting('first'), setting('second')]).toEqual(['1', null, null]);
    refuse = false;
    writes.flush();
    expect([setting('first'), setting('second')]).toEqual(['1', '1']);
    expect(store.audit.verify()).toMatchObject({ ok: true });
    close();
  });

  it('when the decisions do not commit, the waiting writes keep their batch, never having run', () => {
    const { store, writes, setting, close } = setup();
    let ran = 0;
    const failingDecision = (): void => {
      throw new Error('a decision write failed');
    };
    writes.later(() => {
      ran++;
      store.settings.set('outcome', 1, 1);
    });
    expect(() =>
      writes.rideAlong((writeWaiting) =>
        store.transaction(() => {
          store.settings.set('decision', 1, 2);
          failingDecision();
          writeWaiting();
        }),
      ),
    ).toThrow('a decision write failed');
    expect(ran).toBe(0);
    expect([setting('decision'), setting('outcome')]).toEqual([null, null]);
    writes.flush();
    expect(ran).toBe(1);
    expect(setting('outcome')).toBe('1');
    close();
  });

  it('takes at most a bounded number of waiting writes; the rest keep their batch, in order', () => {
    const { store, writes, close } = setup();
    const order: number[] = [];
    for (let i = 0; i < 100; i++) writes.later(() => order.push(i));
    writes.rideAlong((writeWaiting) => store.transaction(writeWaiting));
    expect(order.length).toBeGreaterThan(0);
    expect(order.length).toBeLessThan(100);
    writes.flush();
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => i));
    close();
  });

  it("leaves the charts' counts to the batch: decisions commit without them, nothing is lost", () => {
    const { store, writes, raw, close } = setup();
    writes.rideAlong((writeWaiting) =>
      store.transaction(() => {
        store.calls.record(call({ at: 1 }), decision({ at: 2 }));
        writeWaiting();
      }),
    );
    // Counted when read, not yet in the tables.
    expect(statsTables(raw).actual).toEqual([[], [], []]);
    const counted = statsTables(raw, true);
    expect(counted.actual).toEqual(counted.expected);
    expect(counted.actual[0]).toHaveLength(1);
    writes.flush();
    const tables = statsTables(raw);
    expect(tables.actual).toEqual(tables.expected);
    expect(tables.actual[0]).toHaveLength(1);
    close();
  });

  it('leaves the search index to the batch, which indexes a call with the result it brought', () => {
    const { store, writes, raw, close } = setup();
    const indexed = (word: string) =>
      raw.prepare('SELECT rowid FROM calls_fts WHERE calls_fts MATCH ?').pluck().all(word);
    let id = 0;
    writes.rideAlong((writeWaiting) =>
      store.transaction(() => {
        id = store.calls.record(
          call({ at: 1, argumentsRaw: '{"path":"/srv/alpha.md"}' }),
          decision({ at: 2 }),
        );
        writeWaiting();
      }),
    );
    // The decision's commit indexed nothing; a search finds the call all the same.
    expect(indexed('alpha')).toEqual([]);
    expect(store.history.query({ search: 'alpha' }).map((r) => r.id)).toEqual([id]);
    writes.later(() =>
      store.calls.outcome(id, {
        isError: false,
        durationMs: 1,
        size: 5,
        result: { sha256: 'ab'.repeat(32), excerpt: 'zulu', chars: 4, risk: null, findings: [] },
      }),
    );
    writes.flush();
    expect(indexed('alpha')).toEqual([id]);
    expect(indexed('zulu')).toEqual([id]);
    close();
  });
});
