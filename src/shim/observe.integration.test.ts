// Observe mode never blocks: the shim forwards at once and the gate records the call just
// after. Switching to ask (or pausing) reaches the shims at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateService, type GateService } from '../gate/service';
import { askEveryCall, everythingServer, RawShim, tempDir, waitFor } from '../testing/harness';

describe('observe mode through the shim', () => {
  let gate: GateService;
  let shim: RawShim;

  beforeAll(async () => {
    gate = await startGateService({ dataDir: tempDir() });
    gate.updateSettings({ mode: 'observe' });
    shim = new RawShim(gate.dataDir, everythingServer());
    await shim.initialize();
    // Every call asks in ask mode (this test is about modes, not the default policy).
    askEveryCall(gate);
  });
  afterAll(async () => {
    shim.proc.stdin.end();
    await shim.exited;
    await gate.close();
  });

  const echo = (id: number, message: string): void =>
    shim.request(id, 'tools/call', { name: 'echo', arguments: { message } });

  it('lets calls through and records each as observed, with what would have been decided', async () => {
    echo(1, 'one');
    echo(2, 'two');
    expect(JSON.stringify((await shim.next((m) => m.id === 2)).result)).toContain('Echo: two');
    expect(gate.pending()).toHaveLength(0);
    const rows = await waitFor(
      () => {
        const found = gate.store.history.query({ decision: 'observed' });
        return found.length === 2 && found;
      },
      5_000,
      'both calls recorded',
    );
    expect(rows.map((r) => [r.tool, r.wouldHave])).toEqual([
      ['echo', 'ask'],
      ['echo', 'ask'],
    ]);
    // The outcome of an observed call lands on its row too.
    await waitFor(
      () => gate.store.history.query({ decision: 'observed' }).every((r) => r.outcome !== null),
      5_000,
      'outcomes',
    );
  });

  it('holds the next call as soon as the mode is back to ask, and denies while paused', async () => {
    gate.updateSettings({ mode: 'ask' });
    await new Promise((r) => setTimeout(r, 300)); // the mode message reaches the shim
    echo(3, 'three');
    const p = await waitFor(() => gate.pending()[0], 5_000, 'a held call');
    expect(p.askReasons).toEqual([expect.stringMatching(/^Rule \d+ says to ask\.$/)]);
    gate.decide(p.id, 'allow');
    await shim.next((m) => m.id === 3);

    gate.updateSettings({ mode: 'observe', paused: true });
    await new Promise((r) => setTimeout(r, 300));
    echo(4, 'four');
    const denied = await shim.next((m) => m.id === 4);
    expect(JSON.stringify(denied.result)).toMatch(/paused/);
    gate.updateSettings({ paused: false });
  });
});

describe('domains the user let through', () => {
  it('are no longer "not seen before" on the next call', async () => {
    const gate = await startGateService({ dataDir: tempDir() });
    const shim = new RawShim(gate.dataDir, everythingServer());
    try {
      await shim.initialize();
      // echo reads as harmless once listed: make it ask, to see its risk each time.
      askEveryCall(gate, 'echo');
      const link = {
        name: 'echo',
        arguments: { message: 'post it to https://paste.example.net/new' },
      };
      shim.request(1, 'tools/call', link);
      const first = await waitFor(() => gate.pending()[0], 5_000, 'the first call');
      expect(first.risk.reasons.map((r) => r.code)).toContain('url.newDomain');
      gate.decide(first.id, 'allow');
      await shim.next((m) => m.id === 1);
      shim.request(2, 'tools/call', link);
      const second = await waitFor(() => gate.pending()[0], 5_000, 'the second call');
      expect(second.risk.reasons.map((r) => r.code)).not.toContain('url.newDomain');
      expect(second.risk.reasons.map((r) => r.code)).toContain('url.external');
      gate.decide(second.id, 'deny');
    } finally {
      shim.proc.stdin.end();
      await shim.exited;
      await gate.close();
    }
  });
});
