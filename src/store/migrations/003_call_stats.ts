import type { Migration } from './types';

/** Length of one aggregate bucket; the `hour` column is floor(at / HOUR_MS). */
export const HOUR_MS = 3_600_000;

// Floor division, so a bucket is always [hour * HOUR_MS, (hour + 1) * HOUR_MS) whatever the sign.
const hourOf = (at: string) =>
  `((CAST(${at} AS INTEGER) - ((CAST(${at} AS INTEGER) % ${HOUR_MS}) + ${HOUR_MS}) % ${HOUR_MS}) / ${HOUR_MS})`;

const add = (row: 'new') => `
  INSERT INTO call_stats (hour, decision, server, tool, n)
  SELECT ${hourOf(`${row}.at`)}, ${row}.decision, ${row}.server, ${row}.tool, 1
  WHERE ${row}.decision IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + 1;`;

// Empty buckets are removed so the table holds exactly what GROUP BY over calls would give.
const remove = (row: 'old') => `
  UPDATE call_stats SET n = n - 1
  WHERE ${row}.decision IS NOT NULL AND hour = ${hourOf(`${row}.at`)}
    AND decision = ${row}.decision AND server = ${row}.server AND tool = ${row}.tool;
  DELETE FROM call_stats
  WHERE ${row}.decision IS NOT NULL AND hour = ${hourOf(`${row}.at`)}
    AND decision = ${row}.decision AND server = ${row}.server AND tool = ${row}.tool AND n <= 0;`;

// Decided calls counted per UTC hour, so the history charts read a few thousand rows instead of
// every call. Derived data: triggers keep it exact on every write to calls, it is not part of the
// audit chain, and it can always be rebuilt from calls. Key order (hour, decision, ...) lets the
// per-day counts walk the key in order, without a sort.
export const callStats: Migration = {
  version: 3,
  name: 'call_stats',
  up(db) {
    db.exec(`
      CREATE TABLE call_stats (
        hour INTEGER NOT NULL,
        decision TEXT NOT NULL,
        server TEXT NOT NULL,
        tool TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (hour, decision, server, tool)
      ) WITHOUT ROWID;

      CREATE TRIGGER call_stats_insert AFTER INSERT ON calls
      WHEN new.decision IS NOT NULL
      BEGIN ${add('new')} END;

      -- In practice only the first decision on a pending call; any other change to a counted
      -- column moves the call between buckets all the same.
      CREATE TRIGGER call_stats_update AFTER UPDATE OF decision, at, server, tool ON calls
      WHEN old.decision IS NOT new.decision OR old.at IS NOT new.at
        OR old.server IS NOT new.server OR old.tool IS NOT new.tool
      BEGIN ${remove('old')} ${add('new')} END;

      CREATE TRIGGER call_stats_delete AFTER DELETE ON calls
      WHEN old.decision IS NOT NULL
      BEGIN ${remove('old')} END;

      INSERT INTO call_stats (hour, decision, server, tool, n)
      SELECT ${hourOf('at')} AS h, decision, server, tool, count(*) FROM calls
      WHERE decision IS NOT NULL GROUP BY h, decision, server, tool;
    `);
  },
};
