import type { Migration } from './types';

// Frozen: a migration's SQL must stay what it was when databases ran it, so nothing outside
// this file builds on its definitions (migration 010 has its own copy; stats.ts uses that one).

/** Length of one bucket of call_stats; its `hour` is floor(at / HOUR_MS). */
const HOUR_MS = 3_600_000;
/** Length of one bucket of call_stats_by_day; its `day` is floor(at / DAY_MS), a UTC day. */
const DAY_MS = 86_400_000;

// Floor division, so a bucket is [k * d, (k + 1) * d) whatever the sign. CAST: a REAL time must
// not make a fractional bucket.
const floorDiv = (x: string, d: number) => `((${x} - ((${x} % ${d}) + ${d}) % ${d}) / ${d})`;
const hourOf = (row: string) => floorDiv(`CAST(${row}.at AS INTEGER)`, HOUR_MS);
const dayOf = (row: string) => floorDiv(`CAST(${row}.at AS INTEGER)`, DAY_MS);

interface Aggregate {
  table: string;
  /** Key columns and how each is computed from a calls row (`new`, `old`, or `calls`). */
  key: [column: string, of: (row: string) => string][];
}

const column = (name: string) => (row: string) => `${row}.${name}`;

// call_stats is the exact count per UTC hour × decision × server × tool. The two rollups keep
// the History charts to a few thousand rows at any size: per hour × decision for the per-day
// decision counts, per UTC day × server × tool for the tool ranking.
const AGGREGATES: Aggregate[] = [
  {
    table: 'call_stats',
    key: [
      ['hour', hourOf],
      ['decision', column('decision')],
      ['server', column('server')],
      ['tool', column('tool')],
    ],
  },
  {
    table: 'call_stats_by_hour',
    key: [
      ['hour', hourOf],
      ['decision', column('decision')],
    ],
  },
  {
    table: 'call_stats_by_day',
    key: [
      ['day', dayOf],
      ['server', column('server')],
      ['tool', column('tool')],
    ],
  },
];

const createTable = (a: Aggregate) => {
  const cols = a.key.map(
    ([c]) => `${c} ${c === 'hour' || c === 'day' ? 'INTEGER' : 'TEXT'} NOT NULL`,
  );
  return `CREATE TABLE ${a.table} (${cols.join(', ')}, n INTEGER NOT NULL,
    PRIMARY KEY (${a.key.map(([c]) => c).join(', ')})) WITHOUT ROWID;`;
};

const add = (a: Aggregate) => `
  INSERT INTO ${a.table} (${a.key.map(([c]) => c).join(', ')}, n)
  SELECT ${a.key.map(([, of]) => of('new')).join(', ')}, 1 WHERE new.decision IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + 1;`;

// Empty buckets are removed, so each table holds exactly what a GROUP BY over calls would give.
const remove = (a: Aggregate) => {
  const match = ['old.decision IS NOT NULL', ...a.key.map(([c, of]) => `${c} = ${of('old')}`)];
  return `
  UPDATE ${a.table} SET n = n - 1 WHERE ${match.join(' AND ')};
  DELETE FROM ${a.table} WHERE ${match.join(' AND ')} AND n <= 0;`;
};

// The base table from calls, once; the rollups from the base, which is far smaller.
const BACKFILL = `
  INSERT INTO call_stats (hour, decision, server, tool, n)
  SELECT ${hourOf('calls')} AS h, decision, server, tool, count(*) FROM calls
  WHERE decision IS NOT NULL GROUP BY h, decision, server, tool;
  INSERT INTO call_stats_by_hour (hour, decision, n)
  SELECT hour, decision, sum(n) FROM call_stats GROUP BY hour, decision;
  INSERT INTO call_stats_by_day (day, server, tool, n)
  SELECT ${floorDiv('hour', 24)} AS d, server, tool, sum(n) FROM call_stats GROUP BY d, server, tool;`;

// Counts of decided calls, so the History charts do not read every call. Derived data: triggers
// keep the tables exact on every write to calls (a call recorded decided, the first decision on
// a pending call, a prune), they are not part of the audit chain, and they can be rebuilt from
// calls at any time.
export const callStats: Migration = {
  version: 3,
  name: 'call_stats',
  up(db) {
    db.exec(`
      ${AGGREGATES.map(createTable).join('\n')}

      CREATE TRIGGER call_stats_insert AFTER INSERT ON calls
      WHEN new.decision IS NOT NULL
      BEGIN ${AGGREGATES.map(add).join('')} END;

      -- In practice only the first decision on a pending call; any other change to a counted
      -- column moves the call between buckets all the same.
      CREATE TRIGGER call_stats_update AFTER UPDATE OF decision, at, server, tool ON calls
      WHEN old.decision IS NOT new.decision OR old.at IS NOT new.at
        OR old.server IS NOT new.server OR old.tool IS NOT new.tool
      BEGIN ${AGGREGATES.map(remove).join('')} ${AGGREGATES.map(add).join('')} END;

      CREATE TRIGGER call_stats_delete AFTER DELETE ON calls
      WHEN old.decision IS NOT NULL
      BEGIN ${AGGREGATES.map(remove).join('')} END;

      ${BACKFILL}
    `);
  },
};
