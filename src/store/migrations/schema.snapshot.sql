-- ===== migration 1 initial =====
-- new index calls_at
CREATE INDEX calls_at ON calls(at, decision);
-- new index calls_decision
CREATE INDEX calls_decision ON calls(decision);
-- new index calls_risk
CREATE INDEX calls_risk ON calls(risk);
-- new index calls_server
CREATE INDEX calls_server ON calls(server);
-- new index calls_tool
CREATE INDEX calls_tool ON calls(tool);
-- new index events_call
CREATE INDEX events_call ON events(call_id) WHERE call_id IS NOT NULL;
-- new table calls
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
-- new table chain_anchor
CREATE TABLE chain_anchor (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        first_seq INTEGER NOT NULL,
        prev_hash TEXT NOT NULL
      );
-- new table chain_head
CREATE TABLE chain_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL
      );
-- new table events
CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        call_id INTEGER,
        payload TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
-- new table rules
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
-- new table servers
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
-- new table settings
CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
-- new table tools
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
-- new trigger events_no_delete
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
      WHEN OLD.seq >= (SELECT first_seq FROM chain_anchor WHERE id = 1)
      BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
-- new trigger events_no_update
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
      BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- ===== migration 2 call_search =====
-- new table calls_fts
CREATE VIRTUAL TABLE calls_fts USING fts5(
        tool, arguments, content = 'calls', content_rowid = 'id'
      );
-- new table calls_fts_config
CREATE TABLE 'calls_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;
-- new table calls_fts_data
CREATE TABLE 'calls_fts_data'(id INTEGER PRIMARY KEY, block BLOB);
-- new table calls_fts_docsize
CREATE TABLE 'calls_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
-- new table calls_fts_idx
CREATE TABLE 'calls_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
-- new trigger calls_fts_delete
CREATE TRIGGER calls_fts_delete AFTER DELETE ON calls BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, tool, arguments)
        VALUES ('delete', old.id, old.tool, old.arguments);
      END;
-- new trigger calls_fts_insert
CREATE TRIGGER calls_fts_insert AFTER INSERT ON calls BEGIN
        INSERT INTO calls_fts (rowid, tool, arguments) VALUES (new.id, new.tool, new.arguments);
      END;
-- new trigger calls_fts_update
CREATE TRIGGER calls_fts_update AFTER UPDATE OF tool, arguments ON calls BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, tool, arguments)
        VALUES ('delete', old.id, old.tool, old.arguments);
        INSERT INTO calls_fts (rowid, tool, arguments) VALUES (new.id, new.tool, new.arguments);
      END;

-- ===== migration 3 call_stats =====
-- new table call_stats
CREATE TABLE call_stats (hour INTEGER NOT NULL, decision TEXT NOT NULL, server TEXT NOT NULL, tool TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (hour, decision, server, tool)) WITHOUT ROWID;
-- new table call_stats_by_day
CREATE TABLE call_stats_by_day (day INTEGER NOT NULL, server TEXT NOT NULL, tool TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (day, server, tool)) WITHOUT ROWID;
-- new table call_stats_by_hour
CREATE TABLE call_stats_by_hour (hour INTEGER NOT NULL, decision TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (hour, decision)) WITHOUT ROWID;
-- new trigger call_stats_delete
CREATE TRIGGER call_stats_delete AFTER DELETE ON calls
      WHEN old.decision IS NOT NULL
      BEGIN 
  UPDATE call_stats SET n = n - 1 WHERE old.decision IS NOT NULL AND hour = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000) AND decision = old.decision AND server = old.server AND tool = old.tool;
  DELETE FROM call_stats WHERE old.decision IS NOT NULL AND hour = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000) AND decision = old.decision AND server = old.server AND tool = old.tool AND n <= 0;
  UPDATE call_stats_by_hour SET n = n - 1 WHERE old.decision IS NOT NULL AND hour = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000) AND decision = old.decision;
  DELETE FROM call_stats_by_hour WHERE old.decision IS NOT NULL AND hour = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000) AND decision = old.decision AND n <= 0;
  UPDATE call_stats_by_day SET n = n - 1 WHERE old.decision IS NOT NULL AND day = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 86400000) + 86400000) % 86400000) / 86400000) AND server = old.server AND tool = old.tool;
  DELETE FROM call_stats_by_day WHERE old.decision IS NOT NULL AND day = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 86400000) + 86400000) % 86400000) / 86400000) AND server = old.server AND tool = old.tool AND n <= 0; END;
