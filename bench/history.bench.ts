// History queries on a store of 1,000,000 recorded calls (issue 3): pages with each filter,
// full-text search, counts and the statistics the history view shows. Target: a history page
// under 50 ms at 1M rows. The comparison is the same page read with plain SQL on the same
// file, rows left as SQLite returns them (history without Airlock does not exist; this is
// what a hand-written query would cost).
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import type { HistoryQuery } from '../src/contract/types';
import { seedCalls, seededRng } from '../src/store/seed';
import { openStore, type Store } from '../src/store/store';
import { tempDir } from '../src/testing/harness';
import { ms, summarize, writeSection, type Summary } from './report';

const ROWS = 1_000_000;
const RUNS = 20;
const WARMUP = 2;
const DAY = 86_400_000;

function time(fn: () => unknown): { summary: Summary; result: unknown } {
  let result: unknown;
  for (let i = 0; i < WARMUP; i++) result = fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    result = fn();
    samples.push(performance.now() - t);
  }
  return { summary: summarize(samples, 1), result };
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** A 6-digit number from one old written file: a word that occurs about once in 1M rows. */
function rareWord(db: Database.Database): string {
  const args = db
    .prepare<[], string>(
      `SELECT arguments FROM calls WHERE tool = 'write_file' AND id < 20000 ORDER BY id LIMIT 200`,
    )
    .pluck()
    .all();
  for (const a of args) {
    const m = / (\d{6})"/.exec(a);
    if (m?.[1]) return m[1];
  }
  throw new Error('no rare word found in the seeded calls');
}

/** Bytes per table and its indexes, where SQLite was built with dbstat. */
function sizesByObject(db: Database.Database): string | null {
  try {
    const rows = db
      .prepare<[], { name: string; bytes: number }>(
        `SELECT CASE WHEN name LIKE 'calls_fts%' THEN 'calls_fts (full-text)'
                     WHEN name LIKE 'calls%' OR name LIKE 'sqlite_autoindex_calls%' THEN 'calls + indexes'
                     WHEN name LIKE 'events%' THEN 'events (audit chain)'
                     ELSE 'other' END AS name, sum(pgsize) AS bytes
         FROM dbstat GROUP BY 1 ORDER BY 2 DESC`,
      )
      .all();
    return rows.map((r) => `${r.name} ${mib(r.bytes)} MiB`).join(', ');
  } catch {
    return null;
  }
}

interface Case {
  label: string;
  run: (store: Store) => unknown;
  /** The query whose matching rows are counted for the table (untimed). */
  matches?: HistoryQuery;
}

