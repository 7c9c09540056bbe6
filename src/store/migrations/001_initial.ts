import type { Migration } from './types';

// Decisions and outcomes live on the call row rather than in tables of their own: each call has
// at most one of each, and one row keeps a history page to a single indexed scan at 1M calls.
export const initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE servers (
        id INTEGER PRIMARY KEY,
        identity_key TEXT NOT NULL UNIQUE,
        host TEXT NOT NULL,
        name TEXT NOT NULL,
        command TEXT NOT NULL,
        args TEXT NOT NULL,
        package_version TEXT,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
      );

      CREATE TABLE tools (
        server_id INTEGER NOT NULL REFERENCES servers(id),
        name TEXT NOT NULL,
        definition TEXT NOT NULL,
        hash TEXT NOT NULL,
        reviewed_hash TEXT,
        previous_definition TEXT,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        poison TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (server_id, name)
      ) WITHOUT ROWID;

      CREATE TABLE rules (
        id INTEGER PRIMARY KEY,
        server_id INTEGER REFERENCES servers(id),
        tool TEXT NOT NULL,
        conditions TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('allow', 'ask', 'deny')),
        expiry TEXT NOT NULL,
        risk_ceiling TEXT,
        note TEXT NOT NULL DEFAULT '',
        origin TEXT NOT NULL DEFAULT 'manual',
        enabled INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL
      );

      -- rule_id has no foreign key on purpose: removing a rule must not rewrite the history
      -- of the calls it decided.
      CREATE TABLE calls (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        session_id TEXT NOT NULL,
        host TEXT NOT NULL,
        server_id INTEGER REFERENCES servers(id),
        server TEXT NOT NULL,
        tool TEXT NOT NULL,
        arguments TEXT NOT NULL,
        risk TEXT NOT NULL,
        reasons TEXT NOT NULL,
        decision TEXT,
        decided_by TEXT,
        rule_id INTEGER,
        message TEXT,
        decided_at INTEGER,
        would_have TEXT,
        outcome_error INTEGER,
        outcome_duration_ms INTEGER,
        outcome_size INTEGER
      );
      -- Single-column indexes end in the rowid, so "filter = ? ORDER BY id DESC" walks one index.
      CREATE INDEX calls_server ON calls(server);
      CREATE INDEX calls_tool ON calls(tool);
      CREATE INDEX calls_decision ON calls(decision);
      CREATE INDEX calls_risk ON calls(risk);
      -- (at, decision) covers the per-day decision counts of the dashboard.
      CREATE INDEX calls_at ON calls(at, decision);

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        call_id INTEGER,
        payload TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX events_call ON events(call_id) WHERE call_id IS NOT NULL;

      -- The head catches a cut tail; the anchor is where the kept chain starts after pruning.
      CREATE TABLE chain_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL
      );
      INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, '${'0'.repeat(64)}');
      CREATE TABLE chain_anchor (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        first_seq INTEGER NOT NULL,
        prev_hash TEXT NOT NULL
      );
      INSERT INTO chain_anchor (id, first_seq, prev_hash) VALUES (1, 1, '${'0'.repeat(64)}');

      -- Guards against our own bugs, not against an attacker (who can drop them): the chain
      -- never changes, and only rows before the anchor (moved first by pruning) may go.
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events
      BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER events_no_delete BEFORE DELETE ON events
      WHEN OLD.seq >= (SELECT first_seq FROM chain_anchor WHERE id = 1)
      BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    `);
  },
};