-- new trigger call_stats_insert
CREATE TRIGGER call_stats_insert AFTER INSERT ON calls
      WHEN new.decision IS NOT NULL
      BEGIN 
  INSERT INTO call_stats (hour, decision, server, tool, n)
  SELECT ((CAST(new.at AS INTEGER) - ((CAST(new.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000), new.decision, new.server, new.tool, 1 WHERE new.decision IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO call_stats_by_hour (hour, decision, n)
  SELECT ((CAST(new.at AS INTEGER) - ((CAST(new.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000), new.decision, 1 WHERE new.decision IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO call_stats_by_day (day, server, tool, n)
  SELECT ((CAST(new.at AS INTEGER) - ((CAST(new.at AS INTEGER) % 86400000) + 86400000) % 86400000) / 86400000), new.server, new.tool, 1 WHERE new.decision IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + 1; END;
-- new trigger call_stats_update
CREATE TRIGGER call_stats_update AFTER UPDATE OF decision, at, server, tool ON calls
      WHEN old.decision IS NOT new.decision OR old.at IS NOT new.at
        OR old.server IS NOT new.server OR old.tool IS NOT new.tool
      BEGIN 
  UPDATE call_stats SET n = n - 1 WHERE old.decision IS NOT NULL AND hour = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000) AND decision = old.decision AND server = old.server AND tool = old.tool;
  DELETE FROM call_stats WHERE old.decision IS NOT NULL AND hour = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000) AND decision = old.decision AND server = old.server AND tool = old.tool AND n <= 0;
  UPDATE call_stats_by_hour SET n = n - 1 WHERE old.decision IS NOT NULL AND hour = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000) AND decision = old.decision;
  DELETE FROM call_stats_by_hour WHERE old.decision IS NOT NULL AND hour = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000) AND decision = old.decision AND n <= 0;
  UPDATE call_stats_by_day SET n = n - 1 WHERE old.decision IS NOT NULL AND day = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 86400000) + 86400000) % 86400000) / 86400000) AND server = old.server AND tool = old.tool;
  DELETE FROM call_stats_by_day WHERE old.decision IS NOT NULL AND day = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 86400000) + 86400000) % 86400000) / 86400000) AND server = old.server AND tool = old.tool AND n <= 0; 
  INSERT INTO call_stats (hour, decision, server, tool, n)
  SELECT ((CAST(new.at AS INTEGER) - ((CAST(new.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000), new.decision, new.server, new.tool, 1 WHERE new.decision IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO call_stats_by_hour (hour, decision, n)
  SELECT ((CAST(new.at AS INTEGER) - ((CAST(new.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000), new.decision, 1 WHERE new.decision IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO call_stats_by_day (day, server, tool, n)
  SELECT ((CAST(new.at AS INTEGER) - ((CAST(new.at AS INTEGER) % 86400000) + 86400000) % 86400000) / 86400000), new.server, new.tool, 1 WHERE new.decision IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + 1; END;

-- ===== migration 4 server facts =====
-- changed table servers
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
      , facts TEXT, reviewed_facts TEXT);

-- ===== migration 5 lean_record =====
-- changed table events
CREATE TABLE "events" (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        call_id INTEGER,
        payload TEXT NOT NULL,
        prev_hash BLOB NOT NULL,
        hash BLOB NOT NULL
      );

-- ===== migration 6 edited_arguments =====
-- changed table calls
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
      , approved_arguments TEXT);
-- changed table calls_fts
CREATE VIRTUAL TABLE calls_fts USING fts5(
        tool, arguments, approved_arguments, content = 'calls', content_rowid = 'id'
      );
-- changed trigger calls_fts_delete
CREATE TRIGGER calls_fts_delete AFTER DELETE ON calls BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, tool, arguments, approved_arguments)
        VALUES ('delete', old.id, old.tool, old.arguments, old.approved_arguments);
      END;
-- changed trigger calls_fts_insert
CREATE TRIGGER calls_fts_insert AFTER INSERT ON calls BEGIN
        INSERT INTO calls_fts (rowid, tool, arguments, approved_arguments)
        VALUES (new.id, new.tool, new.arguments, new.approved_arguments);
      END;
-- changed trigger calls_fts_update
CREATE TRIGGER calls_fts_update AFTER UPDATE OF tool, arguments, approved_arguments ON calls
      BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, tool, arguments, approved_arguments)
        VALUES ('delete', old.id, old.tool, old.arguments, old.approved_arguments);
        INSERT INTO calls_fts (rowid, tool, arguments, approved_arguments)
        VALUES (new.id, new.tool, new.arguments, new.approved_arguments);
      END;

-- ===== migration 7 call_results =====
-- changed table calls
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
      , approved_arguments TEXT, result_sha256 TEXT, result_excerpt TEXT, result_chars INTEGER, result_risk TEXT, result_findings TEXT, result_review TEXT);
-- changed table calls_fts
CREATE VIRTUAL TABLE calls_fts USING fts5(
        tool, arguments, approved_arguments, result_excerpt, content = 'calls', content_rowid = 'id'
      );
-- changed table rules
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
      , review_results TEXT);
-- changed trigger calls_fts_delete
CREATE TRIGGER calls_fts_delete AFTER DELETE ON calls BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, tool, arguments, approved_arguments, result_excerpt)
        VALUES ('delete', old.id, old.tool, old.arguments, old.approved_arguments, old.result_excerpt);
      END;
-- changed trigger calls_fts_insert
CREATE TRIGGER calls_fts_insert AFTER INSERT ON calls BEGIN
        INSERT INTO calls_fts (rowid, tool, arguments, approved_arguments, result_excerpt)
        VALUES (new.id, new.tool, new.arguments, new.approved_arguments, new.result_excerpt);
      END;
-- changed trigger calls_fts_update
CREATE TRIGGER calls_fts_update AFTER UPDATE OF tool, arguments, approved_arguments, result_excerpt ON calls
      BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, tool, arguments, approved_arguments, result_excerpt)
        VALUES ('delete', old.id, old.tool, old.arguments, old.approved_arguments, old.result_excerpt);
        INSERT INTO calls_fts (rowid, tool, arguments, approved_arguments, result_excerpt)
        VALUES (new.id, new.tool, new.arguments, new.approved_arguments, new.result_excerpt);
      END;

