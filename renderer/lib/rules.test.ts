import { describe, it, expect } from 'vitest';
import { describeCondition, draftFromCall, expiryFor, folderOf, pathArguments } from './rules';

describe('folderOf', () => {
  it('cuts the last component in POSIX and Windows styles', () => {
    expect(folderOf('/home/me/project/a.txt')).toBe('/home/me/project');
    expect(folderOf('/home/me/project/')).toBe('/home/me');
    expect(folderOf('/a')).toBe('/');
    expect(folderOf('C:\\Users\\me\\x.txt')).toBe('C:\\Users\\me');
    expect(folderOf('C:\\x.txt')).toBe('C:\\');
  });
});

describe('pathArguments', () => {
  it('keeps top-level strings that are paths', () => {
    expect(pathArguments({ path: '/tmp/x', content: 'hello /tmp', n: 3, home: '~/notes' })).toEqual(
      [
        { key: 'path', value: '/tmp/x' },
        { key: 'home', value: '~/notes' },
      ],
    );
    expect(pathArguments(['/tmp/x'])).toEqual([]);
  });
});

describe('draftFromCall', () => {
  const now = 1_000_000;
  it('prefills this tool, its server and "under this folder" for each path', () => {
    const draft = draftFromCall(
      {
        serverId: 4,
        tool: 'write_file',
        arguments: { path: '/w/p/a.txt', content: 'x' },
        risk: 'medium',
      },
      'forever',
      now,
    );
    expect(draft).toMatchObject({
      serverId: 4,
      tool: 'write_file',
      action: 'allow',
      conditions: [{ path: 'path', op: 'under', value: '/w/p' }],
      expiry: { kind: 'forever' },
      riskCeiling: 'medium',
    });
  });

  it('never prefills a ceiling that would auto-approve critical calls', () => {
    const draft = draftFromCall(
      { serverId: 1, tool: 't', arguments: {}, risk: 'critical' },
      '1h',
      now,
    );
    expect(draft.riskCeiling).toBe('high');
    expect(draft.expiry).toEqual({ kind: 'until', at: now + 3_600_000 });
  });
});

describe('expiryFor', () => {
  it('binds "until the host restarts" to the session, or falls back to forever', () => {
    expect(expiryFor('session', 0, 's1')).toEqual({ kind: 'session', sessionId: 's1' });
    expect(expiryFor('session', 0, null)).toEqual({ kind: 'forever' });
    expect(expiryFor('15m', 10, null)).toEqual({ kind: 'until', at: 10 + 900_000 });
  });
});

describe('describeCondition', () => {
  it('words each operator', () => {
    expect(describeCondition({ path: 'path', op: 'under', value: '/p' })).toBe('path under /p');
    expect(describeCondition({ path: 'n', op: 'range', max: 3 })).toBe('n in [−∞, 3]');
    expect(describeCondition({ path: 'm', op: 'oneOf', value: ['a', 1] })).toBe('m one of "a", 1');
  });
});

describe('argumentsPreview', () => {
  it('puts arguments on one line and cuts long ones with an ellipsis', async () => {
    const { argumentsPreview } = await import('./format');
    expect(argumentsPreview({ path: '/a', content: 'x\ny' })).toBe(
      '{"path":"/a","content":"x\\ny"}',
    );
    const long = argumentsPreview({ content: 'z'.repeat(500) }, 40);
    expect(long).toHaveLength(40);
    expect(long.endsWith('…')).toBe(true);
    expect(argumentsPreview(undefined)).toBe('undefined');
  });
});
