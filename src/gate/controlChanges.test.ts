// The changes a control client makes through the gate: checked as the app checks them, written
// to a real SQLite record (and its audit chain), and announced to the gate's listeners; a
// refusal writes nothing and announces nothing.
import { reviewModeOf, setReviewMode } from '../store/reviewModes';
import Database from 'better-sqlite3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { RuleDraft } from '../contract/ipc';
import type { Store } from '../store/store';
import { removeTempDirs, tempStore } from '../store/testSupport';
import { toolHash } from '../registry/hash';
import {
  allowsEverything,
  applyChange,
  isChangeRequest,
  widensToEverything,
  type ChangeBody,
  type ChangeTarget,
} from './controlChanges';
import type { ChangeRequest } from './wire';

afterAll(removeTempDirs);

const NOW = Date.UTC(2026, 11, 1, 14, 0);

const draft = (over: Partial<RuleDraft> = {}): RuleDraft => ({
  serverId: null,
  tool: 'write_file',
  conditions: [],
  action: 'deny',
  expiry: { kind: 'forever' },
  riskCeiling: null,
  note: '',
  enabled: true,
  ...over,
});

let store: Store;
let file: string;
let heard: string[];
let target: ChangeTarget;

beforeEach(() => {
  ({ store, file } = tempStore());
  heard = [];
  target = {
    store,
    rulesChanged: () => heard.push('rules'),
    pushDisabledTools: (id) => heard.push(`tools of ${id}`),
    serversChanged: () => heard.push('servers'),
    setReviewMode: (id, tool, mode) => {
      setReviewMode(store, id, tool, mode, NOW);
      heard.push(`review ${mode}`);
    },
  };
});

const apply = (req: ChangeBody) => applyChange(target, { req: 1, ...req } as ChangeRequest, NOW);

/** Types of the events on the chain, in order. */
function chainTypes(): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<[], string>('SELECT type FROM events ORDER BY seq').pluck().all();
  } finally {
    db.close();
  }
}

