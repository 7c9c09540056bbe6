import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArgCondition, Rule } from '../contract/types';
import { pickRule, ruleApplies, ruleSpecificity, validateRule, type CallFacts } from './rules';
import { nodePathEnv, type PathEnv } from './paths';

const env: PathEnv = { home: '/home/u', cwd: '/home/u/project', caseInsensitive: false, sep: '/' };
const NOW = 1_700_000_000_000;

let nextId = 1;
function rule(partial: Partial<Rule>): Rule {
  return {
    id: nextId++,
    serverId: null,
    tool: '*',
    conditions: [],
    action: 'allow',
    expiry: { kind: 'forever' },
    riskCeiling: null,
    note: '',
    origin: 'manual',
    enabled: true,
    createdAt: NOW - 1000,
    ...partial,
  };
}

function call(
  tool: string,
  args: unknown,
  serverId: number | null = 1,
  sessionId = 's1',
): CallFacts {
  return { serverId, sessionId, tool, arguments: args };
}

const under = (path: string, value: string): ArgCondition => ({ path, op: 'under', value });

describe('ruleApplies: conditions', () => {
  it.each<[string, ArgCondition, unknown, boolean]>([
    ['under: inside', under('path', '/home/u/project'), { path: '/home/u/project/src/a.ts' }, true],
    // The gate's cwd is not the server's: a relative path is never under anything.
    ['under: relative path', under('path', '/home/u/project'), { path: 'src/a.ts' }, false],
    [
      'under: sibling with a shared prefix',
      under('path', '/home/u/project'),
      { path: '/home/u/project-evil/x' },
      false,
    ],
    [
      'under: .. escape',
      under('path', '/home/u/project'),
      { path: '/home/u/project/../../.ssh/id_rsa' },
      false,
    ],
    ['under: ~ in the rule', under('path', '~/project'), { path: '/home/u/project/a' }, true],
    ['under: ~ in the call', under('path', '/home/u/project'), { path: '~/.ssh/id_rsa' }, false],
    ['under: trailing slash', under('path', '/home/u/project/'), { path: '/home/u/project' }, true],
    [
      'under: not a string',
      under('path', '/home/u/project'),
      { path: ['/home/u/project/a'] },
      false,
    ],
    [
      'under: argument missing',
      under('path', '/home/u/project'),
      { other: '/home/u/project/a' },
      false,
    ],
    [
      'under: every element of a wildcard',
      under('paths[*]', '/home/u/project'),
      { paths: ['/home/u/project/a', '/home/u/project/b'] },
      true,
    ],
    [
      'under: one element escapes',
      under('paths[*]', '/home/u/project'),
      { paths: ['/home/u/project/a', '/etc/passwd'] },
      false,
    ],
    ['under: empty wildcard', under('paths[*]', '/home/u/project'), { paths: [] }, false],
    [
      'under: both move_file ends',
      under('$.*', '/home/u/project'),
      { source: '/home/u/project/a', destination: '/tmp/x' },
      false,
    ],
    ['equals: string', { path: 'channel', op: 'equals', value: 'C123' }, { channel: 'C123' }, true],
    [
      'equals: other string',
      { path: 'channel', op: 'equals', value: 'C123' },
      { channel: 'C1234' },
      false,
    ],
    [
      'equals: object, any key order',
      { path: 'o', op: 'equals', value: { a: 1, b: 2 } },
      { o: { b: 2, a: 1 } },
      true,
    ],
    ['equals: number is not its string', { path: 'n', op: 'equals', value: 1 }, { n: '1' }, false],
    ['oneOf: listed', { path: 'repo', op: 'oneOf', value: ['a/b', 'c/d'] }, { repo: 'c/d' }, true],
    [
      'oneOf: not listed',
      { path: 'repo', op: 'oneOf', value: ['a/b', 'c/d'] },
      { repo: 'e/f' },
      false,
    ],
    [
      'regex: matches',
      { path: 'command', op: 'regex', value: '^git (status|diff)( |$)' },
      { command: 'git status' },
      true,
    ],
    // A regex is only as anchored as written: `^git status` also matches a chained command.
    [
      'regex: as anchored as written',
      { path: 'command', op: 'regex', value: '^git status' },
      { command: 'git status; rm -rf /' },
      true,
    ],
    [
      'regex: no match',
      { path: 'command', op: 'regex', value: '^git status$' },
      { command: 'git status; rm -rf /' },
      false,
    ],
    ['regex: number as text', { path: 'n', op: 'regex', value: '^4\\d$' }, { n: 42 }, true],
    ['range: inside', { path: 'amount', op: 'range', min: 0, max: 100 }, { amount: 100 }, true],
    ['range: above', { path: 'amount', op: 'range', min: 0, max: 100 }, { amount: 100.5 }, false],
    ['range: min only', { path: 'amount', op: 'range', min: 10 }, { amount: 1e9 }, true],
    ['range: numeric string', { path: 'amount', op: 'range', max: 10 }, { amount: '5' }, true],
    ['range: not a number', { path: 'amount', op: 'range', max: 10 }, { amount: 'five' }, false],
    ['range: NaN-ish string', { path: 'amount', op: 'range', max: 10 }, { amount: '1e400' }, false],
  ])('%s', (_what, condition, args, expected) => {
    expect(ruleApplies(rule({ conditions: [condition] }), call('t', args), NOW, env)).toBe(
      expected,
    );
  });

  it('fails closed on a value too long to judge with a regex: no allow, still deny', () => {
    const condition: ArgCondition = { path: 'q', op: 'regex', value: '^safe' };
    const huge = { q: `safe${'x'.repeat(20_000)}` };
    expect(
      ruleApplies(rule({ action: 'allow', conditions: [condition] }), call('t', huge), NOW, env),
    ).toBe(false);
    expect(
      ruleApplies(rule({ action: 'deny', conditions: [condition] }), call('t', huge), NOW, env),
    ).toBe(true);
  });

  it.each([
    ['relative', 'rel.txt', env],
    ['another user', '~root/project/a', env],
    ['a stream', '/home/u/project/a.txt:ads', env],
    ['UNC', '//srv/share/home/u/project/a', env],
    [
      'drive-relative',
      'C:project\\a',
      { home: 'C:\\Users\\u', cwd: 'C:\\Users\\u', caseInsensitive: true, sep: '\\' },
    ],
    [
      '\\\\?\\',
      '\\\\?\\C:\\Users\\u\\project\\a',
      { home: 'C:\\Users\\u', cwd: 'C:\\', caseInsensitive: true, sep: '\\' },
    ],
  ] as [string, string, PathEnv][])(
    'a %s path never satisfies an allow rule, and still meets a deny rule',
    (_what, path, pathEnv) => {
      const dir = pathEnv.sep === '\\' ? 'C:\\Users\\u\\project' : '/home/u/project';
      const c = call('write_file', { path });
      const allow = rule({ action: 'allow', conditions: [under('path', dir)] });
      const deny = rule({ action: 'deny', conditions: [under('path', dir)] });
      expect(ruleApplies(allow, c, NOW, pathEnv)).toBe(false);
      expect(ruleApplies(deny, c, NOW, pathEnv)).toBe(true);
    },
  );

  it('needs every condition to hold', () => {
    const r = rule({
      conditions: [under('path', '/home/u/project'), { path: 'mode', op: 'equals', value: 'r' }],
    });
    expect(ruleApplies(r, call('t', { path: '/home/u/project/a', mode: 'r' }), NOW, env)).toBe(
      true,
    );
    expect(ruleApplies(r, call('t', { path: '/home/u/project/a', mode: 'w' }), NOW, env)).toBe(
      false,
    );
  });
});