it('history queries on 1M recorded calls', () => {
  const dir = tempDir('airlock-bench-history-');
  const file = join(dir, 'airlock.db');
  const store = openStore(file);
  const now = Date.now();
  const seedStart = performance.now();
  const { firstId, lastId } = seedCalls(store, ROWS, seededRng(3), { now, spanDays: 90 });
  const seedMs = performance.now() - seedStart;
  expect(lastId - firstId + 1).toBe(ROWS);

  // A read-write side connection folds the WAL into the file, so the size below is the store's.
  const side = new Database(file);
  side.pragma('wal_checkpoint(TRUNCATE)');
  const dbBytes = fileSize(file);
  const parts = sizesByObject(side);
  side.close();
  const plain = new Database(file, { readonly: true });

  try {
    const rare = rareWord(plain);
    const first = store.history.query({});
    expect(first).toHaveLength(50);
    expect(first[0]?.id).toBe(lastId);
    const pageEnd = first.at(-1)!.id;
    const middle = firstId + ROWS / 2;

    const page = (label: string, q: HistoryQuery): Case => ({
      label,
      run: (s) => s.history.query(q),
      matches: q,
    });
    const cases: Case[] = [
      page('first page, no filter', {}),
      page('next page (beforeId)', { beforeId: pageEnd }),
      page('page 10,000 deep (beforeId = middle id)', { beforeId: middle }),
      page('server = shell', { server: 'shell' }),
      page('tool = write_file', { tool: 'write_file' }),
      page('decision = denied', { decision: 'denied' }),
      page('risk = critical', { risk: 'critical' }),
      page('since 7 days ago', { since: now - 7 * DAY }),
      page('until 60 days ago (newer rows skipped)', { until: now - 60 * DAY }),
      page(`search rare word "${rare}"`, { search: rare }),
      page('search common word "report"', { search: 'report' }),
      page('search "report" + decision = denied', { search: 'report', decision: 'denied' }),
      page('server = filesystem + risk = critical (no match)', {
        server: 'filesystem',
        risk: 'critical',
      }),
      { label: 'count, no filter', run: (s) => s.history.count({}) },
      { label: 'count, search "report"', run: (s) => s.history.count({ search: 'report' }) },
      { label: 'statsPerDay, last 30 days', run: (s) => s.history.statsPerDay({}, 30, now) },
      { label: 'statsPerDay, 90 days', run: (s) => s.history.statsPerDay({}, 90, now) },
      { label: 'topTools(10), all rows', run: (s) => s.history.topTools({}, 10) },
    ];

    const lines: string[] = [];
    const figures = new Map<string, Summary>();
    for (const c of cases) {
      const { summary, result } = time(() => c.run(store));
      figures.set(c.label, summary);
      const returned = Array.isArray(result) ? String(result.length) : String(result);
      const matching = c.matches ? store.history.count(c.matches).toLocaleString('en-US') : '';
      lines.push(
        `| ${c.label} | ${matching} | ${c.matches ? returned : ''} | ${ms(summary.median)} | ${ms(summary.p99)} |`,
      );
    }

    // Plain SQL on the same file: the page as a person would write it, rows not mapped.
    const plainFirst = plain.prepare('SELECT * FROM calls ORDER BY id DESC LIMIT 50');
    const plainSearch = plain.prepare(
      `SELECT c.* FROM calls_fts f JOIN calls c ON c.id = f.rowid WHERE calls_fts MATCH ?
       ORDER BY f.rowid DESC LIMIT 50`,
    );
    const baselines = [
      {
        label: 'first page, no filter',
        sql: 'SELECT * FROM calls ORDER BY id DESC LIMIT 50',
        t: time(() => plainFirst.all()),
      },
      {
        label: 'search common word "report"',
        sql: `calls_fts MATCH '"report"*' joined to calls, ORDER BY rowid DESC LIMIT 50`,
        t: time(() => plainSearch.all('"report"*')),
      },
    ];
    for (const b of baselines) expect(b.t.result).toHaveLength(50);
    const baselineRows = baselines
      .map((b) => {
        const airlock = figures.get(b.label)!;
        return `| ${b.label} | \`${b.sql}\` | ${ms(b.t.summary.median)} | ${ms(airlock.median)} | ${(airlock.median / b.t.summary.median).toFixed(2)}× |`;
      })
      .join('\n');

    const pages = cases
      .filter((c) => c.matches)
      .map((c) => ({ label: c.label, s: figures.get(c.label)! }));
    const over = pages
      .filter((p) => p.s.median >= 50)
      .map((p) => `${p.label} (${ms(p.s.median)} ms)`);
    const typical = pages.map((p) => p.s.median).sort((a, b) => a - b)[
      Math.floor(pages.length / 2)
    ]!;

    writeSection(
      'history',
      `## History queries at 1M calls (issue 3)

\`store.history\` (the read-only connection the history view and \`airlock history\` use) on a
store seeded with ${ROWS.toLocaleString('en-US')} decided calls (\`seedCalls\`: 4 servers, 9
tools, 90 days, real write path with the audit chain) in ${(seedMs / 1000).toFixed(0)} s. Database
file after a WAL checkpoint: **${mib(dbBytes)} MiB**${parts ? ` (${parts})` : ''}. Each query ${RUNS}
times after ${WARMUP} warm-up runs; a page is 50 rows mapped to \`HistoryRow\`s. Times in ms.
Target: a history page under 50 ms at 1M rows.

| query | matching rows | rows returned | median | p99 |
|---|---|---|---|---|
${lines.join('\n')}

Median of the page medians: **${ms(typical)} ms**. Pages at or over 50 ms:
${over.length ? over.join('; ') : 'none'}.

Baseline: history has no "without Airlock" form, so the comparison is the same page read
with plain SQL through better-sqlite3 on the same file, rows as SQLite returns them (no
filter building, no JSON parsing into \`HistoryRow\`).

| page | plain SQL | plain median | history.query median | ratio |
|---|---|---|---|---|
${baselineRows}`,
    );
  } finally {
    plain.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 900_000);
