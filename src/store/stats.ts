// History charts from the call_stats aggregate (migrations 003, 010) instead of a scan of every
// call. Whole UTC hours inside the range come from the aggregate; the partial hours at its edges,
// and any hour that local midnight cuts in two (zones at a half-hour offset), are counted from
// calls through the (at, decision) index, so the answers equal the scan's exactly.
import type Database from 'better-sqlite3';
import type { DecisionKind, HistoryQuery } from '../contract/types';
// The tables as the latest migration that shaped them (010) defines them: one definition.
import { AGGREGATES, DAY_MS, HOUR_MS, keys, keysOfCalls } from './migrations/010_stats_behind';
import { markCatchUp } from './markCatchUp';
import type { DayStat, ToolCount } from './types';

/** A range of call times counted from calls: [from, to), or [from, to] when inclusive. */
export interface Edge {
  from: number;
  to: number;
  inclusive: boolean;
}

/** Whole hours [fromHour, toHour) read from the aggregate, and the edges scanned around them. */
export interface Split {
  fromHour: number;
  toHour: number;
  edges: Edge[];
}

/** Whole UTC days [fromDay, toDay) within some whole hours, and the hours left on either side. */
export interface DaySplit {
  fromDay: number;
  toDay: number;
  /** Two ranges [from, to) of hours, either possibly empty. */
  hours: [[number, number], [number, number]];
}

const HOURS_PER_DAY = DAY_MS / HOUR_MS;
/** Stands for an open end, in hours: a whole number of days, so it splits into days exactly. */
export const OPEN_HOURS = HOURS_PER_DAY * 2 ** 45;

/** True when only since/until narrow the query, the one shape the aggregate can answer. */
export function aggregateAnswers(q: HistoryQuery): boolean {
  return (
    q.server === undefined &&
    q.tool === undefined &&
    q.decision === undefined &&
    q.risk === undefined &&
    q.beforeId === undefined &&
    (q.search === undefined || q.search.trim() === '')
  );
}

/** Splits the call times since ≤ at ≤ until (either end open) into whole hours and edges. */
export function splitRange(since: number | undefined, until: number | undefined): Split {
  const none: Split = { fromHour: 0, toHour: 0, edges: [] };
  if (since !== undefined && until !== undefined && since > until) return none;
  const fromHour = since === undefined ? -OPEN_HOURS : Math.ceil(since / HOUR_MS);
  // Hour h is whole only if every time in it, up to (h + 1) * HOUR_MS, is at or before until.
  const toHour = until === undefined ? OPEN_HOURS : Math.floor(until / HOUR_MS);
  if (fromHour >= toHour) {
    // since and until are both set here: the range lies within about two hours.
    return { ...none, edges: [{ from: since ?? 0, to: until ?? 0, inclusive: true }] };
  }
  const edges: Edge[] = [];
  if (since !== undefined && since < fromHour * HOUR_MS) {
    edges.push({ from: since, to: fromHour * HOUR_MS, inclusive: false });
  }
  if (until !== undefined) edges.push({ from: toHour * HOUR_MS, to: until, inclusive: true });
  return { fromHour, toHour, edges };
}

export function splitDays(fromHour: number, toHour: number): DaySplit {
  const fromDay = Math.ceil(fromHour / HOURS_PER_DAY);
  const toDay = Math.floor(toHour / HOURS_PER_DAY);
  if (fromDay >= toDay)
    return {
      fromDay: 0,
      toDay: 0,
      hours: [
        [fromHour, toHour],
        [0, 0],
      ],
    };
  return {
    fromDay,
    toDay,
    hours: [
      [fromHour, fromDay * HOURS_PER_DAY],
      [toDay * HOURS_PER_DAY, toHour],
    ],
  };
}

/** The local calendar day of a time, as SQLite's date(…, 'localtime') writes it. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1, 2)}-${pad(d.getDate(), 2)}`;
}

/** Consecutive whole hours [from, to) that fall on one local day. */
export interface DayRun {
  day: string;
  from: number;
  to: number;
}

/**
 * Groups the hours [fromHour, toHour) by local day, the offset looked up for each hour so a DST
 * change falls where it should. An hour that local midnight cuts in two (a zone at a half-hour
 * offset) belongs to no run: it is returned in `cut`, to be counted from calls.
 */
export function localDayRuns(
  fromHour: number,
  toHour: number,
  dayOf: (ms: number) => string = localDay,
): { runs: DayRun[]; cut: number[] } {
  const runs: DayRun[] = [];
  const cut: number[] = [];
  let run: DayRun | null = null;
  for (let h = fromHour; h < toHour; h++) {
    const day = dayOf(h * HOUR_MS);
    // The last second of the hour: SQLite's date() reads whole seconds.
    if (dayOf((h + 1) * HOUR_MS - 1000) !== day) {
      cut.push(h);
      run = null;
    } else if (run !== null && run.day === day) {
      run.to = h + 1;
    } else {
      run = { day, from: h, to: h + 1 };
      runs.push(run);
    }
  }
  return { runs, cut };
}

