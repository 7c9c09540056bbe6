// The read path. Every query runs on the read-only connection; a page is a keyset scan
// (id DESC, below `beforeId`) walking one index, so its cost does not grow with the store.
import type Database from 'better-sqlite3';
import type {
  DecidedBy,
  DecisionKind,
  HistoryQuery,
  HistoryRow,
  RecordedResult,
  RiskLevel,
  RiskReason,
} from '../contract/types';
import { parseJson } from './context';
import { csvLine } from './csv';
import { digestText } from './digest';
import type { CallDbRow } from './facts';
import { ftsQuery } from './search';
import { INDEXED, searchTail, type SearchSource } from './searchIndex';
import { aggregateAnswers, statsReader, type StatsReader } from './stats';
import type { DayStat, ToolCount } from './types';

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 1000;
const DAY_MS = 86_400_000;

export interface HistoryRepo {
  /** One page, newest first. limit defaults to 50 (at most 1000). */
  query(q: HistoryQuery): HistoryRow[];
  get(id: number): HistoryRow | null;
  count(q: HistoryQuery): number;
  /** Decisions per local day over the last `days` days. */
  statsPerDay(q: HistoryQuery, days: number, now: number): DayStat[];
  topTools(q: HistoryQuery, n: number): ToolCount[];
  /** Every matching row (q.limit applies only if given), streamed in chunks. */
  exportCsv(q: HistoryQuery, write: (chunk: string) => void): number;
  exportJson(q: HistoryQuery, write: (chunk: string) => void): number;
}

interface Filter {
  from: string;
  where: string;
  params: unknown[];
  order: string;
}

const COLUMNS = `c.id, c.at, c.host, c.server, c.server_id, c.tool, c.arguments, c.risk, c.reasons,
  c.decision, c.decided_by, c.rule_id, c.message, c.decided_at, c.would_have,
  c.outcome_error, c.outcome_duration_ms, c.outcome_size, c.approved_arguments,
  c.result_sha256, c.result_excerpt, c.result_chars, c.result_risk, c.result_findings,
  c.result_review`;

/**
 * SQL shape and parameters for a query; values are always bound, never spliced. A search
 * matches its words in `source` (the full-text index unless told otherwise).
 */
export function buildFilter(q: HistoryQuery, source: SearchSource = INDEXED): Filter {
  const clauses = ['c.decision IS NOT NULL'];
  const params: unknown[] = [];
  let from = 'calls c';
  let idCol = 'c.id';
  if (q.search !== undefined && q.search.trim() !== '') {
    const match = ftsQuery(q.search);
    if (match === null) {
      clauses.push('0');
    } else {
      // The full-text index drives the scan (its rowids come out in order, newest first), and
      // each hit is joined to its call: a page stops after `limit` hits even for common words.
      // temp.: the connection's own tail index, never a table of that name in the file.
      const table = source.table === 'calls_fts' ? 'calls_fts' : 'temp.calls_fts_tail';
      from = `${table} f JOIN calls c ON c.id = f.rowid`;
      idCol = 'f.rowid';
      clauses.push(`f.${source.table} MATCH ?`);
      params.push(match);
      if (source.upTo !== undefined) {
        clauses.push('f.rowid <= ?');
        params.push(source.upTo);
      }
    }
  }
  const eq = (col: string, v: string | undefined) => {
    if (v === undefined) return;
    clauses.push(`${col} = ?`);
    params.push(v);
  };
  eq('c.server', q.server);
  eq('c.tool', q.tool);
  eq('c.decision', q.decision);
  eq('c.risk', q.risk);
  // Unary + keeps the time index out of page queries: a time range walked by id stops after
  // one page, whereas the time index would fetch the whole range and sort it.
  if (q.since !== undefined) {
    clauses.push('+c.at >= ?');
    params.push(q.since);
  }
  if (q.until !== undefined) {
    clauses.push('+c.at <= ?');
    params.push(q.until);
  }
  if (q.beforeId !== undefined) {
    clauses.push(`${idCol} < ?`);
    params.push(q.beforeId);
  }
  return { from, where: clauses.join(' AND '), params, order: `${idCol} DESC` };
}

