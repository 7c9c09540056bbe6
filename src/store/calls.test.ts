import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './store';
import { call, decision, LOW, removeTempDirs, tempStore } from './testSupport';

afterEach(removeTempDirs);

describe('calls', () => {
  it('records a call from pending to decided to outcome, with latency', () => {
    const { store } = tempStore();
    const id = store.calls.begin(call({ at: 1_000 }));
    expect(store.calls.pendingIds()).toEqual([id]);
    expect(store.history.get(id)).toBeNull(); // pending calls are not history yet

    expect(store.calls.decide(id, decision({ at: 4_500, message: 'ok once' }))).toBe(true);
    expect(store.history.get(id)).toMatchObject({
      decision: 'approved',
      decidedBy: 'user',
      message: 'ok once',
      latencyMs: 3_500,
      arguments: { path: '/home/ana/notes.md', content: 'hello' },
      risk: 'high',
      reasons: [{ code: 'args.shell' }],
      outcome: null,
    });
    expect(store.calls.outcome(id, { isError: true, durationMs: 12, size: 345 })).toBe(true);
    expect(store.history.get(id)?.outcome).toEqual({ isError: true, durationMs: 12, size: 345 });
    expect(store.calls.pendingIds()).toEqual([]);
    store.close();
  });

  it('keeps the first decision: a late one is refused, not applied', () => {
    const { store } = tempStore();
    const id = store.calls.begin(call());
    expect(store.calls.decide(id, decision({ kind: 'timed-out', decidedBy: 'timeout' }))).toBe(
      true,
    );
    expect(store.calls.decide(id, decision({ kind: 'approved' }))).toBe(false);
    expect(store.history.get(id)?.decision).toBe('timed-out');
    expect(() => store.calls.decide(999, decision())).toThrow(/unknown call/);
    store.close();
  });

  it('refuses an outcome before a decision and records only the first', () => {
    const { store } = tempStore();
    const id = store.calls.begin(call());
    expect(() => store.calls.outcome(id, { isError: false, durationMs: 1, size: 1 })).toThrow(
      /no decision/,
    );
    store.calls.decide(id, decision());
    expect(store.calls.outcome(id, { isError: false, durationMs: 1, size: 1 })).toBe(true);
    expect(store.calls.outcome(id, { isError: true, durationMs: 2, size: 2 })).toBe(false);
    expect(store.history.get(id)?.outcome?.isError).toBe(false);
    store.close();
  });

  it('records calls answered without asking in one step', () => {
    const { store } = tempStore();
    const id = store.calls.record(
      call({ tool: 'read_file', arguments: { path: '/p/a' }, argumentsRaw: undefined, risk: LOW }),
      decision({ kind: 'auto-approved', decidedBy: 'rule', ruleId: 7, at: 1_001 }),
    );
    expect(store.history.get(id)).toMatchObject({
      tool: 'read_file',
      arguments: { path: '/p/a' },
      decision: 'auto-approved',
      ruleId: 7,
      latencyMs: 1,
    });
    expect(store.audit.verify()).toMatchObject({ ok: true, rows: 1, calls: 1 });
    store.close();
  });

  it('keeps the raw argument bytes as given', () => {
    const { store } = tempStore();
    const raw = '{ "n": 12345678901234567890, "s": "caf\\u00e9" }';
    const id = store.calls.record(call({ argumentsRaw: raw }), decision());
    const db = store.history.get(id);
    expect(db?.arguments).toEqual(JSON.parse(raw));
    let csv = '';
    store.history.exportCsv({}, (c) => (csv += c));
    expect(csv).toContain('""n"": 12345678901234567890');
    store.close();
  });

  it('marks calls left pending by a dead gate as interrupted on the next start', () => {
    const { store, file } = tempStore();
    const a = store.calls.begin(call({ at: 10 }));
    const b = store.calls.begin(call({ at: 20 }));
    store.calls.decide(a, decision());
    store.close();

    const again = openStore(file);
    expect(again.calls.markInterrupted(5_000)).toBe(1);
    expect(again.history.get(b)).toMatchObject({
      decision: 'interrupted',
      decidedBy: 'gate',
      latencyMs: 4_980,
    });
    expect(again.history.get(a)?.decision).toBe('approved');
    expect(again.calls.markInterrupted(6_000)).toBe(0);
    expect(again.audit.verify()).toMatchObject({ ok: true });
    again.close();
  });
});

describe('the outcome of a call with its result', () => {
  const withResult = {
    isError: false,
    durationMs: 7,
    size: 2048,
    result: {
      sha256: 'a'.repeat(64),
      excerpt: 'the answer',
      chars: 10,
      risk: null,
      findings: [],
    },
  };

  it('is one chain event that covers both by digest, and audit verify checks both', () => {
    const { store, file } = tempStore();
    const id = store.calls.begin(call());
    store.calls.decide(id, decision());
    store.calls.outcome(id, withResult, 10);
    store.close();
    const db = new Database(file);
    const events = db
      .prepare<[number], { type: string; payload: string }>(
        'SELECT type, payload FROM events WHERE call_id = ? ORDER BY seq',
      )
      .all(id);
    expect(events.map((e) => e.type)).toEqual(['call.begun', 'call.decided', 'call.outcome']);
    expect(JSON.parse(events[2]!.payload)).toMatchObject({ covers: 'outcome+result' });
    db.close();
    for (const edit of [
      'UPDATE calls SET outcome_size = 1 WHERE id = ?',
      "UPDATE calls SET result_excerpt = 'nothing to see' WHERE id = ?",
    ]) {
      const copy = `${file}.copy-${edit.length}`;
      fs.copyFileSync(file, copy);
      const tamper = new Database(copy);
      tamper.prepare(edit).run(id);
      tamper.close();
      const again = openStore(copy);
      expect(again.audit.verify()).toMatchObject({ ok: false, callId: id });
      again.close();
    }
    const intact = openStore(file);
    expect(intact.audit.verify()).toMatchObject({ ok: true, calls: 1 });
    intact.close();
  });
});
