import { describe, expect, it } from 'vitest';
import { parseRequest } from './ipc';
import { MAX_RULE_CONDITIONS, ruleDraftSchema, type RuleDraft } from './ruleDraft';

const draft: RuleDraft = {
  serverId: 3,
  tool: 'write_*',
  conditions: [{ path: 'path', op: 'under', value: '/home/me/project' }],
  action: 'allow',
  expiry: { kind: 'forever' },
  riskCeiling: 'medium',
  note: '',
  enabled: true,
};

const conditions = (n: number): RuleDraft['conditions'] =>
  Array.from({ length: n }, (_, i) => ({ path: `a${i}`, op: 'equals' as const, value: i }));

describe('the rule draft schema', () => {
  it('holds as many conditions as the core accepts, and no more', () => {
    const most = { ...draft, conditions: conditions(MAX_RULE_CONDITIONS) };
    expect(parseRequest('addRule', most)).toEqual(most);
    // The form once sent up to 50, which the core then refused past 32.
    expect(() =>
      parseRequest('addRule', { ...draft, conditions: conditions(MAX_RULE_CONDITIONS + 1) }),
    ).toThrow(/addRule/);
  });

  it('checks a regex the way rules run it (with the u flag)', () => {
    const regex = (value: string) => ({
      ...draft,
      conditions: [{ path: 'p', op: 'regex' as const, value }],
    });
    expect(ruleDraftSchema.safeParse(regex('^a\\d+$')).success).toBe(true);
    // Valid without the u flag, refused with it: it would never match anything.
    expect(ruleDraftSchema.safeParse(regex('\\-')).success).toBe(false);
  });

  it('takes JSON values for equals and oneOf only, with no __proto__ key kept', () => {
    const equals = (value: unknown) => ({
      ...draft,
      conditions: [{ path: 'p', op: 'equals' as const, value }],
    });
    expect(ruleDraftSchema.safeParse(equals(undefined)).success).toBe(false);
    expect(ruleDraftSchema.safeParse(equals(() => 1)).success).toBe(false);
    const parsed = ruleDraftSchema.parse(equals(JSON.parse('{"__proto__":{"x":1},"a":1}')));
    const [kept] = parsed.conditions;
    expect(kept?.op === 'equals' && Object.keys(kept.value as object)).toEqual(['a']);
    expect(
      ruleDraftSchema.safeParse({
        ...draft,
        conditions: [{ path: 'p', op: 'oneOf', value: [] }],
      }).success,
    ).toBe(false);
  });

  it('refuses a range the wrong way round and an end time that is not a time', () => {
    const range = { path: 'n', op: 'range' as const, min: 5, max: 1 };
    expect(ruleDraftSchema.safeParse({ ...draft, conditions: [range] }).success).toBe(false);
    expect(
      ruleDraftSchema.safeParse({ ...draft, expiry: { kind: 'until', at: Number.NaN } }).success,
    ).toBe(false);
  });
});