describe('ruleApplies: server, tool, enabled, expiry', () => {
  it.each<[string, Partial<Rule>, CallFacts, boolean]>([
    ['any server', { serverId: null }, call('read_file', {}, 7), true],
    ['same server', { serverId: 7 }, call('read_file', {}, 7), true],
    ['other server', { serverId: 7 }, call('read_file', {}, 8), false],
    ['unknown server', { serverId: 7 }, call('read_file', {}, null), false],
    ['tool glob', { tool: 'read_*' }, call('read_file', {}), true],
    ['tool glob miss', { tool: 'read_*' }, call('write_file', {}), false],
    ['disabled', { enabled: false }, call('x', {}), false],
    ['until, not yet', { expiry: { kind: 'until', at: NOW + 1 } }, call('x', {}), true],
    ['until, expired exactly now', { expiry: { kind: 'until', at: NOW } }, call('x', {}), false],
    [
      'session, same',
      { expiry: { kind: 'session', sessionId: 's1' } },
      call('x', {}, 1, 's1'),
      true,
    ],
    [
      'session, host restarted',
      { expiry: { kind: 'session', sessionId: 's1' } },
      call('x', {}, 1, 's2'),
      false,
    ],
  ])('%s', (_what, partial, facts, expected) => {
    expect(ruleApplies(rule(partial), facts, NOW, env)).toBe(expected);
  });
});

