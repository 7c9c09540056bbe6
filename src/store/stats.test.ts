import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { HistoryQuery } from '../contract/types';
import { historyRepo } from './history';
import { seedCalls, seededRng } from './seed';
import {
  aggregateAnswers,
  localDay,
  localDayRuns,
  OPEN_HOURS,
  splitDays,
  splitRange,
} from './stats';
import { call, decision, LOW, removeTempDirs, statsTables, tempStore } from './testSupport';

const HOUR = 3_600_000;
const DAY = 86_400_000;

describe('splitting a time range', () => {
  it('keeps whole hours for the aggregate and leaves the partial ones at the edges', () => {
    expect(splitRange(10 * HOUR + 5, 20 * HOUR - 1)).toEqual({
      fromHour: 11,
      toHour: 19,
      edges: [
        { from: 10 * HOUR + 5, to: 11 * HOUR, inclusive: false },
        { from: 19 * HOUR, to: 20 * HOUR - 1, inclusive: true },
      ],
    });
    // until exactly on an hour start: that hour is not whole (only its first ms is in range).
    expect(splitRange(10 * HOUR, 20 * HOUR)).toEqual({
      fromHour: 10,
      toHour: 20,
      edges: [{ from: 20 * HOUR, to: 20 * HOUR, inclusive: true }],
    });
    expect(splitRange(undefined, undefined)).toEqual({
      fromHour: -OPEN_HOURS,
      toHour: OPEN_HOURS,
      edges: [],
    });
    expect(splitRange(10 * HOUR + 1, 11 * HOUR + 7)).toEqual({
      fromHour: 0,
      toHour: 0,
      edges: [{ from: 10 * HOUR + 1, to: 11 * HOUR + 7, inclusive: true }],
    });
    expect(splitRange(5, 4)).toEqual({ fromHour: 0, toHour: 0, edges: [] });
  });

  it('splits whole hours into whole UTC days and the hours around them', () => {
    expect(splitDays(20, 24 * 3 + 5)).toEqual({
      fromDay: 1,
      toDay: 3,
      hours: [
        [20, 24],
        [72, 77],
      ],
    });
    expect(splitDays(2, 20)).toEqual({
      fromDay: 0,
      toDay: 0,
      hours: [
        [2, 20],
        [0, 0],
      ],
    });
    const open = splitDays(-OPEN_HOURS, OPEN_HOURS);
    expect(open.hours.every(([a, b]) => a === b)).toBe(true);
  });

  it('groups hours by local day and sets aside the hours midnight cuts', () => {
    // A zone at +5:30: local midnight falls at 18:30 UTC, inside hour 18.
    const kolkata = (ms: number) => new Date(ms + 5.5 * HOUR).toISOString().slice(0, 10);
    const { runs, cut } = localDayRuns(10, 24 + 20, kolkata);
    expect(cut).toEqual([18, 24 + 18]);
    expect(runs).toEqual([
      { day: '1970-01-01', from: 10, to: 18 },
      { day: '1970-01-02', from: 19, to: 24 + 18 },
      { day: '1970-01-03', from: 24 + 19, to: 24 + 20 },
    ]);
    const utc = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    expect(localDayRuns(0, 48, utc)).toEqual({
      runs: [
        { day: '1970-01-01', from: 0, to: 24 },
        { day: '1970-01-02', from: 24, to: 48 },
      ],
      cut: [],
    });
  });

  it('answers from the aggregate only when nothing but time narrows the query', () => {
    expect(aggregateAnswers({})).toBe(true);
    expect(aggregateAnswers({ since: 1, until: 2, limit: 5, search: '  ' })).toBe(true);
    for (const q of [
      { server: 'fs' },
      { tool: 't' },
      { decision: 'denied' },
      { risk: 'high' },
      { search: 'x' },
      { beforeId: 9 },
    ] as HistoryQuery[]) {
      expect(aggregateAnswers(q)).toBe(false);
    }
  });
});

