import { afterEach, describe, expect, it } from 'vitest';
import { seedCalls, seededRng } from './seed';
import { removeTempDirs, tempStore } from './testSupport';

afterEach(removeTempDirs);

describe('seedCalls', () => {
  it('inserts n decided calls, reproducibly, that verify', () => {
    const a = tempStore().store;
    const b = tempStore().store;
    const now = 90 * 86_400_000;
    const ra = seedCalls(a, 2_000, seededRng(7), { now });
    seedCalls(b, 2_000, seededRng(7), { now });
    expect(ra.lastId - ra.firstId + 1).toBe(2_000);
    expect(a.history.count({})).toBe(2_000);
    expect(a.history.query({ limit: 5 })).toEqual(b.history.query({ limit: 5 }));
    const decisions = new Set(a.history.query({ limit: 1000 }).map((r) => r.decision));
    expect(decisions.size).toBeGreaterThanOrEqual(5);
    expect(a.history.query({ since: now }).length).toBe(0);
    expect(a.audit.verify()).toMatchObject({ ok: true, rows: 2_000, calls: 2_000 });
    a.close();
    b.close();
  });
});