describe('pickRule', () => {
  const c = call('write_file', { path: '/home/u/project/a.txt', content: 'x' });

  it('deny beats ask beats allow, whatever the specificity', () => {
    const allow = rule({
      action: 'allow',
      tool: 'write_file',
      serverId: 1,
      conditions: [under('path', '/home/u/project')],
    });
    const ask = rule({ action: 'ask', tool: 'write_*' });
    const deny = rule({ action: 'deny', tool: '*' });
    expect(pickRule([allow, ask, deny], c, NOW, env)?.id).toBe(deny.id);
    expect(pickRule([allow, ask], c, NOW, env)?.id).toBe(ask.id);
    expect(pickRule([allow], c, NOW, env)?.id).toBe(allow.id);
  });

  it('the most specific wins among equals, then the newest', () => {
    const broad = rule({ action: 'allow', tool: '*' });
    const glob = rule({ action: 'allow', tool: 'write_*' });
    const exact = rule({ action: 'allow', tool: 'write_file' });
    const server = rule({ action: 'allow', tool: 'write_file', serverId: 1 });
    const conditioned = rule({
      action: 'allow',
      tool: '*',
      conditions: [under('path', '/home/u/project')],
    });
    expect(pickRule([broad, glob], c, NOW, env)?.id).toBe(glob.id);
    expect(pickRule([broad, glob, exact], c, NOW, env)?.id).toBe(exact.id);
    expect(pickRule([exact, server], c, NOW, env)?.id).toBe(server.id);
    expect(pickRule([server, conditioned], c, NOW, env)?.id).toBe(conditioned.id);
    const older = rule({ action: 'allow', tool: 'write_file', createdAt: NOW - 5000 });
    const newer = rule({ action: 'allow', tool: 'write_file', createdAt: NOW - 10 });
    expect(pickRule([older, newer], c, NOW, env)?.id).toBe(newer.id);
  });

  it('an expired or disabled deny rule does not match', () => {
    const allow = rule({ action: 'allow', tool: 'write_file' });
    const expired = rule({ action: 'deny', expiry: { kind: 'until', at: NOW - 1 } });
    const disabled = rule({ action: 'deny', enabled: false });
    expect(pickRule([allow, expired, disabled], c, NOW, env)?.id).toBe(allow.id);
    expect(pickRule([expired], c, NOW, env)).toBeNull();
  });

  it('ruleSpecificity orders conditions > exact name > server > literal length', () => {
    const s = (p: Partial<Rule>): number => ruleSpecificity(rule(p));
    expect(s({ conditions: [under('p', '/x')] })).toBeGreaterThan(
      s({ tool: 'write_file', serverId: 1 }),
    );
    expect(s({ tool: 'write_file' })).toBeGreaterThan(s({ tool: 'write_fil*', serverId: 1 }));
    expect(s({ tool: 'w*', serverId: 1 })).toBeGreaterThan(s({ tool: 'write_*' }));
    expect(s({ tool: 'write_*' })).toBeGreaterThan(s({ tool: '*' }));
  });
});

describe('ruleApplies with real symlinks', () => {
  let base: string;
  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'airlock-rules-'));
    mkdirSync(join(base, 'project'));
    mkdirSync(join(base, 'secrets'));
    symlinkSync(join(base, 'secrets'), join(base, 'project', 'link'));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('an allow rule for the project does not cover a symlink out of it', () => {
    const realEnv = nodePathEnv(join(base, 'project'));
    const r = rule({ tool: 'read_file', conditions: [under('path', join(base, 'project'))] });
    expect(
      ruleApplies(r, call('read_file', { path: join(base, 'project', 'notes.md') }), NOW, realEnv),
    ).toBe(true);
    expect(
      ruleApplies(
        r,
        call('read_file', { path: join(base, 'project', 'link', 'key') }),
        NOW,
        realEnv,
      ),
    ).toBe(false);
    expect(ruleApplies(r, call('read_file', { path: 'link/key' }), NOW, realEnv)).toBe(false);
  });
});

