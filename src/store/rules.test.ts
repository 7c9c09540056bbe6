import { afterEach, describe, expect, it } from 'vitest';
import type { Rule } from '../contract/types';
import { removeTempDirs, tempStore } from './testSupport';

afterEach(removeTempDirs);

const base: Omit<Rule, 'id' | 'createdAt'> = {
  serverId: null,
  tool: 'read_*',
  conditions: [{ path: 'path', op: 'under', value: '/home/ana/project' }],
  action: 'allow',
  expiry: { kind: 'until', at: 99_000 },
  riskCeiling: 'medium',
  note: 'reads in the project',
  origin: 'decision:4',
  enabled: true,
};

describe('rules', () => {
  it('adds, reads back, patches and removes rules, each on the chain', () => {
    const { store } = tempStore();
    const r = store.rules.add(base, 1_000);
    expect(r).toEqual({ ...base, id: r.id, createdAt: 1_000 });
    expect(store.rules.get(r.id)).toEqual(r);

    const u = store.rules.update(r.id, { action: 'deny', enabled: false, riskCeiling: null });
    expect(u).toEqual({ ...r, action: 'deny', enabled: false, riskCeiling: null });
    expect(store.rules.list()).toEqual([u]);
    expect(() => store.rules.update(999, { note: 'x' })).toThrow(/unknown rule/);

    expect(store.rules.remove(r.id)).toBe(true);
    expect(store.rules.remove(r.id)).toBe(false);
    expect(store.rules.list()).toEqual([]);
    expect(store.audit.verify()).toMatchObject({ ok: true, rows: 3 });
    store.close();
  });
});

describe('settings', () => {
  it('returns the fallback when unset and JSON values once set', () => {
    const { store } = tempStore();
    expect(store.settings.get('retentionDays', 0)).toBe(0);
    store.settings.set('retentionDays', 30);
    store.settings.set('mode', 'observe');
    store.settings.set('popup', { timeoutSec: 45 });
    expect(store.settings.get('retentionDays', 0)).toBe(30);
    expect(store.settings.all()).toEqual({
      mode: 'observe',
      popup: { timeoutSec: 45 },
      retentionDays: 30,
    });
    expect(() => store.settings.set('x', undefined)).toThrow();
    expect(store.audit.verify()).toMatchObject({ ok: true, rows: 3 });
    store.close();
  });
});
