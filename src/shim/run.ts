// The shim process: spawn the real server, frame both directions, hand lines to the proxy,
// respect backpressure, and make sure no descendant outlives us.
import { spawn as spawnPlain, type ChildProcessByStdio } from 'node:child_process';
// Hosts name servers as `npx …` or `uvx …`: on Windows those are .cmd shims that
// child_process cannot start without a shell; cross-spawn resolves and quotes them.
import spawn from 'cross-spawn';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from '../mcp/framing';
import { codeEnvOf, resolveCommandPath } from '../registry/codeIdentity';
import { GateLink } from './gateLink';
import { ShimProxy } from './proxy';

export interface ShimOptions {
  server: string;
  host: string;
  dataDir: string;
  command: string;
  args: string[];
  maxLineBytes?: number;
  progressIntervalMs?: number;
}

/** After the host closes stdin: grace before SIGTERM, then before SIGKILL. */
const TERM_AFTER_MS = 1_500;
const KILL_AFTER_MS = 1_500;
/** How long to wait for the child's last output after it exits (a grandchild may hold the pipe). */
const DRAIN_AFTER_EXIT_MS = 500;

type Child = ChildProcessByStdio<Writable, Readable, null>;

const NEWLINE = Buffer.from('\n');

export function runShim(opts: ShimOptions): void {
  const log = (line: string): void => {
    process.stderr.write(`airlock shim [${opts.server}]: ${line}\n`);
  };
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;

  let child: Child;
  try {
    child = spawn(opts.command, opts.args, {
      stdio: ['pipe', 'pipe', 'inherit'], // the server's stderr is ours; stdout is protocol only
      detached: process.platform !== 'win32', // its own process group, so we can end all of it
      windowsHide: true,
    }) as Child; // stdio pipes as asked, so stdin and stdout are there
  } catch (err) {
    log(`could not start ${opts.command}: ${(err as Error).message}`);
    process.exit(127);
  }

  const gate = new GateLink(
    opts.dataDir,
    {
      server: opts.server,
      host: opts.host,
      command: opts.command,
      args: opts.args,
      cwd: process.cwd(),
      pid: process.pid,
      // What decides the code the server runs, as the child gets it (it inherits our env).
      commandPath: resolveCommandPath(opts.command, process.cwd(), process.env),
      codeEnv: codeEnvOf(process.env),
    },
    log,
  );
  gate.warmUp();

  // One write per message: a separate newline write would double the syscalls and wake-ups.
  const write = (stream: Writable, line: Buffer | string): boolean => {
    if (stream.destroyed || stream.writableEnded) return true;
    return stream.write(typeof line === 'string' ? line + '\n' : Buffer.concat([line, NEWLINE]));
  };

  const proxy = new ShimProxy(
    {
      toServer: (line) => write(child.stdin, line),
      toHost: (line) => write(process.stdout, line),
      log,
    },
    gate,
    { maxLineBytes, progressIntervalMs: opts.progressIntervalMs ?? 5_000 },
  );

  gate.onDisabledChanged = () => proxy.onDisabledToolsChanged();

  // Host → server, with backpressure: stop reading the host while the server's stdin is full.
  const fromHost = new LineSplitter({
    maxLineBytes,
    onLine: (line) => {
      if (!proxy.onHostLine(line)) pauseUntilDrain(process.stdin, child.stdin);
    },
    onOversize: (info) => proxy.onHostOversize(info),
  });
  const fromServer = new LineSplitter({
    maxLineBytes,
    onLine: (line) => {
      if (!proxy.onServerLine(line)) pauseUntilDrain(child.stdout, process.stdout);
    },
    onOversize: (info) => proxy.onServerOversize(info),
  });

  let hostGone = false;
  const endHost = (): void => {
    if (hostGone) return;
    hostGone = true;
    fromHost.end();
    proxy.onHostEnd();
    child.stdin.end();
    // Well-behaved servers exit on stdin EOF; the rest are ended, group and all.
    setTimeout(() => killTree(child, 'SIGTERM'), TERM_AFTER_MS).unref();
    setTimeout(() => killTree(child, 'SIGKILL'), TERM_AFTER_MS + KILL_AFTER_MS).unref();
  };
  process.stdin.on('data', (chunk: Buffer) => fromHost.push(chunk));
  process.stdin.on('end', endHost);
  process.stdin.on('error', endHost);
  process.stdout.on('error', () => endHost()); // EPIPE: the host is gone
  child.stdin.on('error', () => {}); // the exit handler reports a dead server
  child.stdout.on('data', (chunk: Buffer) => fromServer.push(chunk));

  let finished = false;
  const finish = (status: number, description: string): void => {
    if (finished) return;
    finished = true;
    fromServer.end();
    proxy.onServerExit(description);
    gate.close();
    killTree(child, 'SIGKILL'); // grandchildren left behind by a wrapper such as npx
    process.stdout.write('', () => process.exit(status));
  };

  child.on('error', (err) => {
    log(`could not start ${opts.command}: ${err.message}`);
    finish(127, 'could not be started');
  });
  child.on('exit', (code, signal) => {
    const status = code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
    const description = signal ? `was stopped by ${signal}` : `exited with status ${code}`;
    let drained = false;
    const done = (): void => {
      if (drained) return;
      drained = true;
      finish(status, description);
    };
    child.stdout.once('end', done);
    setTimeout(done, DRAIN_AFTER_EXIT_MS).unref();
  });

  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(sig, () => {
      proxy.onHostEnd();
      killTree(child, 'SIGTERM');
      setTimeout(() => killTree(child, 'SIGKILL'), KILL_AFTER_MS).unref();
    });
  }
}

function pauseUntilDrain(source: Readable, sink: Writable): void {
  if (source.isPaused()) return;
  source.pause();
  sink.once('drain', () => source.resume());
}

/** Signal the server's whole process group (POSIX) or tree (Windows). */
export function killTree(child: { pid?: number | undefined }, signal: 'SIGTERM' | 'SIGKILL'): void {
  const pid = child.pid;
  if (!pid) return;
  try {
    if (process.platform === 'win32') {
      spawnPlain('taskkill', ['/pid', String(pid), '/T', '/F'], {
        stdio: 'ignore',
        windowsHide: true,
      });
    } else {
      process.kill(-pid, signal);
    }
  } catch {
    // already gone
  }
}