describe('history charts from the aggregate', () => {
  const tz = process.env.TZ;
  afterAll(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });
  afterEach(removeTempDirs);

  it('equal the scan of calls, in every time zone, after pending calls, late decisions and a prune', () => {
    // 25 days across both DST changes of March 2026 (US on the 8th, Europe on the 29th).
    const now = Date.UTC(2026, 2, 30, 10, 17, 3, 456);
    const { store, file } = tempStore();
    seedCalls(store, 3_000, seededRng(11), { now, spanDays: 25 });
    const pending: number[] = [];
    store.transaction(() => {
      for (let i = 0; i < 60; i++) {
        const at = now - 24 * DAY + i * 9 * HOUR + 61_001;
        pending.push(store.calls.begin(call({ at, tool: `t${i % 4}`, risk: LOW })));
      }
    });
    // The tables count everything so far (the pending calls once decided, by the trigger); the
    // calls after this are counted by the views until the next catch-up (migration 010).
    expect(store.calls.catchUpStats()).toBe(60);
    store.transaction(() => {
      for (let i = 0; i < 50; i++) {
        const at = now - 23 * DAY + i * 11 * HOUR + 7_001;
        store.calls.record(call({ at, tool: `t${i % 3}` }), decision({ at }));
      }
    });
    pending.slice(0, 20).forEach((id, i) => {
      store.calls.decide(id, decision({ kind: i % 2 ? 'denied' : 'approved', at: now - i }));
    });
    expect(store.calls.markInterrupted(now)).toBe(40);
    const stillPending = store.calls.begin(call({ at: now - 2 * DAY, tool: 'waiting' }));
    expect(store.retention.prune(20, now).calls).toBeGreaterThan(100);
    expect(store.calls.pendingIds()).toEqual([stillPending]);

    const reader = new Database(file, { readonly: true });
    const scan = historyRepo(reader, { aggregate: false });
    const months = new Map<string, unknown>();
    const total = scan.count({});
    const queries: HistoryQuery[] = [
      {},
      { search: '   ' },
      { since: now - 3 * DAY - 12_345 },
      { until: now - 2 * DAY + 7 },
      { since: now - 10 * DAY + 1, until: now - DAY - 1 },
      { since: now - 5 * HOUR - 999, until: now - 4 * HOUR + 1_000 },
      { since: now + DAY },
    ];
    for (const zone of [
      'UTC',
      'America/New_York',
      'Europe/Paris',
      'Asia/Kolkata',
      'Asia/Kathmandu',
      'Australia/Lord_Howe',
    ]) {
      process.env.TZ = zone;
      for (const q of queries) {
        for (const days of [1, 7, 30]) {
          const fast = store.history.statsPerDay(q, days, now);
          expect(fast, `${zone} ${JSON.stringify(q)} ${days}`).toEqual(
            scan.statsPerDay(q, days, now),
          );
        }
        for (const n of [1, 4, 20]) {
          expect(store.history.topTools(q, n), `${zone} ${JSON.stringify(q)}`).toEqual(
            scan.topTools(q, n),
          );
        }
      }
      const month = store.history.statsPerDay({}, 30, now);
      months.set(zone, month);
      expect(month.reduce((s, d) => s + d.n, 0)).toBe(total);
      expect(new Set(month.map((d) => d.day)).size).toBeGreaterThanOrEqual(20);
      expect(localDay(now)).toBe(month.at(-1)?.day);
    }
    // Local days really moved with the zone, in both SQLite and JS.
    expect(months.get('Asia/Kolkata')).not.toEqual(months.get('UTC'));
    expect(months.get('America/New_York')).not.toEqual(months.get('UTC'));
    expect(store.history.topTools({}, 100).reduce((s, t) => s + t.n, 0)).toBe(total);

    // The aggregate is derived data: the audit chain verifies, and the tables match calls.
    expect(store.audit.verify()).toMatchObject({ ok: true });
    const raw = new Database(file);
    const counted = statsTables(raw, true);
    expect(counted.actual).toEqual(counted.expected);
    expect(statsTables(raw).actual).not.toEqual(counted.expected);
    // Caught up, the tables alone hold every count, and nothing is counted twice.
    expect(store.calls.catchUpStats()).toBe(51); // the 50, and the call still pending
    expect(store.calls.catchUpStats()).toBe(0);
    const tables = statsTables(raw);
    expect(tables.actual).toEqual(tables.expected);
    expect(statsTables(raw, true).actual).toEqual(tables.expected);

    // And the fast path does read it: a skewed aggregate shows in the charts.
    raw.exec('UPDATE call_stats_by_hour SET n = n + 1; UPDATE call_stats_by_day SET n = n + 1');
    raw.close();
    expect(store.history.statsPerDay({}, 30, now)).not.toEqual(scan.statsPerDay({}, 30, now));
    expect(store.history.topTools({}, 3)).not.toEqual(scan.topTools({}, 3));
    reader.close();
    store.close();
  });
});
