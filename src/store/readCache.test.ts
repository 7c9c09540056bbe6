import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './store';
import { newRule, removeTempDirs, tempStore } from './testSupport';
import type { NewRule } from './rules';

afterEach(removeTempDirs);

const rule = (tool: string): NewRule => newRule({ tool, action: 'allow' });

describe('cached reads', () => {
  it('answers rules and settings from memory while nothing changed', () => {
    const { store } = tempStore();
    store.rules.add(rule('read_*'), 1);
    store.settings.set('mode', 'observe', 1);
    const rules = store.rules.list();
    expect(store.rules.list()).toBe(rules); // the same list: no query, no parse
    // Recording calls does not change what is cached.
    store.calls.record(
      {
        at: 1,
        sessionId: 's',
        host: 'h',
        serverId: null,
        server: 'x',
        tool: 't',
        argumentsRaw: '{}',
        risk: { level: 'low', reasons: [] },
      },
      { kind: 'auto-approved', decidedBy: 'rule', ruleId: null, message: null, at: 1 },
    );
    expect(store.rules.list()).toBe(rules);
    expect(store.settings.get('mode', 'ask')).toBe('observe');
    store.close();
  });

  it('sees a change made here at once', () => {
    const { store } = tempStore();
    expect(store.rules.list()).toEqual([]);
    expect(store.settings.get('paused', false)).toBe(false);
    const id = store.rules.add(rule('read_*'), 1).id;
    store.settings.set('paused', true, 1);
    expect(store.rules.list().map((r) => r.id)).toEqual([id]);
    expect(store.settings.get('paused', false)).toBe(true);
    store.rules.update(id, { enabled: false }, 2);
    expect(store.rules.list()[0]?.enabled).toBe(false);
    store.close();
  });

  it('sees a change another process committed (the CLI writing the same file) from the next turn on', async () => {
    const { store, file } = tempStore();
    expect(store.rules.list()).toEqual([]);
    expect(store.settings.get('mode', 'ask')).toBe('ask');
    const cli = openStore(file);
    cli.rules.add(rule('write_*'), 1);
    cli.settings.set('mode', 'observe', 1);
    cli.close();
    // The next call the gate handles runs in a later turn of the event loop.
    await new Promise((next) => setImmediate(next));
    expect(store.rules.list().map((r) => r.tool)).toEqual(['write_*']);
    expect(store.settings.get('mode', 'ask')).toBe('observe');
    store.close();
  });
});