describe('rules', () => {
  it('adds a rule as the app would, on the chain, and tells the listeners', () => {
    const answer = apply({ t: 'addRule', rule: draft({ note: 'read-only week' }) });
    expect(answer).toMatchObject({ t: 'saved' });
    const id = (answer as { id: number }).id;
    expect(store.rules.get(id)).toMatchObject({
      tool: 'write_file',
      action: 'deny',
      origin: 'manual',
      note: 'read-only week',
      createdAt: NOW,
    });
    expect(heard).toEqual(['rules']);
    expect(chainTypes().at(-1)).toBe('rule.added');
    expect(store.audit.verify()).toMatchObject({ ok: true });
  });

  it.each([
    [
      'a relative "under" directory',
      draft({ conditions: [{ path: 'path', op: 'under', value: 'rel/dir' }] }),
    ],
    ['a risk ceiling on a deny rule', draft({ riskCeiling: 'high' })],
    [
      'a regular expression that does not compile',
      draft({ conditions: [{ path: 'p', op: 'regex', value: '(' }] }),
    ],
  ])('refuses %s, writing and announcing nothing', (_what, rule) => {
    const before = chainTypes();
    const answer = apply({ t: 'addRule', rule });
    expect(answer.t).toBe('error');
    expect(chainTypes()).toEqual(before);
    expect(store.rules.list()).toEqual([]);
    expect(heard).toEqual([]);
  });

  it('refuses a condition value nested past any stack, as an answer, not a crash', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const rule = draft({ conditions: [{ path: 'p', op: 'equals', value: deep }] });
    expect(apply({ t: 'addRule', rule }).t).toBe('error');
    expect(store.rules.list()).toEqual([]);
    expect(heard).toEqual([]);
  });

  it('an allow rule for every tool on every server needs the person’s yes', () => {
    const everything = draft({ tool: '*', action: 'allow', riskCeiling: 'medium' });
    expect(apply({ t: 'addRule', rule: everything })).toEqual({
      t: 'error',
      message: expect.stringMatching(/every tool on every server.*--yes/),
    });
    expect(apply({ t: 'addRule', rule: everything, confirmed: false }).t).toBe('error');
    expect(store.rules.list()).toEqual([]);
    expect(apply({ t: 'addRule', rule: everything, confirmed: true }).t).toBe('saved');
    expect(store.rules.list()).toHaveLength(1);
  });

  it('edits, disables and enables a rule; enabling an allow-everything rule needs a yes', () => {
    const id = store.rules.add(
      {
        ...draft({ tool: '*', action: 'allow', riskCeiling: 'low', enabled: false }),
        origin: 'manual',
      },
      NOW,
    ).id;
    expect(apply({ t: 'updateRule', id, patch: { enabled: true } }).t).toBe('error');
    expect(store.rules.get(id)?.enabled).toBe(false);
    expect(apply({ t: 'updateRule', id, patch: { enabled: true }, confirmed: true })).toEqual({
      t: 'saved',
      id,
    });
    expect(store.rules.get(id)?.enabled).toBe(true);
    // Already in force: narrowing or switching it off needs no yes.
    expect(apply({ t: 'updateRule', id, patch: { note: 'n' } }).t).toBe('saved');
    expect(apply({ t: 'updateRule', id, patch: { enabled: false } }).t).toBe('saved');
    expect(apply({ t: 'updateRule', id, patch: { tool: 'read_*' } }).t).toBe('saved');
    expect(store.rules.get(id)).toMatchObject({ tool: 'read_*', enabled: false, note: 'n' });
    // The merged rule is checked: a ceiling on a deny rule is refused.
    expect(apply({ t: 'updateRule', id, patch: { action: 'deny' } }).t).toBe('error');
    expect(apply({ t: 'updateRule', id: 999, patch: { enabled: true } })).toEqual({
      t: 'error',
      message: 'there is no rule 999',
    });
    expect(heard).toEqual(['rules', 'rules', 'rules', 'rules']);
    expect(chainTypes().filter((t) => t.startsWith('rule.'))).toEqual([
      'rule.added',
      ...Array<string>(4).fill('rule.changed'),
    ]);
    expect(store.audit.verify()).toMatchObject({ ok: true });
  });

  it('removes a rule; a rule that is not there is an error', () => {
    const id = store.rules.add({ ...draft(), origin: 'manual' }, NOW).id;
    expect(apply({ t: 'removeRule', id })).toEqual({ t: 'ok' });
    expect(apply({ t: 'removeRule', id })).toEqual({
      t: 'error',
      message: `there is no rule ${id}`,
    });
    expect(store.rules.list()).toEqual([]);
    expect(heard).toEqual(['rules']);
    expect(chainTypes().at(-1)).toBe('rule.removed');
  });
});