function pageLimit(q: HistoryQuery): number {
  const n = q.limit ?? DEFAULT_PAGE;
  return Math.max(1, Math.min(MAX_PAGE, Math.floor(n)));
}

type HistoryDbRow = Omit<CallDbRow, 'session_id'>;

export function toHistoryRow(r: HistoryDbRow): HistoryRow {
  return {
    id: r.id,
    at: r.at,
    host: r.host,
    server: r.server,
    serverId: r.server_id,
    tool: r.tool,
    arguments: parseJson<unknown>(r.arguments, r.arguments),
    approvedArguments:
      r.approved_arguments === null || r.approved_arguments === undefined
        ? null
        : parseJson<unknown>(r.approved_arguments, r.approved_arguments),
    risk: r.risk as RiskLevel,
    reasons: parseJson<RiskReason[]>(r.reasons, []),
    decision: r.decision as DecisionKind,
    decidedBy: r.decided_by as DecidedBy | null,
    ruleId: r.rule_id,
    message: r.message,
    wouldHave: (r.would_have as HistoryRow['wouldHave']) ?? null,
    latencyMs: r.decided_at === null ? null : Math.max(0, r.decided_at - r.at),
    outcome:
      r.outcome_error === null
        ? null
        : {
            isError: r.outcome_error === 1,
            durationMs: r.outcome_duration_ms ?? 0,
            size: r.outcome_size ?? 0,
          },
    result:
      r.result_sha256 === null
        ? null
        : {
            sha256: digestText(r.result_sha256),
            excerpt: r.result_excerpt ?? '',
            chars: r.result_chars ?? 0,
            risk: (r.result_risk as RiskLevel | null) ?? null,
            findings: parseJson<RiskReason[]>(r.result_findings ?? '[]', []),
            review: parseJson<RecordedResult['review']>(r.result_review ?? 'null', null),
          },
  };
}

/** Adds a counted group to the one of the same key (a query read from more than one source). */
function addCount<T extends { n: number }>(counts: Map<string, T>, row: T, ...key: string[]): void {
  const id = JSON.stringify(key);
  const seen = counts.get(id);
  if (seen) seen.n += row.n;
  else counts.set(id, { ...row });
}

/** Text in code-unit order (SQLite's BINARY order but between astral and U+E000–U+FFFF characters). */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export interface HistoryOptions {
  /**
   * Answer the charts from the call_stats aggregate when the query allows it (the default).
   * Off, every chart is a scan of calls: the reference the aggregate is tested against.
   */
  aggregate?: boolean;
}

