// The full-text index behind its mark (migration 011), on real files: a search finds every call
// whether the gate has indexed it yet or not, exactly once, and the index stays whole through
// catch-ups, results that arrive on either side of the mark, deletes and reused ids.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryQuery } from '../contract/types';
import type { Store } from './store';
import { call, decision, removeTempDirs, tempStore } from './testSupport';

afterEach(removeTempDirs);

const DAY = 86_400_000;

function setup() {
  const { store, file } = tempStore();
  const raw = new Database(file);
  const ids = (q: HistoryQuery) => store.history.query(q).map((r) => r.id);
  /** Calls the index itself holds for a word (without the tail a search adds). */
  const indexed = (word: string) =>
    raw
      .prepare('SELECT rowid FROM calls_fts WHERE calls_fts MATCH ? ORDER BY rowid')
      .pluck()
      .all(`"${word}"*`);
  const mark = () => raw.prepare('SELECT call_id FROM call_search_upto').pluck().get() as number;
  /** FTS5's own check of an external-content index against the calls table: throws if not whole. */
  const whole = () =>
    raw.exec("INSERT INTO calls_fts (calls_fts, rank) VALUES ('integrity-check', 1)");
  const close = () => {
    raw.close();
    store.close();
  };
  return { store, raw, ids, indexed, mark, whole, close };
}

const record = (store: Store, args: string, at = 1_000) =>
  store.calls.record(
    call({ at, tool: 'echo', argumentsRaw: JSON.stringify({ m: args }) }),
    decision({ at }),
  );

const result = (excerpt: string) => ({
  isError: false,
  durationMs: 1,
  size: excerpt.length,
  result: { sha256: 'ab'.repeat(32), excerpt, chars: excerpt.length, risk: null, findings: [] },
});

describe('full-text index behind a mark', () => {
  it('finds a call before and after it is indexed, once', () => {
    const { store, ids, indexed, mark, whole, close } = setup();
    const a = record(store, 'alpha common');
    const b = record(store, 'bravo common');
    // Recorded, not indexed: the search reads them from the table.
    expect(indexed('common')).toEqual([]);
    expect(ids({ search: 'common' })).toEqual([b, a]);
    expect(store.calls.catchUpSearch()).toBe(2);
    expect(mark()).toBe(b);
    expect(indexed('common')).toEqual([a, b]);
    expect(ids({ search: 'common' })).toEqual([b, a]);
    expect(store.history.count({ search: 'common' })).toBe(2);
    expect(store.calls.catchUpSearch()).toBe(0);
    whole();
    close();
  });

  it('indexes a call as it is when caught up; re-indexes one already indexed when its result comes', () => {
    const { store, ids, indexed, whole, close } = setup();
    const early = record(store, 'first');
    store.calls.outcome(early, result('zulu'));
    store.calls.catchUpSearch();
    expect(indexed('zulu')).toEqual([early]);
    const late = record(store, 'second');
    store.calls.catchUpSearch();
    store.calls.outcome(late, result('yankee'));
    expect(indexed('yankee')).toEqual([late]);
    expect(ids({ search: 'yankee' })).toEqual([late]);
    expect(ids({ search: 'second' })).toEqual([late]);
    whole();
    close();
  });

  it('a search sees what another connection wrote since its last one, results included', () => {
    const { store, ids, close } = setup();
    const a = record(store, 'first');
    expect(ids({ search: 'xray' })).toEqual([]);
    store.calls.outcome(a, result('xray'));
    expect(ids({ search: 'xray' })).toEqual([a]);
    const b = record(store, 'xray again');
    expect(ids({ search: 'xray' })).toEqual([b, a]);
    close();
  });

  it('pages, counts and charts a search across the mark, newest first', () => {
    const { store, ids, close } = setup();
    const calls: number[] = [];
    for (let i = 0; i < 6; i++) {
      calls.push(record(store, `common word${i}`, i * DAY));
      if (i === 2) store.calls.catchUpSearch();
    }
    calls.reverse();
    const pages: number[] = [];
    let beforeId: number | undefined;
    for (;;) {
      const page = ids({ search: 'common', limit: 2, ...(beforeId ? { beforeId } : {}) });
      if (page.length === 0) break;
      pages.push(...page);
      beforeId = page.at(-1);
    }
    expect(pages).toEqual(calls);
    expect(ids({ search: 'common', limit: 4 })).toEqual(calls.slice(0, 4));
    expect(store.history.count({ search: 'common' })).toBe(6);
    expect(store.history.count({ search: 'word1' })).toBe(1);
    expect(store.history.topTools({ search: 'common' }, 5)).toEqual([
      { server: 'filesystem', tool: 'echo', n: 6 },
    ]);
    const days = store.history.statsPerDay({ search: 'common' }, 30, 6 * DAY);
    expect(days.reduce((n, d) => n + d.n, 0)).toBe(6);
    expect(days.map((d) => d.day)).toEqual([...days.map((d) => d.day)].sort());
    let csv = '';
    expect(store.history.exportCsv({ search: 'common' }, (c) => (csv += c))).toBe(6);
    expect(csv.trim().split('\n')).toHaveLength(7);
    close();
  });

  it('stays whole when calls on both sides of the mark are deleted, and reuses ids safely', () => {
    const { store, raw, ids, indexed, mark, whole, close } = setup();
    const a = record(store, 'common one');
    const b = record(store, 'common two');
    store.calls.catchUpSearch();
    const c = record(store, 'common three');
    raw.exec(`DROP TRIGGER events_no_delete`);
    raw.prepare('DELETE FROM calls WHERE id IN (?, ?)').run(a, c);
    whole();
    expect(ids({ search: 'common' })).toEqual([b]);
    // Every call gone, ids are taken again, at or below the mark: indexed at once.
    raw.prepare('DELETE FROM calls WHERE id = ?').run(b);
    const again = record(store, 'common reborn');
    expect(again).toBeLessThanOrEqual(mark());
    expect(indexed('reborn')).toEqual([again]);
    expect(store.calls.catchUpSearch()).toBe(0);
    expect(ids({ search: 'common' })).toEqual([again]);
    whole();
    close();
  });

  it('rebuilds the index once when its mark was deleted from the file', () => {
    const { store, raw, ids, indexed, mark, whole, close } = setup();
    const a = record(store, 'common one');
    store.calls.catchUpSearch();
    const b = record(store, 'common two');
    raw.exec('DELETE FROM call_search_upto');
    // Until the gate's next batch, a search still finds the newest calls.
    expect(ids({ search: 'common' })).toEqual([b, a]);
    expect(store.calls.catchUpSearch()).toBe(b);
    expect(mark()).toBe(b);
    expect(indexed('common')).toEqual([a, b]);
    whole();
    expect(store.calls.catchUpSearch()).toBe(0);
    close();
  });

  it('reads its tail from its own temporary index, never from a table of that name in the file', () => {
    const { store, raw, ids, close } = setup();
    const a = record(store, 'honest');
    raw.exec(`CREATE VIRTUAL TABLE calls_fts_tail USING fts5(tool, arguments, approved_arguments, result_excerpt);
      INSERT INTO calls_fts_tail (rowid, tool, arguments) VALUES (${a}, 'x', 'planted'), (999, 'x', 'honest')`);
    expect(ids({ search: 'planted' })).toEqual([]);
    expect(ids({ search: 'honest' })).toEqual([a]);
    close();
  });
});
