// The shim process: spawn the real server, frame both directions, hand lines to the proxy,
// respect backpressure, and make sure no descendant outlives us.
import type { ChildProcessByStdio } from 'node:child_process';
// Hosts name servers as `npx …` or `uvx …`: on Windows those are .cmd shims that
// child_process cannot start without a shell; cross-spawn resolves and quotes them.
import spawn from 'cross-spawn';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import {
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_SERVER_LINE_BYTES,
  LineSplitter,
} from '../mcp/framing';
import { codeEnvOf, resolveCommandPath } from '../registry/codeIdentity';
import { GateLink } from './gateLink';
import { hasControllingTerminal, killTree, rememberTree } from './processTree';
import { ShimProxy } from './proxy';

export interface ShimOptions {
  server: string;
  host: string;
  dataDir: string;
  command: string;
  args: string[];
  /** Longest host → server line. */
  maxLineBytes?: number;
  /** Longest server → host line. */
  maxServerLineBytes?: number;
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
  const maxServerLineBytes = opts.maxServerLineBytes ?? DEFAULT_MAX_SERVER_LINE_BYTES;

  // With a terminal from the host, the server keeps it (see processTree.ts for the trade-off);
  // without one, it gets its own session and process group, so one signal ends all of it.
  const ownGroup = process.platform !== 'win32' && !hasControllingTerminal();
  const seen = new Map<number, string>();
  const end = (signal: 'SIGTERM' | 'SIGKILL'): void => killTree(child, signal, ownGroup, seen);

  let child: Child;
  try {
    child = spawn(opts.command, opts.args, {
      stdio: ['pipe', 'pipe', 'inherit'], // the server's stderr is ours; stdout is protocol only
      detached: ownGroup,
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
    { maxLineBytes, maxServerLineBytes, progressIntervalMs: opts.progressIntervalMs ?? 5_000 },
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
    maxLineBytes: maxServerLineBytes,
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
    if (!ownGroup) rememberTree(child, seen); // before the server exits and its children are orphaned
    child.stdin.end();
    // Well-behaved servers exit on stdin EOF; the rest are ended, group and all.
    setTimeout(() => end('SIGTERM'), TERM_AFTER_MS).unref();
    setTimeout(() => end('SIGKILL'), TERM_AFTER_MS + KILL_AFTER_MS).unref();
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
    end('SIGKILL'); // grandchildren left behind by a wrapper such as npx
    process.stdout.write('', () => process.exit(status));
  };

  child.on('error', (err) => {
    log(`could not start ${opts.command}: ${err.message}`);
    finish(127, 'could not be started');
  });
  child.on('exit', (code, signal) => {
    const status = code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
    const description = signal ? `was stopped by ${signal}` : `exited with status ${code}`;
    void whenDrained(child, DRAIN_AFTER_EXIT_MS).then((how) => {
      if (how === 'fallback') {
        log('the server exited but a process it started still holds its output open; not waiting');
      }
      finish(status, description);
    });
  });

  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(sig, () => {
      proxy.onHostEnd();
      end('SIGTERM');
      setTimeout(() => end('SIGKILL'), KILL_AFTER_MS).unref();
    });
  }
}

/**
 * Call once the child has exited: resolves when its stdout has ended ('drained'), at once if it
 * ended before the exit (the usual order for a server that exits on stdin EOF), or after
 * `fallbackMs` if a grandchild still holds the pipe open ('fallback').
 */
export function whenDrained(
  child: { stdout: Readable },
  fallbackMs: number,
): Promise<'drained' | 'fallback'> {
  if (child.stdout.readableEnded || child.stdout.destroyed) return Promise.resolve('drained');
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('fallback'), fallbackMs);
    timer.unref();
    const ended = (): void => {
      clearTimeout(timer);
      resolve('drained');
    };
    child.stdout.once('end', ended);
    child.stdout.once('close', ended);
  });
}

function pauseUntilDrain(source: Readable, sink: Writable): void {
  if (source.isPaused()) return;
  source.pause();
  sink.once('drain', () => source.resume());
}
