import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { eventAppender, eventHash } from './chain';
import { begunFacts, decidedFacts } from './facts';
import { openStore } from './store';
import { call, decision, newRule, prevHashOf, removeTempDirs, tempStore } from './testSupport';

afterEach(removeTempDirs);

/** A store with a dozen chain rows of several kinds, closed, ready to be tampered with. */
function sampleFile(): string {
  const { store, file } = tempStore();
  const { id: serverId } = store.servers.upsert(
    { host: 'cursor', name: 'fs', command: 'npx', args: ['-y', 'fs'] },
    10,
  );
  store.rules.add(
    newRule({ serverId, tool: 'read_*', action: 'allow', riskCeiling: 'medium' }),
    20,
  );
  for (let i = 0; i < 4; i++) {
    const id = store.calls.begin(call({ at: 100 + i, serverId }));
    store.calls.decide(id, decision({ kind: i === 1 ? 'denied' : 'approved', at: 200 + i }));
    if (i !== 1) store.calls.outcome(id, { isError: false, durationMs: 5, size: 10 }, 300 + i);
  }
  store.settings.set('mode', 'ask', 400);
  expect(store.audit.verify()).toEqual({ ok: true, rows: 14, calls: 4, anchor: 'matches' });
  store.close();
  return file;
}

/** Opens the file raw, as an attacker would, without the guard triggers. */
function tamper(file: string, sql: string, ...params: unknown[]): void {
  const db = new Database(file);
  db.exec('DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;');
  db.prepare(sql).run(...params);
  db.close();
}

function verify(file: string) {
  const store = openStore(file);
  try {
    return store.audit.verify();
  } finally {
    store.close();
  }
}

describe('audit verify', () => {
  it('passes on an untouched store, and on an empty one', () => {
    expect(verify(sampleFile())).toMatchObject({ ok: true, rows: 14 });
    const { store } = tempStore();
    expect(store.audit.verify()).toEqual({ ok: true, rows: 0, calls: 0, anchor: 'missing' });
    store.close();
  });

  it('catches an edited payload at that row', () => {
    const file = sampleFile();
    // seq 7 is the decision on the second call ('denied').
    tamper(
      file,
      `UPDATE events SET payload = replace(payload, 'denied', 'approved') WHERE seq = 7`,
    );
    expect(verify(file)).toMatchObject({
      ok: false,
      firstBadSeq: 7,
      problem: expect.stringMatching(/changed/),
    });
  });

  it('catches an edit whose row hash was recomputed, at the next row', () => {
    const file = sampleFile();
    const db = new Database(file);
    db.exec('DROP TRIGGER events_no_update');
    // Hashes are stored as bytes; they are computed over their hex text.
    const row = db.prepare('SELECT at, type, call_id, payload FROM events WHERE seq = 7').get() as {
      at: number;
      type: string;
      call_id: number | null;
      payload: string;
    };
    const payload = row.payload.replace('denied', 'approved');
    expect(payload).not.toBe(row.payload);
    const hash = eventHash({
      seq: 7,
      at: row.at,
      type: row.type,
      callId: row.call_id,
      payload,
      prevHash: prevHashOf(db, 7),
    });
    db.prepare('UPDATE events SET payload = ?, hash = unhex(?) WHERE seq = 7').run(payload, hash);
    db.close();
    expect(verify(file)).toMatchObject({
      ok: false,
      firstBadSeq: 8,
      problem: 'row 8 was changed (its hash does not match)',
    });
  });

  it('catches a deleted middle row', () => {
    const file = sampleFile();
    tamper(file, 'DELETE FROM events WHERE seq = 5');
    expect(verify(file)).toMatchObject({ ok: false, firstBadSeq: 5, problem: 'row 5 is missing' });
  });

  it('catches two rows swapped', () => {
    const file = sampleFile();
    const db = new Database(file);
    db.exec('DROP TRIGGER events_no_update');
    db.exec(`
      UPDATE events SET seq = -1 WHERE seq = 8;
      UPDATE events SET seq = 8 WHERE seq = 9;
      UPDATE events SET seq = 9 WHERE seq = -1;`);
    db.close();
    expect(verify(file)).toMatchObject({ ok: false, firstBadSeq: 8 });
  });

  it('catches a cut tail', () => {
    const file = sampleFile();
    tamper(file, 'DELETE FROM events WHERE seq >= 13');
    expect(verify(file)).toMatchObject({
      ok: false,
      firstBadSeq: 13,
      problem: expect.stringMatching(/cut/),
    });
  });

  it('catches a deleted first row and a prefix removed with a forged anchor', () => {
    const a = sampleFile();
    tamper(a, 'DELETE FROM events WHERE seq = 1');
    expect(verify(a)).toMatchObject({ ok: false, firstBadSeq: 1 });

    const b = sampleFile();
    const db = new Database(b);
    db.exec('DROP TRIGGER events_no_delete');
    const h = db.prepare('SELECT hash FROM events WHERE seq = 3').pluck().get();
    db.prepare('UPDATE chain_anchor SET first_seq = 4, prev_hash = ?').run(h);
    db.exec('DELETE FROM events WHERE seq < 4');
    db.close();
    expect(verify(b)).toMatchObject({
      ok: false,
      firstBadSeq: 4,
      problem: expect.stringMatching(/without a prune record/),
    });
  });

  it('catches a call row edited behind the chain, naming the call and its event', () => {
    const file = sampleFile();
    const db = new Database(file);
    const denied = db
      .prepare("SELECT id FROM calls WHERE decision = 'denied'")
      .pluck()
      .get() as number;
    const seq = db
      .prepare("SELECT seq FROM events WHERE call_id = ? AND type = 'call.decided'")
      .pluck()
      .get(denied);
    db.prepare("UPDATE calls SET decision = 'approved' WHERE id = ?").run(denied);
    db.close();
    expect(verify(file)).toMatchObject({
      ok: false,
      callId: denied,
      firstBadSeq: seq,
      problem: expect.stringMatching(/decision/),
    });
  });

  it('catches a call row deleted from the history, or one added outside the chain', () => {
    const a = sampleFile();
    tamper(a, 'DELETE FROM calls WHERE id = 3');
    expect(verify(a)).toMatchObject({
      ok: false,
      callId: 3,
      problem: expect.stringMatching(/deleted/),
    });

    const b = sampleFile();
    tamper(
      b,
      `INSERT INTO calls (at, session_id, host, server, tool, arguments, risk, reasons, decision)
       VALUES (500, 's', 'h', 'fs', 'rm', '{}', 'low', '[]', 'approved')`,
    );
    expect(verify(b)).toMatchObject({
      ok: false,
      firstBadSeq: null,
      callId: 5,
      problem: expect.stringMatching(/not recorded/),
    });
  });

  it('catches edited arguments (the chain keeps their hash)', () => {
    const file = sampleFile();
    tamper(file, `UPDATE calls SET arguments = '{"path":"/elsewhere"}' WHERE id = 2`);
    expect(verify(file)).toMatchObject({
      ok: false,
      callId: 2,
      problem: expect.stringMatching(/argumentsSha256/),
    });
  });
});

