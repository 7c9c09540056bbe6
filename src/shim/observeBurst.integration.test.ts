// A host that floods observed calls and closes at once: every call it sent is on record after
// the shim exits (the shim slows the host while its reports queue and lets them reach the gate
// before it exits), and a gate that is gone never keeps the shim from exiting.
import { copyFileSync, mkdirSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { secretPath, socketLocation } from '../core/dataDir';
import { startGateService, type GateService } from '../gate/service';
import { everythingServer, RawShim, tempDir, waitFor } from '../testing/harness';

/**
 * Listens where the shim of `relayDir` looks for its gate and passes bytes both ways to the
 * gate of `gateDir`, untouched. `hold()` stops reading what the shim sends (a gate too busy to
 * read); `release()` reads on.
 */
async function startRelay(relayDir: string, gateDir: string) {
  mkdirSync(relayDir, { recursive: true, mode: 0o700 });
  copyFileSync(secretPath(gateDir), secretPath(relayDir));
  const { dir, path } = socketLocation(relayDir);
  if (dir) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const shimSides = new Set<Socket>();
  const pipes = new Map<Socket, Socket>();
  let held = false;
  const server: Server = createServer((shimSide: Socket) => {
    const gateSide = connect(socketLocation(gateDir).path);
    shimSides.add(shimSide);
    // Piped both ways: backpressure kept, and what the shim sent before it closed still
    // reaches the gate (the shim's end ends the gate side only after the last byte).
    if (!held) shimSide.pipe(gateSide);
    gateSide.pipe(shimSide);
    shimSide.on('close', () => shimSides.delete(shimSide));
    gateSide.on('close', () => shimSide.destroy());
    shimSide.on('error', () => gateSide.destroy());
    gateSide.on('error', () => shimSide.destroy());
    pipes.set(shimSide, gateSide);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    hold: (): void => {
      held = true;
      for (const s of shimSides) {
        s.unpipe();
        s.pause();
      }
    },
    release: (): void => {
      held = false;
      for (const s of shimSides) s.pipe(pipes.get(s)!);
    },
    close: (): Promise<void> => {
      // A socket held for good would never see its peer go: end it here.
      if (held) for (const s of shimSides) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Responses the host has received so far (initialize included). */
const answered = (shim: RawShim): number =>
  shim.lines.filter((l) => {
    const m = JSON.parse(l) as { id?: unknown; method?: unknown };
    return m.id !== undefined && m.method === undefined;
  }).length;

/**
 * Resolves when the shim exits or stops answering (no new answer over several polls): a state
 * to wait for, not a time to assert. Returns the answers the host had at that point.
 */
async function untilExitOrStall(shim: RawShim, exited: { done: boolean }): Promise<number> {
  let last = -1;
  let same = 0;
  for (;;) {
    const now = answered(shim);
    if (exited.done) return now;
    same = now === last ? same + 1 : 0;
    if (same >= 25) return now;
    last = now;
    await new Promise((r) => setTimeout(r, 40));
  }
}

/** Enough 1 KB calls that their reports outgrow the gate link's backlog bound many times over. */
const BURST = 3_000;
const WORDS = 'lorem ipsum dolor sit amet '.repeat(38); // ~1 KB of arguments per call

const echoLine = (id: number): string =>
  JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name: 'echo', arguments: { message: `${id} ${WORDS}` } },
  });

async function observingShim(gate: GateService, dataDir = gate.dataDir): Promise<RawShim> {
  const shim = new RawShim(dataDir, everythingServer());
  await shim.initialize();
  // One call recorded as observed: from here on the shim knows the gate is observing.
  shim.send(echoLine(0));
  await shim.next((m) => m.id === 0);
  await waitFor(() => gate.store.history.count({ decision: 'observed' }) === 1, 10_000, 'warm-up');
  return shim;
}

describe('an observe-mode burst', { timeout: 120_000 }, () => {
  let gate: GateService | null = null;
  afterEach(async () => {
    await gate?.close();
    gate = null;
  });

  it('slows the host while the gate does not read, and is on record in full after', async () => {
    gate = await startGateService({ dataDir: tempDir() });
    gate.updateSettings({ mode: 'observe' });
    const relayDir = tempDir();
    const relayed = await startRelay(relayDir, gate.dataDir);
    const shim = await observingShim(gate, relayDir);
    const exited = { done: false };
    void shim.exited.then(() => (exited.done = true));

    relayed.hold(); // the gate reads nothing more for now
    const lines: string[] = [];
    for (let id = 1; id <= BURST; id++) lines.push(echoLine(id));
    shim.proc.stdin.end(lines.join('\n') + '\n'); // the whole burst, then the host is gone
    // The shim stops taking calls from the host once its reports to the gate pile up.
    const answeredWhileHeld = await untilExitOrStall(shim, exited);
    expect(exited.done).toBe(false);
    expect(answeredWhileHeld).toBeLessThan(BURST / 2);
    relayed.release();
    const exit = await shim.exited;
    expect(exit.code).not.toBeNull();
    expect(answered(shim)).toBe(BURST + 1 + 1); // init, warm-up, the burst
    expect(shim.stderr).not.toMatch(/lost the connection|took no reports/);
    await relayed.close();

    const g = gate;
    await waitFor(
      () => g.store.history.count({ decision: 'observed' }) === BURST + 1,
      60_000,
      `all ${BURST + 1} observed calls on record (have ${g.store.history.count({ decision: 'observed' })})`,
    );
    expect(gate.store.history.count({})).toBe(BURST + 1);
  });

  it('drops a gate that stops reading for good, so the host is not held forever', async () => {
    gate = await startGateService({ dataDir: tempDir() });
    gate.updateSettings({ mode: 'observe' });
    const relayDir = tempDir();
    const relayed = await startRelay(relayDir, gate.dataDir);
    const shim = await observingShim(gate, relayDir);
    relayed.hold(); // and never released
    const lines: string[] = [];
    for (let id = 1; id <= BURST; id++) lines.push(echoLine(id));
    shim.proc.stdin.end(lines.join('\n') + '\n');
    const exit = await shim.exited;
    expect(exit.code).not.toBeNull();
    expect(shim.stderr).toMatch(/took no reports/);
    await relayed.close();
  });

  it('does not keep the shim alive when the gate goes away during the burst', async () => {
    gate = await startGateService({ dataDir: tempDir() });
    gate.updateSettings({ mode: 'observe' });
    const shim = await observingShim(gate);

    const lines: string[] = [];
    for (let id = 1; id <= BURST; id++) lines.push(echoLine(id));
    shim.proc.stdin.write(lines.join('\n') + '\n');
    await gate.close(); // gone while the reports queue (or after: either way the shim must exit)
    gate = null;
    shim.proc.stdin.end();
    const exit = await shim.exited;
    expect(exit.code).not.toBeNull();
  });

  it('exits after the host closes when no gate was ever reachable', async () => {
    const shim = new RawShim(tempDir(), everythingServer());
    await shim.initialize();
    shim.send(echoLine(1));
    const denied = await shim.next((m) => m.id === 1);
    expect(JSON.stringify(denied.result)).toMatch(/not running/);
    shim.proc.stdin.end();
    const exit = await shim.exited;
    expect(exit.code).not.toBeNull();
  });
});