describe('tools and servers', () => {
  const definition = { name: 'echo', description: 'Echoes' };
  let serverId: number;

  beforeEach(() => {
    serverId = store.servers.upsert(
      { host: 'h', name: 'everything', command: 'node', args: ['s.js'] },
      NOW,
    ).id;
    store.tools.recordList(serverId, [{ definition, hash: toolHash(definition), poison: [] }], NOW);
  });

  it('switches a tool off and on, and its shims hear of it', () => {
    expect(apply({ t: 'setToolEnabled', serverId, tool: 'echo', enabled: false })).toEqual({
      t: 'ok',
    });
    expect(store.tools.get(serverId, 'echo')?.enabled).toBe(false);
    expect(apply({ t: 'setToolEnabled', serverId, tool: 'nope', enabled: false })).toEqual({
      t: 'error',
      message: `server ${serverId} has no tool "nope"`,
    });
    expect(heard).toEqual([`tools of ${serverId}`]);
    expect(chainTypes().at(-1)).toBe('tool.enabled');
  });

  it("holds a tool's results for review, on the chain; an unknown tool changes nothing", () => {
    expect(apply({ t: 'setToolReviewResults', serverId, tool: 'echo', mode: 'all' })).toEqual({
      t: 'ok',
    });
    expect(reviewModeOf(store, serverId, 'echo')).toBe('all');
    expect(chainTypes().at(-1)).toBe('setting.changed');
    expect(apply({ t: 'setToolReviewResults', serverId, tool: 'nope', mode: 'all' })).toEqual({
      t: 'error',
      message: `server ${serverId} has no tool "nope"`,
    });
    expect(apply({ t: 'setToolReviewResults', serverId, tool: 'echo', mode: 'off' })).toEqual({
      t: 'ok',
    });
    expect(reviewModeOf(store, serverId, 'echo')).toBe('off');
    expect(heard).toEqual(['review all', 'review off']);
  });

  it('marks a tool reviewed only at the definition the person saw', () => {
    const changed = { ...definition, description: 'Echoes, and more' };
    store.tools.recordList(
      serverId,
      [{ definition: changed, hash: toolHash(changed), poison: [] }],
      NOW,
    );
    const seen = toolHash(definition);
    expect(apply({ t: 'markToolReviewed', serverId, tool: 'echo', hash: seen })).toMatchObject({
      t: 'error',
      message: expect.stringMatching(/changed again since you looked/),
    });
    expect(heard).toEqual([]);
    const now = store.tools.get(serverId, 'echo')!.hash;
    expect(apply({ t: 'markToolReviewed', serverId, tool: 'echo', hash: now })).toEqual({
      t: 'ok',
    });
    expect(heard).toEqual(['servers']);
    expect(chainTypes().at(-1)).toBe('tool.reviewed');
  });

  it('reviews a server’s identity only as it was shown', () => {
    store.servers.observeFacts(serverId, { 'command path': '/usr/bin/node' }, NOW);
    const changes = store.servers.observeFacts(
      serverId,
      { 'command path': '/usr/bin/node', 'env NODE_OPTIONS': '--require x' },
      NOW,
    );
    expect(changes).toHaveLength(1);
    const stale = [{ fact: 'env NODE_OPTIONS', before: null, after: '--require y' }];
    expect(apply({ t: 'reviewServerIdentity', serverId, changes: stale }).t).toBe('error');
    expect(store.servers.get(serverId)?.identityChanges).toHaveLength(1);
    expect(apply({ t: 'reviewServerIdentity', serverId, changes })).toEqual({ t: 'ok' });
    expect(chainTypes().at(-1)).toBe('server.identity-reviewed');
    expect(store.servers.get(serverId)?.identityChanges).toEqual([]);
    expect(apply({ t: 'reviewServerIdentity', serverId, changes }).t).toBe('error');
    expect(heard).toEqual(['servers']);
    expect(store.audit.verify()).toMatchObject({ ok: true });
  });
});

describe('pure parts', () => {
  const rule = { action: 'allow', tool: '*', serverId: null, enabled: true } as const;

  it.each([
    [null, rule, true],
    [null, { ...rule, tool: '**' }, true],
    [null, { ...rule, enabled: false }, false],
    [null, { ...rule, serverId: 3 }, false],
    [null, { ...rule, tool: 'read_*' }, false],
    [null, { ...rule, action: 'ask' }, false],
    [{ ...rule, enabled: false }, rule, true],
    [{ ...rule, tool: 'x' }, rule, true],
    [rule, { ...rule }, false],
  ] as const)('widensToEverything(%j, %j) is %s', (before, after, widens) => {
    expect(widensToEverything(before, after)).toBe(widens);
    expect(allowsEverything(after)).toBe(
      after.action === 'allow' && after.serverId === null && /^\*+$/.test(after.tool),
    );
  });

  it('knows which control requests are changes', () => {
    expect(isChangeRequest({ t: 'addRule' })).toBe(true);
    expect(isChangeRequest({ t: 'status' })).toBe(false);
    expect(isChangeRequest({ t: 'settings' })).toBe(false);
  });
});
