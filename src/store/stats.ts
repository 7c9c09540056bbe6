// History charts from the call_stats aggregate (migration 003) instead of a scan of every call.
// Whole UTC hours inside the range come from the aggregate; the partial hours at its edges, and
// any hour that local midnight cuts in two (zones at a half-hour offset), are counted from calls
// through the (at, decision) index, so the answers equal the scan's exactly.
import type Database from 'better-sqlite3';
import type { DecisionKind, HistoryQuery } from '../contract/types';
import { HOUR_MS } from './migrations/003_call_stats';
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
  const fromHour = since === undefined ? Number.MIN_SAFE_INTEGER : Math.ceil(since / HOUR_MS);
  // Hour h is whole only if every time in it, up to (h + 1) * HOUR_MS, is at or before until.
  const toHour = until === undefined ? Number.MAX_SAFE_INTEGER : Math.floor(until / HOUR_MS);
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

/** The local calendar day of a time, as SQLite's date(…, 'localtime') writes it. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1, 2)}-${pad(d.getDate(), 2)}`;
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
  const hourly = r
    .prepare<[number, number], [number, string, number]>(
      `SELECT hour, decision, sum(n) FROM call_stats WHERE hour >= ? AND hour < ?
       GROUP BY hour, decision`,
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
  // Edges that do not apply are bound as empty ranges (from 1 to 0), so one statement serves all.
  const tools = r.prepare<[number, number, number, number, number, number, number], ToolCount>(
    `SELECT server, tool, sum(n) AS n FROM (
       SELECT server, tool, n FROM call_stats WHERE hour >= ? AND hour < ?
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
      const scans = [...edges];
      let lastHour: number | null = null;
      let day: string | null = null;
      for (const [hour, decision, n] of hourly.iterate(fromHour, toHour)) {
        if (hour !== lastHour) {
          lastHour = hour;
          const start = hour * HOUR_MS;
          // The offset is looked up per hour, so a DST change falls where it should.
          day = localDay(start);
          if (localDay(start + HOUR_MS - 1000) !== day) {
            day = null;
            scans.push({ from: start, to: start + HOUR_MS, inclusive: false });
          }
        }
        if (day !== null) bump(day, decision, n);
      }
      for (const e of scans) {
        const stmt = e.inclusive ? scanDaysClosed : scanDaysOpen;
        for (const [d, decision, n] of stmt.iterate(e.from, e.to)) bump(d, decision, n);
      }
      return dayStats(counts);
    },

    topTools(since, until, n) {
      const { fromHour, toHour, edges } = splitRange(since, until);
      const open = edges.find((e) => !e.inclusive) ?? { from: 1, to: 0 };
      const closed = edges.find((e) => e.inclusive) ?? { from: 1, to: 0 };
      return tools.all(fromHour, toHour, open.from, open.to, closed.from, closed.to, n);
    },
  };
}