describe('audit verify across record forms', () => {
  /** A call recorded the way stores before lean events did: its facts whole in the event. */
  function wholeFactsCall(file: string): number {
    const db = new Database(file);
    const append = eventAppender(db);
    const c = call({ at: 700 });
    const d = decision({ at: 710, message: 'fine by me' });
    const id = db.transaction(() => {
      const args = c.argumentsRaw as string;
      const callId = Number(
        db
          .prepare(
            `INSERT INTO calls (at, session_id, host, server_id, server, tool, arguments, risk,
               reasons, decision, decided_by, rule_id, message, decided_at, would_have)
             VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL)`,
          )
          .run(
            c.at,
            c.sessionId,
            c.host,
            c.server,
            c.tool,
            args,
            c.risk.level,
            JSON.stringify(c.risk.reasons),
            d.kind,
            d.decidedBy,
            d.message,
            d.at,
          ).lastInsertRowid,
      );
      append('call.recorded', { callId, ...begunFacts(c, args), ...decidedFacts(d) }, c.at, callId);
      return callId;
    })();
    db.close();
    return id;
  }

  it('verifies a record holding both forms, and catches an edit in either', () => {
    const file = sampleFile(); // lean events
    const old = wholeFactsCall(file);
    expect(verify(file)).toMatchObject({ ok: true, calls: 5 });

    tamper(file, `UPDATE calls SET message = 'edited' WHERE id = ?`, old);
    expect(verify(file)).toMatchObject({
      ok: false,
      callId: old,
      problem: 'call 5: message differs from what the chain recorded',
    });
  });

  it('catches an edit to a fact a lean event holds only by its digest', () => {
    const file = sampleFile();
    tamper(file, `UPDATE calls SET reasons = '[]' WHERE id = 1`);
    expect(verify(file)).toMatchObject({
      ok: false,
      callId: 1,
      problem: expect.stringMatching(/^call 1: one of .*reasons.* differs/),
    });
  });
});