-- ===== migration 8 lean_search =====
-- changed table calls_fts
CREATE VIRTUAL TABLE calls_fts USING fts5(
        tool, arguments, approved_arguments, result_excerpt, content = 'calls', content_rowid = 'id', columnsize = 0
      );
-- changed trigger calls_fts_delete
CREATE TRIGGER calls_fts_delete AFTER DELETE ON calls BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, tool, arguments, approved_arguments, result_excerpt) VALUES ('delete', old.id, old.tool, old.arguments, old.approved_arguments, old.result_excerpt);
      END;
-- changed trigger calls_fts_insert
CREATE TRIGGER calls_fts_insert AFTER INSERT ON calls BEGIN
        INSERT INTO calls_fts (rowid, tool, arguments, approved_arguments, result_excerpt) VALUES (new.id, new.tool, new.arguments, new.approved_arguments, new.result_excerpt);
      END;
-- changed trigger calls_fts_update
CREATE TRIGGER calls_fts_update AFTER UPDATE OF tool, arguments, approved_arguments, result_excerpt ON calls BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, tool, arguments, approved_arguments, result_excerpt) VALUES ('delete', old.id, old.tool, old.arguments, old.approved_arguments, old.result_excerpt);
        INSERT INTO calls_fts (rowid, tool, arguments, approved_arguments, result_excerpt) VALUES (new.id, new.tool, new.arguments, new.approved_arguments, new.result_excerpt);
      END;
-- dropped table calls_fts_docsize

-- ===== migration 9 lean_chain =====
-- changed table events
CREATE TABLE "events" (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        call_id INTEGER,
        payload TEXT NOT NULL,
        hash BLOB NOT NULL
      );
-- changed trigger calls_fts_update
CREATE TRIGGER calls_fts_update AFTER UPDATE OF tool, arguments, approved_arguments, result_excerpt ON calls
      WHEN coalesce(old.tool, '') IS NOT coalesce(new.tool, '') OR coalesce(old.arguments, '') IS NOT coalesce(new.arguments, '') OR coalesce(old.approved_arguments, '') IS NOT coalesce(new.approved_arguments, '') OR coalesce(old.result_excerpt, '') IS NOT coalesce(new.result_excerpt, '')
      BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, tool, arguments, approved_arguments, result_excerpt) VALUES ('delete', old.id, old.tool, old.arguments, old.approved_arguments, old.result_excerpt);
        INSERT INTO calls_fts (rowid, tool, arguments, approved_arguments, result_excerpt) VALUES (new.id, new.tool, new.arguments, new.approved_arguments, new.result_excerpt);
      END;

