// Helpers for the store's tests: real SQLite files in a fresh temp directory.
import path from 'node:path';
import type { RiskAssessment } from '../contract/types';
import { openStore, type Store, type StoreOptions } from './store';
import type { NewRule } from './rules';
import { madeTempDir, removeMadeTempDirs } from '../testing/tempDirs';
import { callStats } from './migrations/003_call_stats';
import type { CallDecision, CallStart } from './types';

export function tempDir(): string {
  return madeTempDir('airlock-store-');
}

export function tempStore(opts: StoreOptions = {}): { store: Store; file: string } {
  const file = path.join(tempDir(), 'nested', 'airlock.db');
  return { store: openStore(file, opts), file };
}

/** For afterEach: removes every temp directory made so far. */
export const removeTempDirs = removeMadeTempDirs;

export const LOW: RiskAssessment = { level: 'low', reasons: [] };
export const HIGH: RiskAssessment = {
  level: 'high',
  reasons: [{ code: 'args.shell', level: 'high', text: 'The arguments contain a shell command' }],
};

export function call(over: Partial<CallStart> = {}): CallStart {
  return {
    at: 1_000,
    sessionId: 'sess-1',
    host: 'claude-desktop',
    serverId: null,
    server: 'filesystem',
    tool: 'write_file',
    argumentsRaw: '{"path":"/home/ana/notes.md","content":"hello"}',
    risk: HIGH,
    ...over,
  };
}

export function decision(over: Partial<CallDecision> = {}): CallDecision {
  return { kind: 'approved', decidedBy: 'user', ruleId: null, message: null, at: 3_000, ...over };
}

/**
 * The call_stats tables as they should be, recomputed with GROUP BY over calls, next to what
 * they hold. Both sorted the same way, for toEqual.
 */
export function statsTables(
  db: import('better-sqlite3').Database,
  /** Read the counts as the charts do (migration 010's views), not the tables alone. */
  counted = false,
): {
  expected: unknown[][];
  actual: unknown[][];
} {
  const q = (sql: string) => db.prepare(sql).raw().all();
  const view = counted ? '_counted' : '';
  const hour = '(at - ((at % 3600000) + 3600000) % 3600000) / 3600000';
  const day = '(at - ((at % 86400000) + 86400000) % 86400000) / 86400000';
  const decided = 'FROM calls WHERE decision IS NOT NULL';
  return {
    expected: [
      q(
        `SELECT ${hour} h, decision, server, tool, count(*) ${decided} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
      ),
      q(`SELECT ${hour} h, decision, count(*) ${decided} GROUP BY 1, 2 ORDER BY 1, 2`),
      q(`SELECT ${day} d, server, tool, count(*) ${decided} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`),
    ],
    actual: [
      q(
        `SELECT hour, decision, server, tool, sum(n) FROM call_stats${view}
         GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
      ),
      q(`SELECT hour, decision, sum(n) FROM call_stats_by_hour${view} GROUP BY 1, 2 ORDER BY 1, 2`),
      q(
        `SELECT day, server, tool, sum(n) FROM call_stats_by_day${view} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      ),
    ],
  };
}

/** A rule as a person makes it: every server, no conditions, forever, asking; `over` changes it. */
export function newRule(over: Partial<NewRule> = {}): NewRule {
  return {
    serverId: null,
    tool: '*',
    conditions: [],
    action: 'ask',
    expiry: { kind: 'forever' },
    riskCeiling: null,
    note: '',
    origin: 'manual',
    enabled: true,
    ...over,
  };
}

/**
 * The hash row `seq` was chained after, as hex: the previous row's, or the anchor's when the row
 * before was pruned (rows keep no copy of it since migration 009). For tests that forge a row.
 */
export function prevHashOf(db: import('better-sqlite3').Database, seq: number): string {
  const hex = (col: string) =>
    `(CASE WHEN typeof(${col}) = 'blob' THEN lower(hex(${col})) ELSE ${col} END)`;
  return db
    .prepare<[number], string>(
      `SELECT coalesce((SELECT ${hex('hash')} FROM events WHERE seq = ? - 1),
         (SELECT ${hex('prev_hash')} FROM chain_anchor WHERE id = 1))`,
    )
    .pluck()
    .get(seq) as string;
}

/**
 * For tests that turn today's file back into an older version: takes back migration 010 (the
 * counts kept behind a mark), leaving the tables and triggers of 003, counted afresh.
 */
export function undoStatsBehind(db: import('better-sqlite3').Database): void {
  db.exec(`
    DROP VIEW call_stats_counted; DROP VIEW call_stats_by_hour_counted;
    DROP VIEW call_stats_by_day_counted; DROP TABLE call_stats_upto;
    DROP TRIGGER call_stats_insert; DROP TRIGGER call_stats_update; DROP TRIGGER call_stats_delete;
    DROP TABLE call_stats; DROP TABLE call_stats_by_hour; DROP TABLE call_stats_by_day;
  `);
  callStats.up(db);
}

/**
 * For tests that turn today's file back into an older version: takes back migration 011 (the
 * full-text index kept behind a mark). Run after re-running an older step of the index, which
 * replaces its triggers and rebuilds it from every call.
 */
export function undoSearchBehind(db: import('better-sqlite3').Database): void {
  db.exec('DROP TABLE call_search_upto');
}
