import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './store';
import { call, decision, removeTempDirs, tempStore } from './testSupport';

afterEach(removeTempDirs);

const DAY = 86_400_000;
const NOW = 100 * DAY;

function filled() {
  const { store, file } = tempStore();
  store.settings.set('retentionDays', 30, 1 * DAY);
  const old = [10, 20, 40].map((d) =>
    store.calls.record(call({ at: d * DAY }), decision({ at: d * DAY + 5 })),
  );
  const oldPending = store.calls.begin(call({ at: 50 * DAY }));
  const recent = [80, 90].map((d) =>
    store.calls.record(call({ at: d * DAY }), decision({ at: d * DAY + 5 })),
  );
  // A late outcome for an old call lands after the cut and must not upset verification.
  store.calls.outcome(old[2] as number, { isError: false, durationMs: 1, size: 1 }, 85 * DAY);
  return { store, file, old, oldPending, recent };
}

describe('retention', () => {
  it('prunes old decided calls and the chain before them, and verify still passes', () => {
    const { store, old, oldPending, recent } = filled();
    const r = store.retention.prune(30, NOW);
    expect(r).toMatchObject({ calls: 3, events: 5 });
    expect(r.seq).toBe(9);
    expect(store.history.query({}).map((h) => h.id)).toEqual([...recent].reverse());
    expect(store.history.get(old[0] as number)).toBeNull();
    expect(store.calls.pendingIds()).toEqual([oldPending]); // undecided calls are never pruned
    expect(store.history.query({ search: 'notes' })).toHaveLength(2);
    expect(store.audit.verify()).toMatchObject({ ok: true, rows: 4, calls: 3 });

    expect(store.retention.prune(30, NOW)).toEqual({ calls: 0, events: 0, seq: null });
    store.calls.decide(oldPending, decision({ at: NOW }));
    expect(store.retention.prune(1, NOW + DAY)).toMatchObject({ calls: 3 });
    expect(store.audit.verify()).toMatchObject({ ok: true });
    store.close();
  });

  it('still catches rows removed by hand after a prune', () => {
    const { store, file } = filled();
    store.retention.prune(30, NOW);
    store.close();
    const db = new Database(file);
    db.exec('DROP TRIGGER events_no_delete');
    const first = db.prepare('SELECT min(seq) FROM events').pluck().get() as number;
    db.prepare('DELETE FROM events WHERE seq = ?').run(first);
    db.close();
    const again = openStore(file);
    expect(again.audit.verify()).toMatchObject({ ok: false, firstBadSeq: first });
    again.close();
  });

  it('catches a recent call deleted as if pruned', () => {
    const { store, file, recent } = filled();
    store.retention.prune(30, NOW);
    store.close();
    const db = new Database(file);
    db.prepare('DELETE FROM calls WHERE id = ?').run(recent[0]);
    db.close();
    const again = openStore(file);
    expect(again.audit.verify()).toMatchObject({ ok: false, callId: recent[0] });
    again.close();
  });
});
