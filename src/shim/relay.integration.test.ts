// A process in the middle of the shim ↔ gate socket. It holds no secret: it passes the
// handshake through untouched, then injects or replays gate → shim messages. Whatever it does,
// a gated call is never forwarded on its word: it waits for the real gate or is denied.
// Real shim process, real server-everything, real SDK client, real gate, real sockets.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { secretPath, socketLocation } from '../core/dataDir';
import { LineSplitter } from '../mcp/framing';
import {
  askEveryCall,
  connectClient,
  everythingServer,
  tempDir,
  waitFor,
} from '../testing/harness';
import { startGateService, type GateService } from '../gate/service';

/**
 * Listens where the shim of `relayDir` looks for its gate and relays to the gate of `gateDir`.
 * `tamper` sees each gate → shim line and returns the lines to pass on instead.
 */
async function startRelay(
  relayDir: string,
  gateDir: string,
  tamper: (line: string, index: number) => string[],
): Promise<Server> {
  mkdirSync(relayDir, { recursive: true, mode: 0o700 });
  copyFileSync(secretPath(gateDir), secretPath(relayDir)); // the shim reads it; the relay never does
  const { dir, path } = socketLocation(relayDir);
  if (dir) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const server = createServer((shimSide: Socket) => {
    const gateSide = connect(socketLocation(gateDir).path);
    let index = 0;
    const splitter = new LineSplitter({
      maxLineBytes: 1 << 26,
      onLine: (line) => {
        for (const out of tamper(line.toString('utf8'), index++)) shimSide.write(out + '\n');
      },
      onOversize: () => shimSide.destroy(),
    });
    gateSide.on('data', (chunk: Buffer) => splitter.push(chunk));
    shimSide.pipe(gateSide);
    const end = (): void => {
      shimSide.destroy();
      gateSide.destroy();
    };
    gateSide.on('close', end);
    shimSide.on('close', end);
    gateSide.on('error', end);
    shimSide.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return server;
}

type CallResult = Awaited<ReturnType<Client['callTool']>>;
const textOf = (r: CallResult): string =>
  (r.content as { text?: string }[]).map((c) => c.text ?? '').join('\n');

let gateDir: string;
let relayDir: string;
let gate: GateService;
let relay: Server | null = null;
let client: Client | null = null;

beforeEach(async () => {
  gateDir = tempDir();
  relayDir = tempDir();
  gate = await startGateService({ dataDir: gateDir });
  askEveryCall(gate);
});

afterEach(async () => {
  await client?.close();
  client = null;
  await new Promise<void>((resolve) => (relay ? relay.close(() => resolve()) : resolve()));
  relay = null;
  await gate.close();
});

/** Call echo through the relay; approve anything the real gate is asked meanwhile. */
async function echoThroughRelay(): Promise<{ result: CallResult; approved: number }> {
  client = await connectClient(everythingServer(), { dataDir: relayDir });
  let approved = 0;
  let done = false;
  const approver = (async () => {
    while (!done) {
      for (const p of gate.pending()) if (gate.decide(p.id, 'allow')) approved++;
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  try {
    const result = await client.callTool({ name: 'echo', arguments: { message: 'hi' } });
    return { result, approved };
  } finally {
    done = true;
    await approver;
  }
}

describe('a relay on the socket', () => {
  it('passing everything through changes nothing (the test rig works)', async () => {
    relay = await startRelay(relayDir, gateDir, (line) => [line]);
    const { result, approved } = await echoThroughRelay();
    expect(approved).toBe(1);
    expect(textOf(result)).toContain('Echo: hi');
  });

  it('cannot switch the shim to observe mode: the call is denied, never forwarded', async () => {
    relay = await startRelay(relayDir, gateDir, (line) =>
      // After the gate's welcome, tell the shim calls may go ahead without asking.
      line.includes('"welcome"') ? [line, '{"t":"mode","observe":true}'] : [line],
    );
    // Nobody approves: on the old code the call went ahead at once.
    gate.updateSettings({ timeoutSeconds: 3600 });
    const { result } = await echoThroughRelay();
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Denied by Airlock: .*(not sealed|lost)/);
    expect(textOf(result)).not.toContain('Echo:');
  });

  it('cannot forge a sealed-looking message without the key', async () => {
    relay = await startRelay(relayDir, gateDir, (line, index) =>
      line.includes('"welcome"')
        ? [line, `{"s":${index},"mac":"${'0'.repeat(64)}","m":{"t":"mode","observe":true}}`]
        : [line],
    );
    const { result } = await echoThroughRelay();
    expect(textOf(result)).toMatch(/Denied by Airlock/);
    expect(textOf(result)).not.toContain('Echo:');
  });

  it('cannot replay an earlier message from the gate', async () => {
    // Every sealed message from the gate arrives twice.
    relay = await startRelay(relayDir, gateDir, (line) =>
      line.startsWith('{"s":') ? [line, line] : [line],
    );
    const { result } = await echoThroughRelay();
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Denied by Airlock: .*out of order/);
    expect(textOf(result)).not.toContain('Echo:');
  });
});

describe('a relay on the socket, with a held result', () => {
  it('cannot turn a "replace" into a "pass": the result is withheld all the same', async () => {
    // The relay rewrites the verdict inside the sealed line; the MAC no longer fits.
    relay = await startRelay(relayDir, gateDir, (line) => [
      line.includes('"t":"resultVerdict"') ? line.replace('"replace"', '"pass"') : line,
    ]);
    client = await connectClient(everythingServer(), { dataDir: relayDir });
    await client.listTools();
    const session = await waitFor(
      () => gate.sessions().find((s) => s.serverId !== null),
      10_000,
      'the session',
    );
    // The tool list reaches the client before the gate has pinned it: wait for the record.
    await waitFor(() => gate.store.tools.get(session.serverId!, 'echo'), 10_000, 'echo pinned');
    gate.setReviewMode(session.serverId!, 'echo', 'all');
    const call = client.callTool({ name: 'echo', arguments: { message: 'secret plans' } });
    const p = await waitFor(() => gate.pending()[0], 10_000, 'the call to ask');
    gate.decide(p.id, 'allow');
    const held = await waitFor(() => gate.pendingResults()[0], 10_000, 'the held result');
    gate.decideResult(held.id, 'replace');
    const result = await call;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /^Withheld by Airlock: the connection to the approval service was lost/,
    );
    expect(textOf(result)).not.toContain('secret plans');
  });
});
