import { describe, expect, it } from 'vitest';
import type { Decision } from '../policy/decide';
import { asObserved, goesAheadAtOnce, observing } from './observePath';

describe('observe mode, settled in one place', () => {
  it.each([
    ['ask', false, true, false, false],
    ['ask', true, true, false, false],
    ['observe', false, true, true, true],
    ['observe', false, false, true, false], // a tool switched off still stops the call
    ['observe', true, true, false, false], // the pause ends observing altogether
  ] as const)(
    'mode %s, paused %s, tool enabled %s: observing %s, goes ahead at once %s',
    (mode, paused, enabled, observes, goesAhead) => {
      expect(observing({ mode, paused })).toBe(observes);
      expect(goesAheadAtOnce({ mode, paused }, enabled)).toBe(goesAhead);
    },
  );

  it('records a call that went ahead as observed, keeping what it would have been', () => {
    const denied: Decision = {
      verdict: 'deny',
      kind: 'auto-denied',
      ruleId: null,
      reasons: ['This tool is switched off in Airlock.'],
    };
    expect(asObserved(denied)).toEqual({
      ...denied,
      verdict: 'allow',
      kind: 'observed',
      wouldHave: 'deny',
    });
    const ask: Decision = {
      verdict: 'ask',
      kind: null,
      ruleId: 3,
      reasons: ['Rule 3 says to ask.'],
    };
    expect(asObserved(ask)).toMatchObject({
      verdict: 'allow',
      kind: 'observed',
      wouldHave: 'ask',
      ruleId: 3,
    });
    const observed: Decision = {
      verdict: 'allow',
      kind: 'observed',
      ruleId: null,
      reasons: [],
      wouldHave: 'ask',
    };
    expect(asObserved(observed)).toBe(observed);
  });
});
