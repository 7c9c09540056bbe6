import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApprovalBroker, type Resolution } from './broker';

const call = (id: number, sessionId = 's1') => ({
  id,
  sessionId,
  host: 'h',
  server: 'srv',
  serverId: 1,
  tool: 'write_file',
  description: null,
  arguments: { path: '/x' },
  risk: { level: 'medium' as const, reasons: [] },
  definitionChanged: false,
  askReasons: [],
});

describe('ApprovalBroker', () => {
  afterEach(() => void vi.useRealTimers());

  it('resolves once with the person’s decision and message, and lists oldest first', () => {
    let clock = 1_000;
    const broker = new ApprovalBroker(
      () => 45_000,
      () => clock,
    );
    const got: Resolution[] = [];
    broker.hold(call(2), (r) => got.push(r));
    clock += 5;
    broker.hold(call(1), (r) => got.push(r));
    expect(broker.list().map((c) => c.id)).toEqual([2, 1]);
    expect(broker.decide(2, 'deny', '  not there  ')).toBe(true);
    expect(broker.decide(2, 'allow')).toBe(false); // already answered
    expect(got).toEqual([
      expect.objectContaining({
        verdict: 'deny',
        kind: 'denied',
        decidedBy: 'user',
        message: 'not there',
      }),
    ]);
    broker.interruptAll('stopping');
  });

  it('denies on timeout and says so; a held countdown stands still and restarts from what was left', () => {
    vi.useFakeTimers();
    const broker = new ApprovalBroker(() => 10_000);
    const got: Resolution[] = [];
    broker.hold(call(1), (r) => got.push(r));
    vi.advanceTimersByTime(4_000);
    broker.setHolding(1, true);
    vi.advanceTimersByTime(60_000);
    expect(got).toEqual([]);
    broker.setHolding(1, false);
    vi.advanceTimersByTime(5_999);
    expect(got).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(got).toEqual([
      expect.objectContaining({
        verdict: 'deny',
        kind: 'timed-out',
        decidedBy: 'timeout',
        message: 'no decision within 10 seconds',
      }),
    ]);
  });

  it('cancels a session’s calls when its shim goes away, and interrupts all on stop', () => {
    const broker = new ApprovalBroker(() => 45_000);
    const got: [number, Resolution][] = [];
    broker.hold(call(1, 'a'), (r) => got.push([1, r]));
    broker.hold(call(2, 'b'), (r) => got.push([2, r]));
    broker.cancelSession('a', 'the shim disconnected');
    expect(got).toEqual([[1, expect.objectContaining({ kind: 'cancelled', decidedBy: 'host' })]]);
    broker.interruptAll('the gate stopped');
    expect(got[1]).toEqual([2, expect.objectContaining({ verdict: 'deny', kind: 'interrupted' })]);
    expect(broker.size).toBe(0);
  });
});

describe('waiting calls per server', () => {
  it('counts per server, per session for an unknown server, and forgets settled calls', () => {
    const broker = new ApprovalBroker(() => 60_000);
    const call = (id: number, serverId: number | null, sessionId: string) =>
      broker.hold(
        {
          id,
          sessionId,
          host: 'h',
          server: 's',
          serverId,
          tool: 't',
          description: null,
          arguments: {},
          risk: { level: 'low', reasons: [] },
          definitionChanged: false,
          askReasons: [],
        },
        () => {},
      );
    call(1, 7, 'a');
    call(2, 7, 'b');
    call(3, null, 'c');
    expect(broker.waitingFor(7, 'x')).toBe(2);
    expect(broker.waitingFor(null, 'c')).toBe(1);
    expect(broker.waitingFor(8, 'c')).toBe(0);
    broker.decide(1, 'deny');
    broker.cancelSession('c', 'gone');
    expect(broker.waitingFor(7, 'x')).toBe(1);
    expect(broker.waitingFor(null, 'c')).toBe(0);
    broker.interruptAll('stop');
  });
});