export function historyRepo(r: Database.Database, opts: HistoryOptions = {}): HistoryRepo {
  const useAggregate = opts.aggregate ?? true;
  let agg: StatsReader | null = null;
  const aggregate = (): StatsReader => (agg ??= statsReader(r));
  const cache = new Map<string, Database.Statement>();
  const stmt = (sql: string): Database.Statement => {
    let s = cache.get(sql);
    if (!s) {
      s = r.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  const one = r.prepare<[number], HistoryDbRow>(
    `SELECT ${COLUMNS} FROM calls c WHERE c.id = ? AND c.decision IS NOT NULL`,
  );

  const tail = searchTail(r);
  /** Where a query reads: a search also reads the calls not in the full-text index yet, first. */
  const sourcesOf = (q: HistoryQuery): SearchSource[] =>
    q.search !== undefined && ftsQuery(q.search) !== null ? tail.sources() : [INDEXED];

  function* rows(q: HistoryQuery, limit: number | null): Generator<HistoryDbRow> {
    let left = limit;
    for (const source of sourcesOf(q)) {
      if (left !== null && left <= 0) return;
      const f = buildFilter(q, source);
      const sql = `SELECT ${COLUMNS} FROM ${f.from} WHERE ${f.where} ORDER BY ${f.order}${left === null ? '' : ' LIMIT ?'}`;
      const params = left === null ? f.params : [...f.params, left];
      for (const row of stmt(sql).iterate(...params) as IterableIterator<HistoryDbRow>) {
        if (left !== null) left--;
        yield row;
      }
    }
  }

  function exportRows(
    q: HistoryQuery,
    write: (chunk: string) => void,
    line: (row: HistoryRow, raw: HistoryDbRow, first: boolean) => string,
  ): number {
    let buf = '';
    let n = 0;
    const limit = q.limit === undefined ? null : Math.max(0, Math.floor(q.limit));
    for (const raw of rows(q, limit)) {
      buf += line(toHistoryRow(raw), raw, n === 0);
      n++;
      if (buf.length >= 65_536) {
        write(buf);
        buf = '';
      }
    }
    if (buf) write(buf);
    return n;
  }

  return {
    query: (q) => Array.from(rows(q, pageLimit(q)), toHistoryRow),
    get(id) {
      const row = one.get(id);
      return row ? toHistoryRow(row) : null;
    },
    count(q) {
      let n = 0;
      for (const source of sourcesOf(q)) {
        const f = buildFilter(q, source);
        n += stmt(`SELECT count(*) FROM ${f.from} WHERE ${f.where}`)
          .pluck()
          .get(...f.params) as number;
      }
      return n;
    },
    statsPerDay(q, days, now) {
      const since = Math.max(q.since ?? 0, now - days * DAY_MS);
      if (useAggregate && aggregateAnswers(q)) return aggregate().statsPerDay(since, q.until);
      const counts = new Map<string, DayStat>();
      for (const source of sourcesOf(q)) {
        const f = buildFilter({ ...q, since }, source);
        const sql = `SELECT date(c.at / 1000, 'unixepoch', 'localtime') AS day, c.decision AS decision,
          count(*) AS n FROM ${f.from} WHERE ${f.where} GROUP BY day, c.decision`;
        for (const s of stmt(sql).all(...f.params) as DayStat[])
          addCount(counts, s, s.day, s.decision);
      }
      return [...counts.values()].sort(
        (a, b) => compare(a.day, b.day) || compare(a.decision, b.decision),
      );
    },
    topTools(q, n) {
      if (useAggregate && aggregateAnswers(q)) return aggregate().topTools(q.since, q.until, n);
      const counts = new Map<string, ToolCount>();
      for (const source of sourcesOf(q)) {
        const f = buildFilter(q, source);
        const sql = `SELECT c.server AS server, c.tool AS tool, count(*) AS n FROM ${f.from}
          WHERE ${f.where} GROUP BY c.server, c.tool`;
        for (const t of stmt(sql).all(...f.params) as ToolCount[])
          addCount(counts, t, t.server, t.tool);
      }
      return [...counts.values()]
        .sort((a, b) => b.n - a.n || compare(a.server, b.server) || compare(a.tool, b.tool))
        .slice(0, Math.max(0, n));
    },
    exportCsv(q, write) {
      write(
        csvLine([
          'id',
          'time',
          'host',
          'server',
          'tool',
          'arguments',
          'risk',
          'reasons',
          'decision',
          'decided_by',
          'rule_id',
          'message',
          'would_have',
          'latency_ms',
          'outcome_error',
          'outcome_duration_ms',
          'outcome_size',
          'approved_arguments',
        ]),
      );
      // Arguments are exported as recorded, not re-serialized (big integers keep their digits).
      return exportRows(q, write, (h, raw) =>
        csvLine([
          h.id,
          new Date(h.at).toISOString(),
          h.host,
          h.server,
          h.tool,
          raw.arguments,
          h.risk,
          h.reasons.map((x) => x.code).join(' '),
          h.decision,
          h.decidedBy,
          h.ruleId,
          h.message,
          h.wouldHave,
          h.latencyMs,
          h.outcome === null ? null : h.outcome.isError,
          h.outcome?.durationMs,
          h.outcome?.size,
          raw.approved_arguments,
        ]),
      );
    },
    exportJson(q, write) {
      write('[');
      const n = exportRows(q, write, (h, raw, first) => {
        const { arguments: _parsed, ...rest } = h;
        const args = isJson(raw.arguments) ? raw.arguments : JSON.stringify(raw.arguments);
        return `${first ? '\n' : ',\n'}${JSON.stringify(rest).slice(0, -1)},"arguments":${args}}`;
      });
      write(n > 0 ? '\n]\n' : ']\n');
      return n;
    },
  };
}
