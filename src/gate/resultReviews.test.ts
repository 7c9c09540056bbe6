import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { replacementText, ResultReviews, type ReviewResolution } from './resultReviews';

const request = (id: number, sessionId = 's1') => ({
  id,
  sessionId,
  host: 'h',
  server: 'srv',
  serverId: 1,
  tool: 'fetch',
  arguments: {},
  mode: 'flagged' as const,
  size: 10,
  sha256: '0'.repeat(64),
  isError: false,
  chars: 5,
  preview: 'hello',
  hasSecrets: false,
  risk: 'high' as const,
  findings: [],
});

describe('ResultReviews', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('settles once with a person’s verdict, and the timeout then does nothing', () => {
    const reviews = new ResultReviews(() => 1000);
    const got: ReviewResolution[] = [];
    reviews.hold(request(1), 7, (r) => got.push(r));
    expect(reviews.list().map((r) => r.id)).toEqual([1]);
    expect(reviews.decide(1, 'redact')).toBe(true);
    expect(reviews.decide(1, 'pass')).toBe(false);
    vi.advanceTimersByTime(5000);
    expect(got).toMatchObject([{ verdict: 'redact', decidedBy: 'user', cancelled: false }]);
    expect(reviews.size).toBe(0);
  });

  it('replaces, never passes, when the time is up', () => {
    const reviews = new ResultReviews(() => 1000);
    const got: ReviewResolution[] = [];
    reviews.hold(request(2), 8, (r) => got.push(r));
    vi.advanceTimersByTime(999);
    expect(got).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(got).toMatchObject([{ verdict: 'replace', decidedBy: 'timeout', cancelled: false }]);
    expect(replacementText(got[0]!)).toBe(
      'Withheld by Airlock: no decision within 1 seconds, so the result was not passed on.',
    );
  });

  it('cancels by the host’s request number, by session, and replaces all when the gate stops', () => {
    const reviews = new ResultReviews(() => 1000);
    const got: [number, ReviewResolution][] = [];
    reviews.hold(request(3, 'a'), 1, (r) => got.push([3, r]));
    reviews.hold(request(4, 'a'), 2, (r) => got.push([4, r]));
    reviews.hold(request(5, 'b'), 1, (r) => got.push([5, r]));
    reviews.hold(request(6, 'c'), 1, (r) => got.push([6, r]));
    expect(reviews.cancelRequest('a', 2, 'stop')).toBe(true);
    expect(reviews.cancelRequest('a', 9, 'stop')).toBe(false);
    reviews.cancelSession('b', 'gone');
    reviews.interruptAll('stopping');
    expect(got.map(([id, r]) => [id, r.verdict, r.decidedBy, r.cancelled])).toEqual([
      [4, 'replace', 'host', true],
      [5, 'replace', 'host', true],
      [3, 'replace', 'gate', false],
      [6, 'replace', 'gate', false],
    ]);
  });

  it('says the person’s message in the replacement', () => {
    expect(replacementText({ decidedBy: 'user', message: 'No.' })).toBe(
      'Withheld by the user in Airlock: the result was not passed on. No.',
    );
  });
});
