import type { Migration } from './types';

// The History charts' counts (migration 003) no longer written in the transaction of every call
// recorded. Three more b-tree pages in each decision's commit (a sixth of them) were written and
// flushed before its call could go ahead, for counts nobody reads then. Now the tables count the
// calls up to a mark (call_stats_upto); the calls after it are counted when the charts are read,
// by the `*_counted` views (the tables plus the calls after the mark, grouped alike), and the
// gate moves the counts and the mark forward together, in one transaction, now and then (see
// statsCatchUp). A crash loses nothing: what was not moved forward is still counted by the view.
// Updates and deletes keep the tables exact for the calls they count, as before; a call after the
// mark is counted as it is when it is reached; a call recorded under an id at or below it (an id
// reused after the newest calls were deleted) is counted at once, as before.

const UPTO = '(SELECT call_id FROM call_stats_upto WHERE id = 1)';

// The aggregates as migration 003 created them, copied here rather than imported: what this
// migration creates must never change with a later edit to 003 (a database migrated before the
// edit and one migrated after would differ). The counts' catch-up (stats.ts) reads them from
// here, so it always fills the tables this migration's triggers and views expect.

/** Length of one bucket of call_stats; its `hour` is floor(at / HOUR_MS). */
export const HOUR_MS = 3_600_000;
/** Length of one bucket of call_stats_by_day; its `day` is floor(at / DAY_MS), a UTC day. */
export const DAY_MS = 86_400_000;

// Floor division, so a bucket is [k * d, (k + 1) * d) whatever the sign. CAST: a REAL time must
// not make a fractional bucket.
const floorDiv = (x: string, d: number) => `((${x} - ((${x} % ${d}) + ${d}) % ${d}) / ${d})`;
const hourOf = (row: string) => floorDiv(`CAST(${row}.at AS INTEGER)`, HOUR_MS);
const dayOf = (row: string) => floorDiv(`CAST(${row}.at AS INTEGER)`, DAY_MS);
const column = (name: string) => (row: string) => `${row}.${name}`;

export interface Aggregate {
  table: string;
  /** Key columns and how each is computed from a calls row (`new`, `old`, or `calls`). */
  key: [column: string, of: (row: string) => string][];
}

export const AGGREGATES: readonly Aggregate[] = [
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

const add = (a: Aggregate) => `
  INSERT INTO ${a.table} (${a.key.map(([c]) => c).join(', ')}, n)
  SELECT ${a.key.map(([, of]) => of('new')).join(', ')}, 1 WHERE new.decision IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + 1;`;

const remove = (a: Aggregate) => {
  const match = ['old.decision IS NOT NULL', ...a.key.map(([c, of]) => `${c} = ${of('old')}`)];
  return `
  UPDATE ${a.table} SET n = n - 1 WHERE ${match.join(' AND ')};
  DELETE FROM ${a.table} WHERE ${match.join(' AND ')} AND n <= 0;`;
};

/** The aggregate's key columns, as its table names them. */
export const keys = (a: Aggregate): string => a.key.map(([c]) => c).join(', ');

/** The aggregate's key columns, computed from a `calls` row. */
export const keysOfCalls = (a: Aggregate): string =>
  a.key.map(([c, of]) => `${of('calls')} AS ${c}`).join(', ');

/** The calls after the mark, counted as the table would count them. */
const tail = (a: Aggregate): string =>
  `SELECT ${keysOfCalls(a)}, count(*) AS n
   FROM calls WHERE id > ${UPTO} AND decision IS NOT NULL GROUP BY ${keys(a)}`;

/** What the charts read: the counted calls and the calls after the mark. */
export const countedView = (a: Aggregate): string => `${a.table}_counted`;

const below = (row: string) => `${row}.id <= ${UPTO}`;

export const statsBehind: Migration = {
  version: 10,
  name: 'stats_behind',
  up(db) {
    db.exec(`
      CREATE TABLE call_stats_upto (id INTEGER PRIMARY KEY CHECK (id = 1), call_id INTEGER NOT NULL);
      INSERT INTO call_stats_upto (id, call_id) VALUES (1, coalesce((SELECT max(id) FROM calls), 0));

      DROP TRIGGER call_stats_insert;
      -- Only a call that takes an id at or below the mark (ids are reused once the newest calls
      -- were deleted, as a prune of every call does) is counted at once: the views never will.
      CREATE TRIGGER call_stats_insert AFTER INSERT ON calls
      WHEN new.decision IS NOT NULL AND ${below('new')}
      BEGIN ${AGGREGATES.map(add).join('')} END;
      DROP TRIGGER call_stats_update;
      DROP TRIGGER call_stats_delete;
      CREATE TRIGGER call_stats_update AFTER UPDATE OF decision, at, server, tool ON calls
      WHEN ${below('old')} AND (old.decision IS NOT new.decision OR old.at IS NOT new.at
        OR old.server IS NOT new.server OR old.tool IS NOT new.tool)
      BEGIN ${AGGREGATES.map(remove).join('')} ${AGGREGATES.map(add).join('')} END;
      CREATE TRIGGER call_stats_delete AFTER DELETE ON calls
      WHEN old.decision IS NOT NULL AND ${below('old')}
      BEGIN ${AGGREGATES.map(remove).join('')} END;

      ${AGGREGATES.map(
        (a) => `CREATE VIEW ${countedView(a)} AS
          SELECT ${keys(a)}, n FROM ${a.table} UNION ALL ${tail(a)};`,
      ).join('\n')}
    `);
  },
};
