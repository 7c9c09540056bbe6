// Test support shared by the integration tests, the benchmarks and the e2e harness: real
// servers from the npm registry, the real built CLI, a real gate on a real socket.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { GateService } from '../gate/service';
import { newRule } from '../store/testSupport';
import { madeTempDir } from './tempDirs';

export const ROOT = resolve(__dirname, '../..');
/** The built CLI; a benchmark may point it at another build (AIRLOCK_BENCH_CLI) to compare. */
export const CLI = process.env.AIRLOCK_BENCH_CLI ?? join(ROOT, 'out/cli/airlock.js');
export const NODE = process.execPath;

export interface ServerCommand {
  name: string;
  command: string;
  args: string[];
}

export const everythingServer = (): ServerCommand => ({
  name: 'everything',
  command: NODE,
  args: [join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js'), 'stdio'],
});

export const filesystemServer = (...dirs: string[]): ServerCommand => ({
  name: 'filesystem',
  command: NODE,
  args: [join(ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js'), ...dirs],
});

/** A fixture server whose tools return prompt injections, ANSI escapes and leaked keys. */
export const injectingServer = (): ServerCommand => ({
  name: 'injecting',
  command: NODE,
  args: [join(ROOT, 'src/testing/fixtures/injecting-server.mjs')],
});

/** A rule that makes every call of `tool` (a glob) ask: for tests about the shim, not the policy. */
export function askEveryCall(gate: GateService, tool = '*'): void {
  gate.store.rules.add(newRule({ tool, action: 'ask' }), Date.now());
}

/** A fresh temporary directory, removed when the test file ends (see tempDirs.ts). */
export function tempDir(prefix = 'airlock-test-'): string {
  return madeTempDir(prefix);
}

/** The command line a host runs for a guarded server. */
export function shimCommand(
  dataDir: string,
  server: ServerCommand,
  host = 'test-host',
): { command: string; args: string[] } {
  return {
    command: NODE,
    args: [
      CLI,
      'shim',
      '--server',
      server.name,
      '--host',
      host,
      '--data-dir',
      dataDir,
      '--',
      server.command,
      ...server.args,
    ],
  };
}

export interface ConnectOptions {
  /** Through the shim of this data directory; omitted = direct, no Airlock. */
  dataDir?: string;
  capabilities?: ClientCapabilities;
  env?: Record<string, string>;
}

/** A real MCP client (SDK 1.x) over stdio, direct or through the shim. */
export async function connectClient(
  server: ServerCommand,
  opts: ConnectOptions = {},
): Promise<Client> {
  const target = opts.dataDir ? shimCommand(opts.dataDir, server) : server;
  const transport = new StdioClientTransport({
    command: target.command,
    args: target.args,
    env: { ...(process.env as Record<string, string>), ...opts.env },
    stderr: 'pipe',
  });
  const client = new Client(
    { name: 'airlock-test', version: '1.0.0' },
    { capabilities: opts.capabilities ?? {} },
  );
  await client.connect(transport);
  return client;
}

export async function waitFor<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The shim as a raw process: write exact bytes to its stdin, read the lines it writes.
 * A marker in the environment lets tests find every descendant it started.
 */
export class RawShim {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly marker = randomUUID();
  readonly lines: string[] = [];
  stderr = '';
  private buf = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    dataDir: string,
    server: ServerCommand,
    extraEnv: Record<string, string> = {},
    shimFlags: string[] = [],
  ) {
    const { command, args } = shimCommand(dataDir, server);
    const at = args.indexOf('--');
    const withFlags = [...args.slice(0, at), ...shimFlags, ...args.slice(at)];
    this.proc = spawn(command, withFlags, {
      env: { ...process.env, ...extraEnv, AIRLOCK_TEST_MARKER: this.marker },
    });
    this.proc.stdout.on('data', (chunk: Buffer) => {
      this.buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) !== -1) {
        this.lines.push(this.buf.slice(0, nl));
        this.buf = this.buf.slice(nl + 1);
      }
    });
    this.proc.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exited = new Promise((res) =>
      this.proc.on('exit', (code, signal) => res({ code, signal })),
    );
  }

  send(line: string | Buffer): void {
    this.proc.stdin.write(line);
    this.proc.stdin.write('\n');
  }

  request(id: number | string, method: string, params: object = {}): void {
    this.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
  }

  /** Resolves with the first written message (parsed) that matches. */
  async next(
    match: (msg: Record<string, unknown>, raw: string) => boolean,
    timeoutMs = 10_000,
  ): Promise<Record<string, unknown> & { raw: string }> {
    let seen = 0;
    return waitFor(
      () => {
        for (; seen < this.lines.length; seen++) {
          const raw = this.lines[seen]!;
          let msg: Record<string, unknown>;
          try {
            msg = JSON.parse(raw) as Record<string, unknown>;
          } catch {
            continue;
          }
          if (match(msg, raw)) return { ...msg, raw };
        }
        return undefined;
      },
      timeoutMs,
      'a message from the shim',
    );
  }

  async initialize(): Promise<void> {
    this.request('init', 'initialize', {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'raw', version: '1' },
    });
    await this.next((m) => m.id === 'init');
    this.send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
  }

  /** Live processes started under this shim (itself included), by their environment marker. */
  livePids(): number[] {
    return processesWithMarker(this.marker);
  }
}

export function processesWithMarker(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'latin1');
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      // A zombie has exited; it only waits for its parent to read its status.
      if (env.includes(`AIRLOCK_TEST_MARKER=${marker}`) && !/\) Z /.test(stat))
        found.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return found;
}

/** `airlock gate` as its own process, resolved once it says it is running. */
export async function startGateProcess(
  dataDir: string,
  extra: string[] = [],
  /** Options for Node itself (`--cpu-prof`), before the script. */
  nodeOptions: string[] = [],
): Promise<ChildProcessWithoutNullStreams> {
  const proc = spawn(NODE, [...nodeOptions, CLI, 'gate', '--data-dir', dataDir, ...extra]);
  let out = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (out += c.toString()));
  await waitFor(
    () => out.includes('Airlock gate running') || proc.exitCode !== null,
    10_000,
    'the gate to start',
  );
  if (proc.exitCode !== null) throw new Error(`gate exited: ${out}`);
  return proc;
}

/** Run the CLI to completion. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const proc = spawn(NODE, [CLI, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    proc.on('close', (code) => res({ code, stdout, stderr }));
  });
}