-- ===== migration 10 stats_behind =====
-- new table call_stats_upto
CREATE TABLE call_stats_upto (id INTEGER PRIMARY KEY CHECK (id = 1), call_id INTEGER NOT NULL);
-- changed trigger call_stats_delete
CREATE TRIGGER call_stats_delete AFTER DELETE ON calls
      WHEN old.decision IS NOT NULL AND old.id <= (SELECT call_id FROM call_stats_upto WHERE id = 1)
      BEGIN 
  UPDATE call_stats SET n = n - 1 WHERE old.decision IS NOT NULL AND hour = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000) AND decision = old.decision AND server = old.server AND tool = old.tool;
  DELETE FROM call_stats WHERE old.decision IS NOT NULL AND hour = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000) AND decision = old.decision AND server = old.server AND tool = old.tool AND n <= 0;
  UPDATE call_stats_by_hour SET n = n - 1 WHERE old.decision IS NOT NULL AND hour = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000) AND decision = old.decision;
  DELETE FROM call_stats_by_hour WHERE old.decision IS NOT NULL AND hour = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000) AND decision = old.decision AND n <= 0;
  UPDATE call_stats_by_day SET n = n - 1 WHERE old.decision IS NOT NULL AND day = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 86400000) + 86400000) % 86400000) / 86400000) AND server = old.server AND tool = old.tool;
  DELETE FROM call_stats_by_day WHERE old.decision IS NOT NULL AND day = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 86400000) + 86400000) % 86400000) / 86400000) AND server = old.server AND tool = old.tool AND n <= 0; END;
