import { describe, expect, it } from 'vitest';
import type { SettledCall, SettledResult } from '../gate/wire';
import { clock, settledResultSentence, settledSentence } from './settled';

// Local times, so the table reads the same in every time zone.
const NOW = new Date(2026, 11, 1, 15, 30).getTime();
const AT = new Date(2026, 11, 1, 14, 2).getTime();

const settled = (over: Partial<SettledCall>): SettledCall => ({
  decision: 'approved',
  decidedBy: 'user',
  ruleId: null,
  message: null,
  decidedAt: AT,
  ...over,
});

describe('settledSentence', () => {
  it.each<[Partial<SettledCall>, string]>([
    [{}, 'call 7 was already approved by you at 14:02'],
    [
      { decision: 'denied', message: 'not now' },
      'call 7 was already denied by you at 14:02 (not now)',
    ],
    [
      { decision: 'auto-approved', decidedBy: 'rule', ruleId: 3, message: 'Allowed by rule 3.' },
      'call 7 was already approved by rule 3 at 14:02',
    ],
    [
      { decision: 'auto-approved', decidedBy: 'policy', message: 'Read-only and low risk.' },
      'call 7 was already approved automatically at 14:02 (Read-only and low risk.)',
    ],
    [
      { decision: 'auto-denied', decidedBy: 'rule', ruleId: 4, message: 'Denied by rule 4.' },
      'call 7 was already denied by rule 4 at 14:02',
    ],
    [
      { decision: 'timed-out', decidedBy: 'timeout' },
      'call 7 was already denied at 14:02: nobody decided in time',
    ],
    [
      { decision: 'cancelled', decidedBy: 'host' },
      'call 7 was already cancelled by the host at 14:02',
    ],
    [
      { decision: 'interrupted', decidedBy: 'gate' },
      'call 7 was already denied at 14:02: the gate stopped while it waited',
    ],
    [
      { decision: 'observed', decidedBy: null },
      'call 7 was already let through in observe mode at 14:02; it never waited for a decision',
    ],
    [{ decidedAt: null }, 'call 7 was already approved by you'],
  ])('%j', (over, sentence) => {
    expect(settledSentence(7, settled(over), NOW)).toBe(sentence);
  });

  it('another day shows the date', () => {
    expect(clock(new Date(2026, 10, 30, 9, 5).getTime(), NOW)).toBe('2026-11-30 09:05');
    expect(clock(AT, NOW)).toBe('14:02');
  });

  it('a message from the gate is kept to one short line', () => {
    const text = settledSentence(
      1,
      settled({ decision: 'denied', message: 'a\nb'.repeat(300) }),
      NOW,
    );
    expect(text).not.toContain('\n');
    expect(text.length).toBeLessThan(260);
  });
});

describe('settledResultSentence', () => {
  const review = (over: Partial<SettledResult>): SettledResult => ({
    verdict: 'pass',
    decidedBy: 'user',
    at: AT,
    message: null,
    ...over,
  });
  it.each<[Partial<SettledResult>, string]>([
    [{}, 'the result of call 7 was already passed by you at 14:02'],
    [{ verdict: 'redact' }, 'the result of call 7 was already passed redacted by you at 14:02'],
    [
      { verdict: 'replace', message: 'bad page' },
      'the result of call 7 was already replaced by you at 14:02 (bad page)',
    ],
    [
      { verdict: 'pass', decidedBy: 'policy', message: 'nothing flagged' },
      'the result of call 7 was already passed automatically at 14:02 (nothing flagged)',
    ],
    [
      { verdict: 'replace', decidedBy: 'timeout', message: 'no decision within 45 seconds' },
      'the result of call 7 was already replaced at 14:02: nobody decided in time',
    ],
    [
      { verdict: 'replace', decidedBy: 'host', message: 'cancelled by the host: stop' },
      'the result of call 7 was already dropped at 14:02: the host withdrew the call (cancelled by the host: stop)',
    ],
    [
      { verdict: 'replace', decidedBy: 'gate', message: 'the Airlock gate stopped' },
      'the result of call 7 was already replaced by Airlock at 14:02 (the Airlock gate stopped)',
    ],
  ])('%j', (over, sentence) => {
    expect(settledResultSentence(7, review(over), NOW)).toBe(sentence);
  });
});
