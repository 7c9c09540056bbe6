import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { HistoryQuery } from '../contract/types';
import { buildFilter } from './history';
import { seedCalls, seededRng } from './seed';
import type { Store } from './store';
import { call, decision, HIGH, LOW, removeTempDirs, tempStore } from './testSupport';

describe('history queries', () => {
  let store: Store;
  const ids: number[] = [];
  beforeAll(() => {
    store = tempStore().store;
    const rows: [string, string, string, 'approved' | 'denied' | 'auto-approved', typeof LOW][] = [
      ['filesystem', 'read_file', '{"path":"/etc/passwd"}', 'auto-approved', LOW],
      [
        'filesystem',
        'write_file',
        '{"path":"/home/ana/notes.md","content":"foo\\"bar"}',
        'approved',
        HIGH,
      ],
      ['shell', 'run_command', '{"command":"rm -rf /tmp/x"}', 'denied', HIGH],
      ['shell', 'run_command', '{"command":"ls -la"}', 'approved', LOW],
      ['fetch', 'fetch', '{"url":"https://example.com/passwd-reset"}', 'denied', HIGH],
    ];
    rows.forEach(([server, tool, args, kind, risk], i) => {
      ids.push(
        store.calls.record(
          call({ at: 1_000 * (i + 1), server, tool, argumentsRaw: args, risk }),
          decision({
            kind,
            decidedBy: kind === 'auto-approved' ? 'policy' : 'user',
            at: 1_000 * (i + 1) + 10,
          }),
        ),
      );
    });
    store.calls.begin(call({ at: 9_000 })); // pending: not in history
  });
  afterAll(() => {
    store.close();
    removeTempDirs();
  });
  const q = (query: HistoryQuery) => store.history.query(query).map((r) => r.id);
  const at = (i: number) => ids[i] as number;

  it('lists decided calls newest first', () => {
    expect(q({})).toEqual([at(4), at(3), at(2), at(1), at(0)]);
    expect(store.history.count({})).toBe(5);
  });

  it('filters by server, tool, decision, risk and time', () => {
    expect(q({ server: 'shell' })).toEqual([at(3), at(2)]);
    expect(q({ tool: 'read_file' })).toEqual([at(0)]);
    expect(q({ decision: 'denied' })).toEqual([at(4), at(2)]);
    expect(q({ risk: 'high' })).toEqual([at(4), at(2), at(1)]);
    expect(q({ since: 2_000, until: 4_000 })).toEqual([at(3), at(2), at(1)]);
    expect(q({ server: 'shell', decision: 'approved' })).toEqual([at(3)]);
    expect(store.history.count({ risk: 'high', server: 'shell' })).toBe(1);
  });

  it('pages by keyset', () => {
    const first = store.history.query({ limit: 2 });
    expect(first.map((r) => r.id)).toEqual([at(4), at(3)]);
    expect(q({ limit: 2, beforeId: first[1]?.id })).toEqual([at(2), at(1)]);
    expect(q({ limit: 2, beforeId: at(1) })).toEqual([at(0)]);
    expect(q({ search: 'passwd', limit: 1, beforeId: at(4) })).toEqual([at(0)]);
  });

  it('searches tool names and arguments by word prefix', () => {
    expect(q({ search: 'passwd' })).toEqual([at(4), at(0)]);
    expect(q({ search: 'run_command' })).toEqual([at(3), at(2)]);
    expect(q({ search: 'rm tmp' })).toEqual([at(2)]);
    expect(q({ search: 'exam' })).toEqual([at(4)]);
    expect(q({ search: 'passwd', decision: 'denied' })).toEqual([at(4)]);
    expect(store.history.count({ search: 'passwd' })).toBe(2);
  });

  it('never lets search text act as query syntax', () => {
    for (const text of [
      'foo"bar',
      '-x',
      '"',
      'NEAR(a b',
      'tool:rm',
      '*',
      'a OR',
      '(',
      ')',
      "'; DROP TABLE calls; --",
      'AND',
    ]) {
      expect(() => store.history.query({ search: text })).not.toThrow();
    }
    expect(q({ search: 'foo"bar' })).toEqual([at(1)]);
    expect(q({ search: '-rf' })).toEqual([at(2)]);
    expect(q({ search: '---' })).toEqual([]);
    expect(q({ search: '   ' })).toHaveLength(5); // blank search is no filter
    expect(store.history.count({})).toBe(5);
  });

  it('counts per day and ranks tools', () => {
    const days = store.history.statsPerDay({}, 1, 86_400_000);
    expect(days.reduce((n, d) => n + d.n, 0)).toBe(5);
    expect(days.find((d) => d.decision === 'denied')?.n).toBe(2);
    expect(store.history.topTools({}, 2)).toEqual([
      { server: 'shell', tool: 'run_command', n: 2 },
      { server: 'fetch', tool: 'fetch', n: 1 },
    ]);
  });

  it('exports CSV with quoting', () => {
    let csv = '';
    const n = store.history.exportCsv({ server: 'shell' }, (c) => (csv += c));
    expect(n).toBe(2);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^id,time,host,server,tool,arguments,/);
    expect(lines[2]).toContain('"{""command"":""rm -rf /tmp/x""}"');
  });

  it('exports JSON that parses back to the same rows', () => {
    let json = '';
    expect(store.history.exportJson({}, (c) => (json += c))).toBe(5);
    expect(JSON.parse(json)).toEqual(store.history.query({}));
    let empty = '';
    store.history.exportJson({ server: 'none' }, (c) => (empty += c));
    expect(JSON.parse(empty)).toEqual([]);
  });
});

describe('history query plans', () => {
  afterEach(removeTempDirs);

  it('walks an index (never sorts the table) for every single filter', () => {
    const { store, file } = tempStore();
    seedCalls(store, 300, seededRng(3), { now: 10 * 86_400_000 });
    store.close();
    // EXPLAIN QUERY PLAN on a raw connection with the same SQL the repository prepares.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Database(file, { readonly: true });
    const queries: [HistoryQuery, RegExp][] = [
      [{}, /SCAN c|SEARCH c USING INTEGER PRIMARY KEY/],
      [{ beforeId: 100 }, /SEARCH c USING INTEGER PRIMARY KEY/],
      [{ server: 'shell' }, /INDEX calls_server/],
      [{ tool: 'fetch' }, /INDEX calls_tool/],
      [{ decision: 'denied' }, /INDEX calls_decision/],
      [{ risk: 'critical' }, /INDEX calls_risk/],
      [{ since: 5 }, /SCAN c|INTEGER PRIMARY KEY/],
      [{ search: 'home' }, /VIRTUAL TABLE INDEX/],
      [{ search: 'home', decision: 'denied', beforeId: 50 }, /VIRTUAL TABLE INDEX/],
    ];
    for (const [query, expected] of queries) {
      const f = buildFilter(query);
      const plan = db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT c.id FROM ${f.from} WHERE ${f.where} ORDER BY ${f.order} LIMIT 50`,
        )
        .all(...f.params)
        .map((r) => (r as { detail: string }).detail)
        .join(' | ');
      expect(plan, JSON.stringify(query)).toMatch(expected);
      expect(plan, JSON.stringify(query)).not.toMatch(/TEMP B-TREE/);
    }
    db.close();
  });
});
