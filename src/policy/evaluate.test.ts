import { describe, expect, it } from 'vitest';
import type { Rule } from '../contract/types';
import { nodePathEnv } from './paths';
import { evaluateCall, type CallContext } from './evaluate';

const allowAll: Rule = {
  id: 1,
  serverId: null,
  tool: '*',
  conditions: [],
  action: 'allow',
  expiry: { kind: 'forever' },
  riskCeiling: null,
  note: '',
  origin: 'manual',
  enabled: true,
  createdAt: 0,
};

const call = (extra: Partial<CallContext> = {}): CallContext => ({
  tool: 'read_file',
  arguments: { path: '/tmp/notes.txt' },
  record: null,
  sessionId: 's',
  serverId: 1,
  roots: [],
  readSensitiveEarlier: false,
  knownDomains: [],
  ...extra,
});

const settings = { mode: 'ask' as const, paused: false };

describe('evaluateCall with a changed server identity', () => {
  it('applies allow rules while nothing changed', () => {
    const e = evaluateCall(call(), [allowAll], settings, 0, nodePathEnv());
    expect(e.decision).toMatchObject({ verdict: 'allow', ruleId: 1 });
  });

  it('suspends allow rules and the read-only shortcut, and says what changed', () => {
    const changed = ['env NODE_OPTIONS: (not set) → --require /tmp/x.js'];
    const e = evaluateCall(
      call({ identityChanges: changed }),
      [allowAll],
      settings,
      0,
      nodePathEnv(),
    );
    expect(e.decision.verdict).toBe('ask');
    expect(e.decision.reasons[0]).toContain('runs different code than you reviewed');
    expect(e.decision.reasons[0]).toContain(changed[0]);
    // A deny rule still denies.
    const deny = { ...allowAll, id: 2, action: 'deny' as const };
    expect(
      evaluateCall(call({ identityChanges: changed }), [allowAll, deny], settings, 0, nodePathEnv())
        .decision.verdict,
    ).toBe('deny');
  });
});