/** Merges per-day counts and orders them as the scan's ORDER BY day, decision does. */
export function dayStats(counts: Map<string, number>): DayStat[] {
  const out: DayStat[] = [];
  for (const [key, n] of counts) {
    const [day, decision] = key.split('\n') as [string, string];
    out.push({ day, decision: decision as DecisionKind, n });
  }
  // Days and decision kinds are ASCII, where code-unit order is SQLite's binary order.
  return out.sort((a, b) =>
    a.day !== b.day ? (a.day < b.day ? -1 : 1) : a.decision < b.decision ? -1 : 1,
  );
}

export interface StatsReader {
  statsPerDay(since: number, until: number | undefined): DayStat[];
  topTools(since: number | undefined, until: number | undefined, n: number): ToolCount[];
}

export function statsReader(r: Database.Database): StatsReader {
  const hourBounds = r
    .prepare<[number, number], [number | null, number | null]>(
      'SELECT min(hour), max(hour) FROM call_stats_by_hour_counted WHERE hour >= ? AND hour < ?',
    )
    .raw();
  // One small query per local day: a few rows out instead of one per hour and decision.
  const perDecision = r
    .prepare<[number, number], [string, number]>(
      `SELECT decision, sum(n) FROM call_stats_by_hour_counted WHERE hour >= ? AND hour < ?
       GROUP BY decision`,
    )
    .raw();
  const scanDays = (inclusive: boolean) =>
    r
      .prepare<[number, number], [string, string, number]>(
        `SELECT date(at / 1000, 'unixepoch', 'localtime') AS day, decision, count(*) FROM calls
         WHERE at >= ? AND at ${inclusive ? '<=' : '<'} ? AND decision IS NOT NULL
         GROUP BY day, decision`,
      )
      .raw();
  const scanDaysOpen = scanDays(false);
  const scanDaysClosed = scanDays(true);
  // Ranges that do not apply are bound empty (from 1 to 0), so one statement serves every split.
  const tools = r.prepare<number[], ToolCount>(
    `SELECT server, tool, sum(n) AS n FROM (
       SELECT server, tool, n FROM call_stats_by_day_counted WHERE day >= ? AND day < ?
       UNION ALL
       SELECT server, tool, n FROM call_stats_counted WHERE hour >= ? AND hour < ?
       UNION ALL
       SELECT server, tool, n FROM call_stats_counted WHERE hour >= ? AND hour < ?
       UNION ALL
       SELECT server, tool, 1 FROM calls WHERE at >= ? AND at < ? AND decision IS NOT NULL
       UNION ALL
       SELECT server, tool, 1 FROM calls WHERE at >= ? AND at <= ? AND decision IS NOT NULL
     ) GROUP BY server, tool ORDER BY n DESC, server, tool LIMIT ?`,
  );

  return {
    statsPerDay(since, until) {
      const { fromHour, toHour, edges } = splitRange(since, until);
      const counts = new Map<string, number>();
      const bump = (day: string, decision: string, n: number) => {
        const key = `${day}\n${decision}`;
        counts.set(key, (counts.get(key) ?? 0) + n);
      };
      const [first, last] = hourBounds.get(fromHour, toHour) ?? [null, null];
      const scans = [...edges];
      if (first !== null && last !== null) {
        const { runs, cut } = localDayRuns(first, last + 1);
        for (const run of runs) {
          for (const [decision, n] of perDecision.all(run.from, run.to)) bump(run.day, decision, n);
        }
        for (const h of cut)
          scans.push({ from: h * HOUR_MS, to: (h + 1) * HOUR_MS, inclusive: false });
      }
      for (const e of scans) {
        const stmt = e.inclusive ? scanDaysClosed : scanDaysOpen;
        for (const [d, decision, n] of stmt.iterate(e.from, e.to)) bump(d, decision, n);
      }
      return dayStats(counts);
    },

    topTools(since, until, n) {
      const { fromHour, toHour, edges } = splitRange(since, until);
      const { fromDay, toDay, hours } = splitDays(fromHour, toHour);
      const open = edges.find((e) => !e.inclusive) ?? { from: 1, to: 0 };
      const closed = edges.find((e) => e.inclusive) ?? { from: 1, to: 0 };
      return tools.all(
        ...[fromDay, toDay, ...hours[0], ...hours[1], open.from, open.to, closed.from, closed.to],
        n,
      );
    },
  };
}

/**
 * Moves the counts forward over the calls recorded since the mark (migration 010), and the mark
 * with them, in the caller's transaction: decided calls are added to their buckets; a call still
 * pending is counted by the update trigger once decided. Returns how far the mark moved (ids).
 */
export function statsCatchUp(w: Database.Database): () => number {
  const folds = AGGREGATES.map((a) =>
    w.prepare<[number, number]>(
      `INSERT INTO ${a.table} (${keys(a)}, n)
       SELECT ${keysOfCalls(a)}, count(*) FROM calls
       WHERE id > ? AND id <= ? AND decision IS NOT NULL GROUP BY ${keys(a)}
       ON CONFLICT DO UPDATE SET n = n + excluded.n`,
    ),
  );
  const empty = AGGREGATES.map((a) => w.prepare(`DELETE FROM ${a.table}`));
  const fold = (from: number, to: number): void => {
    for (const f of folds) f.run(from, to);
  };
  return markCatchUp(w, {
    table: 'call_stats_upto',
    fold,
    rebuild(to) {
      for (const e of empty) e.run();
      fold(0, to);
    },
  });
}
