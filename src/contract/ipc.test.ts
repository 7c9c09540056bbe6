import { describe, it, expect } from 'vitest';
import { CHANNELS, IpcPayloadError, parseRequest, requestSchemas, type RuleDraft } from './ipc';

const draft: RuleDraft = {
  serverId: 3,
  tool: 'write_*',
  conditions: [{ path: 'path', op: 'under', value: '/home/me/project' }],
  action: 'allow',
  expiry: { kind: 'until', at: 1_700_000_000_000 },
  riskCeiling: 'medium',
  note: '',
  enabled: true,
};

describe('parseRequest', () => {
  it('has a schema for every channel and no other', () => {
    expect(Object.keys(requestSchemas).sort()).toEqual([...CHANNELS].sort());
  });

  it('accepts well-formed payloads and returns them', () => {
    expect(parseRequest('addRule', draft)).toEqual(draft);
    expect(parseRequest('decide', { ids: [1, 2], verdict: 'deny', message: 'no' })).toEqual({
      ids: [1, 2],
      verdict: 'deny',
      message: 'no',
    });
    expect(parseRequest('listPending', undefined)).toBeUndefined();
    expect(parseRequest('queryHistory', { search: 'secret', limit: 100 })).toEqual({
      search: 'secret',
      limit: 100,
    });
  });

  it('rejects a payload on a channel that takes none', () => {
    expect(() => parseRequest('listPending', { sneaky: 1 })).toThrow(IpcPayloadError);
  });

  it('names the channel and the faulty field', () => {
    let message = '';
    try {
      parseRequest('setToolEnabled', { serverId: 1, tool: 'x', enabled: 'yes' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('"setToolEnabled"');
    expect(message).toContain('enabled');
  });

  it('rejects unknown keys, so a renderer cannot smuggle fields through', () => {
    expect(() => parseRequest('addRule', { ...draft, id: 7 })).toThrow(/addRule/);
    expect(() => parseRequest('setSettings', { mode: 'observe', admin: true })).toThrow();
  });

  it('rejects an approval carrying a message and a denial carrying a rule', () => {
    expect(() => parseRequest('decide', { ids: [1], verdict: 'approve', message: 'x' })).toThrow();
    expect(() => parseRequest('decide', { ids: [1], verdict: 'deny', rule: draft })).toThrow();
    expect(() => parseRequest('decide', { ids: [], verdict: 'deny' })).toThrow();
  });

  it('takes edited arguments for exactly one approved call', () => {
    const args = { path: '/tmp/x', content: 'edited' };
    expect(parseRequest('decide', { ids: [4], verdict: 'approve', args })).toEqual({
      ids: [4],
      verdict: 'approve',
      args,
    });
    expect(() => parseRequest('decide', { ids: [4, 5], verdict: 'approve', args })).toThrow(
      /exactly one call/,
    );
    expect(() => parseRequest('decide', { ids: [4], verdict: 'deny', args })).toThrow();
  });

  it('checks rule conditions', () => {
    const bad = (conditions: unknown) => () => parseRequest('addRule', { ...draft, conditions });
    expect(bad([{ path: 'p', op: 'regex', value: '(' }])).toThrow(/regular expression/);
    expect(bad([{ path: 'p', op: 'range' }])).toThrow(/min or max/);
    expect(bad([{ path: 'p', op: 'glob', value: '*' }])).toThrow();
    expect(
      parseRequest('addRule', { ...draft, conditions: [{ path: 'n', op: 'range', min: 0 }] }),
    ).toBeTruthy();
  });

  it('bounds settings to sane values', () => {
    expect(() => parseRequest('setSettings', { timeoutSeconds: 0 })).toThrow();
    expect(() => parseRequest('setSettings', { theme: 'neon' })).toThrow();
    expect(parseRequest('setSettings', { theme: 'dark' })).toEqual({ theme: 'dark' });
  });

  it('rejects ids that are not positive integers', () => {
    expect(() => parseRequest('getHistoryRow', { id: 1.5 })).toThrow();
    expect(() => parseRequest('getHistoryRow', { id: -1 })).toThrow();
    expect(() => parseRequest('getHistoryRow', { id: '1' })).toThrow();
  });
});
