// A rule's line on the command line words its duration as the app does.
import { afterAll, describe, expect, it } from 'vitest';
import type { Rule } from '../../contract/types';
import { removeTempDirs, tempStore } from '../../store/testSupport';
import { describeRule, editPatch } from './rules';

afterAll(removeTempDirs);

const NOW = Date.UTC(2026, 11, 1, 14, 0);
const MIN = 60_000;

function rule(over: Partial<Rule>): Rule {
  return {
    id: 3,
    serverId: null,
    tool: 'read_file',
    conditions: [],
    action: 'allow',
    expiry: { kind: 'forever' },
    riskCeiling: 'medium',
    note: '',
    enabled: true,
    origin: 'manual',
    createdAt: NOW,
    ...over,
  };
}

describe('describeRule', () => {
  const { store } = tempStore();
  const line = (over: Partial<Rule>, now = NOW) => describeRule(rule(over), store, now);

  it('words each duration as the app does', () => {
    expect(line({})).toBe('3  allow read_file on any server up to medium risk, always  [manual]');
    expect(line({ expiry: { kind: 'until', at: NOW + 15 * MIN } })).toBe(
      '3  allow read_file on any server up to medium risk, for 15 minutes (until 2026-12-01 14:15Z)  [manual]',
    );
    expect(line({ expiry: { kind: 'until', at: NOW + 60 * MIN } }, NOW + 5 * MIN)).toContain(
      ', for 1 hour (until 2026-12-01 15:00Z)',
    );
    expect(line({ expiry: { kind: 'session', sessionId: 's1' }, action: 'deny' })).toBe(
      '3  deny read_file on any server, until the host restarts  [manual]',
    );
  });

  it('says when an end time has passed, and shows an end time set by hand as it is', () => {
    expect(line({ expiry: { kind: 'until', at: NOW + 60 * MIN } }, NOW + 61 * MIN)).toContain(
      ', expired (2026-12-01 15:00Z)',
    );
    expect(line({ expiry: { kind: 'until', at: NOW + 300 * MIN } })).toContain(
      ', until 2026-12-01 19:00Z',
    );
  });
});

describe('editPatch: only what the flags name, and what a changed action carries with it', () => {
  const at = (values: Record<string, string | boolean | string[]>, over: Partial<Rule> = {}) =>
    editPatch(rule(over), values, undefined, NOW);

  it('a note alone changes the note; the action stays what it was', () => {
    expect(at({ note: 'x' })).toEqual({ note: 'x' });
  });

  it('an allow that becomes a deny drops its ceiling and its result review', () => {
    expect(at({ action: 'deny' }, { reviewResults: 'all' })).toEqual({
      action: 'deny',
      riskCeiling: null,
      reviewResults: null,
    });
  });

  it('a rule that becomes an allow gets the medium ceiling unless one is named', () => {
    expect(at({ action: 'allow' }, { action: 'ask', riskCeiling: null })).toEqual({
      action: 'allow',
      riskCeiling: 'medium',
    });
    expect(
      at({ action: 'allow', 'max-risk': 'any' }, { action: 'ask', riskCeiling: null }),
    ).toEqual({ action: 'allow', riskCeiling: null });
    expect(() => at({ 'max-risk': 'high' }, { action: 'deny', riskCeiling: null })).toThrow(
      /allow rules only/,
    );
  });

  it('conditions replace the old ones; --clear-conditions empties them; --expires counts from now', () => {
    expect(at({ equals: ['path=1'] })).toEqual({
      conditions: [{ path: 'path', op: 'equals', value: 1 }],
    });
    expect(at({ 'clear-conditions': true })).toEqual({ conditions: [] });
    expect(at({ expires: '15m' })).toEqual({ expiry: { kind: 'until', at: NOW + 15 * MIN } });
    expect(at({ 'review-results': 'off' }, { reviewResults: 'flagged' })).toEqual({
      reviewResults: null,
    });
  });

  it('the server is the caller’s: null widens to every server', () => {
    expect(editPatch(rule({ serverId: 4 }), {}, null, NOW)).toEqual({ serverId: null });
  });
});
