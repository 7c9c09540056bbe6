// The write side of a line channel: how much waits for the peer, a wait for it to drain that
// also ends when the peer is gone, and a close that lets queued lines reach the peer first
// (or gives up when the peer takes nothing). Real sockets on a real Unix socket.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LineSplitter } from '../mcp/framing';
import { LineChannel } from './lineChannel';
import { madeTempDir } from '../testing/tempDirs';

let server: Server | null = null;
const peers: Socket[] = [];
afterEach(async () => {
  for (const p of peers.splice(0)) p.destroy(); // a paused peer would never see the end
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = null;
});

/** A connected pair: our channel, and the peer's raw socket (paused: it reads nothing yet). */
async function pair(): Promise<{ channel: LineChannel; peer: Socket; closed: Promise<string> }> {
  const path = join(madeTempDir('airlock-line-'), 's');
  const accepted = new Promise<Socket>((resolve) => {
    server = createServer((s) => {
      s.pause();
      peers.push(s);
      resolve(s);
    });
  });
  await new Promise<void>((r) => server!.listen(path, r));
  const socket = connect(path);
  await new Promise((r) => socket.once('connect', r));
  let reportClose: (why: string) => void = () => {};
  const closed = new Promise<string>((r) => (reportClose = r));
  const channel = new LineChannel(socket, () => {}, reportClose);
  return { channel, peer: await accepted, closed };
}

/** More than the OS buffers take, so some of it stays queued in the channel. */
const fill = (channel: LineChannel, lines: number): void => {
  for (let i = 0; i < lines; i++) channel.send({ i, pad: 'x'.repeat(16 * 1024) });
};

describe('LineChannel write side', () => {
  it('lets a line sent right before a hang-up reach the peer (a refusal is read, not lost)', async () => {
    const { channel, peer } = await pair();
    let got = '';
    peer.on('data', (c: Buffer) => (got += c.toString()));
    const ended = new Promise((r) => peer.once('close', r));
    peer.resume();
    channel.send({ t: 'refused', reason: 'wrong secret' });
    channel.close('client failed the handshake');
    await ended;
    expect(got).toBe('{"t":"refused","reason":"wrong secret"}\n');
  });

  it('hands the lines sent in one turn to the OS together, before the next turn', async () => {
    const { channel, peer } = await pair();
    for (let i = 0; i < 3; i++) channel.send({ i });
    // Held back for one write of all three (a write without it leaves at once, queue empty).
    expect(channel.queuedBytes).toBeGreaterThan(0);
    await new Promise((r) => process.nextTick(r));
    expect(channel.queuedBytes).toBe(0);
    const lines: string[] = [];
    const splitter = new LineSplitter({
      maxLineBytes: 1024,
      onLine: (l) => lines.push(l.toString()),
      onOversize: () => {},
    });
    peer.on('data', (c: Buffer) => splitter.push(c));
    peer.resume();
    await new Promise<void>((r) => {
      const look = (): void => (lines.length >= 3 ? r() : void setImmediate(look));
      look();
    });
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual([0, 1, 2]);
  });

  it('counts what waits for a peer that does not read, and says when it has drained', async () => {
    const { channel, peer } = await pair();
    fill(channel, 400);
    expect(channel.queuedBytes).toBeGreaterThan(1024 * 1024);
    const drained = new Promise<void>((r) => channel.onceDrained(r));
    let got = 0;
    const splitter = new LineSplitter({
      maxLineBytes: 1 << 20,
      onLine: () => got++,
      onOversize: () => {},
    });
    peer.on('data', (c: Buffer) => splitter.push(c));
    peer.resume();
    await drained;
    expect(channel.queuedBytes).toBe(0);
    channel.close('done');
    await new Promise((r) => peer.once('close', r));
    expect(got).toBe(400);
  });

  it('ends a drain wait when the peer goes away instead', async () => {
    const { channel, peer } = await pair();
    fill(channel, 400);
    const ended = new Promise<void>((r) => channel.onceDrained(r));
    peer.destroy();
    await ended;
    expect(channel.queuedBytes).toBe(0); // closed: nothing counts as waiting any more
  });

  it('lets every queued line reach the peer before closing', async () => {
    const { channel, peer } = await pair();
    fill(channel, 400);
    const closing = channel.closeAfterFlush('bye', 60_000);
    let got = 0;
    const splitter = new LineSplitter({
      maxLineBytes: 1 << 20,
      onLine: () => got++,
      onOversize: () => {},
    });
    peer.on('data', (c: Buffer) => splitter.push(c));
    peer.resume();
    await closing;
    await new Promise((r) => peer.once('end', r));
    expect(got).toBe(400);
    expect(channel.isClosed).toBe(true);
  });

  it('gives up on a peer that takes nothing, and says why it closed', async () => {
    const { channel, closed } = await pair();
    fill(channel, 400);
    await channel.closeAfterFlush('the shim is done', 50); // resolves: it never hangs
    expect(channel.socket.destroyed).toBe(true);
    expect(await closed).toBe('the shim is done');
  });
});
