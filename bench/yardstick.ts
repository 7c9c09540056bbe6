// Yardsticks for a gated call: the SDK client through bench/lineProxy.mjs (the same hop as the
// shim, with no work in it), optionally with one socket round trip per tools/call to
// bench/echoPeer.mjs (which decides nothing, and may make a durable note of each line first).
// They say what no design that asks another process before forwarding can beat on this machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { NODE, type ServerCommand } from '../src/testing/harness';

/**
 * The SDK client through bench/lineProxy.mjs. With `roundTrip` (a socket path), the proxy also
 * sends each tools/call line there (pipelined) and forwards it once the answer is back: the hop
 * and the one round trip a gated call cannot do without.
 */
export async function throughLineProxy(server: ServerCommand, roundTrip?: string): Promise<Client> {
  const transport = new StdioClientTransport({
    command: NODE,
    args: [join(__dirname, 'lineProxy.mjs'), server.command, ...server.args],
    env: {
      ...(process.env as Record<string, string>),
      ...(roundTrip ? { LINE_PROXY_ROUND_TRIP: roundTrip } : {}),
    },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'airlock-bench', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

export interface EchoPeer {
  /** The socket the proxies ask. */
  path: string;
  process: ChildProcess;
  /** The durable peer's fdatasyncs and the lines they covered, so far. */
  flushes(): Promise<{ flushes: number; lines: number }>;
  stop(): Promise<void>;
}

/**
 * bench/echoPeer.mjs in a process of its own, listening on `path`: it sends back every line.
 * With `journal` (a file on the data directory's disk), it first appends each line there and
 * fdatasyncs, one flush for every line that arrived before it started (a group commit).
 */
export async function startEchoPeer(path: string, journal?: string): Promise<EchoPeer> {
  const child = spawn(
    NODE,
    [join(__dirname, 'echoPeer.mjs'), path, ...(journal ? [journal] : [])],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`echoPeer.mjs exited (${code}) before it listened`)),
    );
    child.stdout!.once('data', () => resolve());
  });
  return {
    path,
    process: child,
    flushes: () =>
      new Promise((resolve) => {
        child.stdout!.once('data', (text: Buffer) => {
          const [flushes, lines] = text.toString().trim().split(' ').map(Number) as [
            number,
            number,
          ];
          resolve({ flushes, lines });
        });
        child.kill('SIGUSR2');
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