-- changed trigger call_stats_insert
CREATE TRIGGER call_stats_insert AFTER INSERT ON calls
      WHEN new.decision IS NOT NULL AND new.id <= (SELECT call_id FROM call_stats_upto WHERE id = 1)
      BEGIN 
  INSERT INTO call_stats (hour, decision, server, tool, n)
  SELECT ((CAST(new.at AS INTEGER) - ((CAST(new.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000), new.decision, new.server, new.tool, 1 WHERE new.decision IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO call_stats_by_hour (hour, decision, n)
  SELECT ((CAST(new.at AS INTEGER) - ((CAST(new.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000), new.decision, 1 WHERE new.decision IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO call_stats_by_day (day, server, tool, n)
  SELECT ((CAST(new.at AS INTEGER) - ((CAST(new.at AS INTEGER) % 86400000) + 86400000) % 86400000) / 86400000), new.server, new.tool, 1 WHERE new.decision IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + 1; END;
-- changed trigger call_stats_update
CREATE TRIGGER call_stats_update AFTER UPDATE OF decision, at, server, tool ON calls
      WHEN old.id <= (SELECT call_id FROM call_stats_upto WHERE id = 1) AND (old.decision IS NOT new.decision OR old.at IS NOT new.at
        OR old.server IS NOT new.server OR old.tool IS NOT new.tool)
      BEGIN 
  UPDATE call_stats SET n = n - 1 WHERE old.decision IS NOT NULL AND hour = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000) AND decision = old.decision AND server = old.server AND tool = old.tool;
  DELETE FROM call_stats WHERE old.decision IS NOT NULL AND hour = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000) AND decision = old.decision AND server = old.server AND tool = old.tool AND n <= 0;
  UPDATE call_stats_by_hour SET n = n - 1 WHERE old.decision IS NOT NULL AND hour = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000) AND decision = old.decision;
  DELETE FROM call_stats_by_hour WHERE old.decision IS NOT NULL AND hour = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000) AND decision = old.decision AND n <= 0;
  UPDATE call_stats_by_day SET n = n - 1 WHERE old.decision IS NOT NULL AND day = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 86400000) + 86400000) % 86400000) / 86400000) AND server = old.server AND tool = old.tool;
  DELETE FROM call_stats_by_day WHERE old.decision IS NOT NULL AND day = ((CAST(old.at AS INTEGER) - ((CAST(old.at AS INTEGER) % 86400000) + 86400000) % 86400000) / 86400000) AND server = old.server AND tool = old.tool AND n <= 0; 
  INSERT INTO call_stats (hour, decision, server, tool, n)
  SELECT ((CAST(new.at AS INTEGER) - ((CAST(new.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000), new.decision, new.server, new.tool, 1 WHERE new.decision IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO call_stats_by_hour (hour, decision, n)
  SELECT ((CAST(new.at AS INTEGER) - ((CAST(new.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000), new.decision, 1 WHERE new.decision IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO call_stats_by_day (day, server, tool, n)
  SELECT ((CAST(new.at AS INTEGER) - ((CAST(new.at AS INTEGER) % 86400000) + 86400000) % 86400000) / 86400000), new.server, new.tool, 1 WHERE new.decision IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + 1; END;
-- new view call_stats_by_day_counted
CREATE VIEW call_stats_by_day_counted AS
          SELECT day, server, tool, n FROM call_stats_by_day UNION ALL SELECT ((CAST(calls.at AS INTEGER) - ((CAST(calls.at AS INTEGER) % 86400000) + 86400000) % 86400000) / 86400000) AS day, calls.server AS server, calls.tool AS tool, count(*) AS n
   FROM calls WHERE id > (SELECT call_id FROM call_stats_upto WHERE id = 1) AND decision IS NOT NULL GROUP BY day, server, tool;
-- new view call_stats_by_hour_counted
CREATE VIEW call_stats_by_hour_counted AS
          SELECT hour, decision, n FROM call_stats_by_hour UNION ALL SELECT ((CAST(calls.at AS INTEGER) - ((CAST(calls.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000) AS hour, calls.decision AS decision, count(*) AS n
   FROM calls WHERE id > (SELECT call_id FROM call_stats_upto WHERE id = 1) AND decision IS NOT NULL GROUP BY hour, decision;
-- new view call_stats_counted
CREATE VIEW call_stats_counted AS
          SELECT hour, decision, server, tool, n FROM call_stats UNION ALL SELECT ((CAST(calls.at AS INTEGER) - ((CAST(calls.at AS INTEGER) % 3600000) + 3600000) % 3600000) / 3600000) AS hour, calls.decision AS decision, calls.server AS server, calls.tool AS tool, count(*) AS n
   FROM calls WHERE id > (SELECT call_id FROM call_stats_upto WHERE id = 1) AND decision IS NOT NULL GROUP BY hour, decision, server, tool;

-- ===== migration 11 search_behind =====
-- new table call_search_upto
CREATE TABLE call_search_upto (id INTEGER PRIMARY KEY CHECK (id = 1), call_id INTEGER NOT NULL);
-- changed trigger calls_fts_delete
CREATE TRIGGER calls_fts_delete AFTER DELETE ON calls WHEN old.id <= (SELECT call_id FROM call_search_upto WHERE id = 1) BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, tool, arguments, approved_arguments, result_excerpt) VALUES ('delete', old.id, old.tool, old.arguments, old.approved_arguments, old.result_excerpt);
      END;
-- changed trigger calls_fts_insert
CREATE TRIGGER calls_fts_insert AFTER INSERT ON calls WHEN new.id <= (SELECT call_id FROM call_search_upto WHERE id = 1) BEGIN
        INSERT INTO calls_fts (rowid, tool, arguments, approved_arguments, result_excerpt) VALUES (new.id, new.tool, new.arguments, new.approved_arguments, new.result_excerpt);
      END;
-- changed trigger calls_fts_update
CREATE TRIGGER calls_fts_update AFTER UPDATE OF tool, arguments, approved_arguments, result_excerpt ON calls
      WHEN old.id <= (SELECT call_id FROM call_search_upto WHERE id = 1) AND (coalesce(old.tool, '') IS NOT coalesce(new.tool, '') OR coalesce(old.arguments, '') IS NOT coalesce(new.arguments, '') OR coalesce(old.approved_arguments, '') IS NOT coalesce(new.approved_arguments, '') OR coalesce(old.result_excerpt, '') IS NOT coalesce(new.result_excerpt, ''))
      BEGIN
        INSERT INTO calls_fts (calls_fts, rowid, tool, arguments, approved_arguments, result_excerpt) VALUES ('delete', old.id, old.tool, old.arguments, old.approved_arguments, old.result_excerpt);
        INSERT INTO calls_fts (rowid, tool, arguments, approved_arguments, result_excerpt) VALUES (new.id, new.tool, new.arguments, new.approved_arguments, new.result_excerpt);
      END;