describe('validateRule', () => {
  it('fills defaults', () => {
    const result = validateRule({ tool: 'read_file', action: 'allow' });
    expect(result).toEqual({
      ok: true,
      rule: {
        serverId: null,
        tool: 'read_file',
        conditions: [],
        action: 'allow',
        expiry: { kind: 'forever' },
        // An allow rule without a stated ceiling stops at medium; "any risk" is chosen (null).
        riskCeiling: 'medium',
        note: '',
        origin: 'manual',
        enabled: true,
      },
    });
  });

  it('keeps a full rule as it is', () => {
    const full = rule({
      tool: 'write_file',
      serverId: 3,
      conditions: [
        under('path', '~/project'),
        { path: 'n', op: 'range', min: 1 },
        { path: 'x', op: 'oneOf', value: [1, 'a'] },
      ],
      expiry: { kind: 'session', sessionId: 'abc' },
      riskCeiling: 'medium',
      origin: 'decision:12',
      note: 'from the popup',
    });
    expect(validateRule(full)).toEqual({ ok: true, rule: full });
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', 'allow everything', /expected object/i],
    ['missing tool', { action: 'allow' }, /tool/],
    ['empty tool', { tool: '', action: 'allow' }, /tool name or a glob/],
    ['bad action', { tool: 'x', action: 'maybe' }, /action/],
    [
      'regex that does not compile',
      { tool: 'x', action: 'deny', conditions: [{ path: 'q', op: 'regex', value: '(unclosed' }] },
      /does not compile/,
    ],
    [
      'range without bounds',
      { tool: 'x', action: 'allow', conditions: [{ path: 'n', op: 'range' }] },
      /min or a max/,
    ],
    [
      'range upside down',
      { tool: 'x', action: 'allow', conditions: [{ path: 'n', op: 'range', min: 5, max: 1 }] },
      /min ≤ max/,
    ],
    [
      'relative directory',
      { tool: 'x', action: 'allow', conditions: [under('path', 'project')] },
      /must be absolute/,
    ],
    [
      "another user's home",
      { tool: 'x', action: 'allow', conditions: [under('path', '~root')] },
      /another user/,
    ],
    [
      'a drive-relative directory',
      { tool: 'x', action: 'allow', conditions: [under('path', 'D:project')] },
      /must be absolute/,
    ],
    [
      'bad JSON path',
      { tool: 'x', action: 'allow', conditions: [{ path: 'a[', op: 'equals', value: 1 }] },
      /JSON path/,
    ],
    [
      'unknown op',
      { tool: 'x', action: 'allow', conditions: [{ path: 'a', op: 'startsWith', value: 'x' }] },
      /op/,
    ],
    [
      'ceiling on a deny rule',
      { tool: 'x', action: 'deny', riskCeiling: 'low' },
      /allow rules only/,
    ],
    ['bad ceiling', { tool: 'x', action: 'allow', riskCeiling: 'extreme' }, /riskCeiling/],
    ['bad origin', { tool: 'x', action: 'allow', origin: 'decision:abc' }, /decision:N/],
    ['expiry without time', { tool: 'x', action: 'allow', expiry: { kind: 'until' } }, /expiry/],
  ])('rejects %s', (_what, input, message) => {
    const result = validateRule(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it('accepts Windows directories for under', () => {
    expect(
      validateRule({
        tool: 'x',
        action: 'allow',
        conditions: [under('path', 'C:\\Users\\u\\project')],
      }).ok,
    ).toBe(true);
  });
});

describe('validateRule: review results', () => {
  const base = { tool: 'fetch', action: 'allow', riskCeiling: null };
  it('takes "flagged" or "all" on an allow rule', () => {
    const ok = validateRule({ ...base, reviewResults: 'all' });
    expect(ok.ok && ok.rule.reviewResults).toBe('all');
  });
  it('refuses it on other actions, and unknown modes', () => {
    expect(validateRule({ ...base, action: 'deny', reviewResults: 'all' })).toMatchObject({
      ok: false,
      error: 'reviewResults: Reviewing results applies to allow rules only.',
    });
    expect(validateRule({ ...base, reviewResults: 'some' }).ok).toBe(false);
  });
});
