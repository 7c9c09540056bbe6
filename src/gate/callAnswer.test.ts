import { describe, expect, it } from 'vitest';
import { decisionMac } from './auth';
import { answerOnce } from './callAnswer';
import { testSession } from './testSession';

const DIGEST = 'ab'.repeat(32);

describe('the one answer a call gets', () => {
  it('sends the first verdict, bound to the request, and drops any later one, saying so', () => {
    const sent: Record<string, unknown>[] = [];
    const logged: string[] = [];
    const s = testSession(sent, { id: 's' });
    const answer = answerOnce(s, 7, DIGEST, { log: (l) => logged.push(l) });
    answer('allow', 'Allowed by Airlock (observe mode)');
    answer('deny', 'Denied by Airlock: the decision could not be recorded (disk full)');
    expect(sent).toEqual([
      {
        t: 'decision',
        rid: 7,
        verdict: 'allow',
        text: 'Allowed by Airlock (observe mode)',
        mac: decisionMac(s.key, 7, DIGEST, 'allow'),
      },
    ]);
    expect(logged).toEqual([
      expect.stringMatching(/answered allow already; a later deny is dropped/),
    ]);
  });

  it('runs the review hook before an allow, and denies when it fails (fail closed)', () => {
    const sent: Record<string, unknown>[] = [];
    const s = testSession(sent, { id: 's' });
    const answer = answerOnce(s, 1, DIGEST, {
      log: () => {},
      beforeAllow: () => {
        throw new Error('no review');
      },
    });
    answer('allow', 'Allowed by Airlock: rule 1');
    answer('allow', 'Allowed by Airlock: rule 1');
    expect(sent.map((m) => [m.verdict, m.text])).toEqual([
      ['deny', 'Denied by Airlock: the review of its result could not be arranged'],
    ]);
  });
});
