// The shim process: spawn the real server, frame both directions, hand lines to the proxy,
// respect backpressure, and make sure no descendant outlives us.
import type { ChildProcessByStdio } from 'node:child_process';
// Hosts name servers as `npx …` or `uvx …`: on Windows those are .cmd shims that
// child_process cannot start without a shell; cross-spawn resolves and quotes them.
import spawn from 'cross-spawn';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { encodedLine } from '../mcp/bigBuffer';
import {
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_SERVER_LINE_BYTES,
  LineSplitter,
  type HandedLine,
} from '../mcp/framing';
import { serverLineText } from '../mcp/serverLine';
import { codeEnvOf, resolveCommandPath } from '../registry/codeIdentity';
import { GateLink } from './gateLink';
import { launchHasRefs, resolveLaunch, type Launch } from './keychainLaunch';
import { COLLECT_AFTER_BYTES, leanRuntime } from './memory';
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
/**
 * How long reports still queued for the gate may take to reach it before the shim exits. With
 * the gate's backlog bounded (GATE_BACKLOG_BYTES) they need milliseconds; a gate that is gone
 * ends the wait at once, a hung one when this runs out.
 */
const GATE_FLUSH_MS = 3_000;

type Child = ChildProcessByStdio<Writable, Readable, null>;

const NEWLINE = Buffer.from('\n');
/** Lines from this size on are written without a copy (below it, one write of a copy is cheaper). */
const BIG_LINE_BYTES = 64 * 1024;

export function runShim(opts: ShimOptions): void {
  const log = (line: string): void => {
    process.stderr.write(`airlock shim [${opts.server}]: ${line}\n`);
  };
  // Keychain references (airlock hosts secure) are resolved before the server starts; without
  // any, the start stays synchronous and the keychain module is never loaded.
  if (!launchHasRefs(process.env, opts.args)) {
    startShim(opts, undefined, log);
    return;
  }
  // The keychain code (and its native module) is its own chunk, loaded only here.
  const open = async () => (await import('../hosts/keychain')).openKeychain();
  void resolveLaunch(opts.command, process.env, opts.args, open).then((launch) => {
    if ('error' in launch) {
      // The host shows this line; the server never runs without its key.
      log(`not starting ${opts.command}: ${launch.error}`);
      process.exit(78);
    }
    startShim(opts, launch, log);
  });
}

/** `launch`: the env and args with keychain values in, for the child only. */
function startShim(
  opts: ShimOptions,
  launch: Launch | undefined,
  log: (line: string) => void,
): void {
  const lean = leanRuntime();
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const maxServerLineBytes = opts.maxServerLineBytes ?? DEFAULT_MAX_SERVER_LINE_BYTES;

  // With a terminal from the host, the server keeps it (see processTree.ts for the trade-off);
  // without one, it gets its own session and process group, so one signal ends all of it.
  const ownGroup = process.platform !== 'win32' && !hasControllingTerminal();
  const seen = new Map<number, string>();
  const end = (signal: 'SIGTERM' | 'SIGKILL'): void => killTree(child, signal, ownGroup, seen);

  let child: Child;
  try {
    child = spawn(opts.command, launch?.args ?? opts.args, {
      stdio: ['pipe', 'pipe', 'inherit'], // the server's stderr is ours; stdout is protocol only
      ...(launch ? { env: launch.env } : {}),
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
      // What decides the code the server runs, as the child gets it (it inherits our env). With
      // keychain references, the gate is told the references, never the values.
      commandPath: resolveCommandPath(opts.command, process.cwd(), process.env),
      codeEnv: codeEnvOf(process.env),
    },
    log,
  );
  gate.warmUp();

  // One write per message: a separate newline write would double the syscalls and wake-ups.
  // A big line is not copied to append its newline: the two writes leave corked, as one.
  const write = (stream: Writable, line: Buffer | string): boolean => {
    if (stream.destroyed || stream.writableEnded) return true;
    // A big text is encoded here rather than by the stream, which would first join the newline
    // to it (a copy) and then encode into room for three bytes a character.
    if (typeof line === 'string' && line.length >= BIG_LINE_BYTES) line = bytesOf(line);
    if (typeof line === 'string') return stream.write(line + '\n');
    if (line.length < BIG_LINE_BYTES) return stream.write(Buffer.concat([line, NEWLINE]));
    stream.cork();
    stream.write(line);
    // Once written, the line is garbage unless still held: collect it before the next one comes.
    const ok = stream.write(NEWLINE, () => lean.afterLine(line.length));
    stream.uncork();
    return ok;
  };

  /** A big text's bytes, once the copies let go before it are collected (see memory.ts). */
  const bytesOf = (text: string): Buffer => {
    lean.collectNow(text.length);
    return encodedLine(text);
  };

  /**
   * A big server line as its text alone: its bytes are let go and collected before the text is
   * parsed, and made again only to be passed on (see ShimProxy.onServerLine). A line that is not
   * UTF-8 stays bytes: the proxy drops it and logs its start.
   */
  const textOf = (line: HandedLine): string | Buffer => {
    let bytes: Buffer | null = line.take();
    const text = serverLineText(bytes);
    if (typeof text !== 'string') return bytes;
    // V8 keeps what a running function's locals hold alive, so the last reference goes by hand.
    // eslint-disable-next-line no-useless-assignment
    bytes = null;
    lean.collectNow(line.length);
    return text;
  };

  const proxy = new ShimProxy(
    {
      toServer: (line) => write(child.stdin, line),
      toHost: (line) => write(process.stdout, line),
      log,
      bytesOf,
    },
    gate,
    { maxLineBytes, maxServerLineBytes, progressIntervalMs: opts.progressIntervalMs ?? 5_000 },
  );

  gate.onDisabledChanged = () => proxy.onDisabledToolsChanged();

  // Host → server, with backpressure: stop reading the host while the server's stdin is full,
  // and while the reports for the gate pile up (observe mode forwards first and reports after).
  const hostValve = new ReadValve(process.stdin);
  const fromHost = new LineSplitter({
    maxLineBytes,
    chunksKept: true, // a stream's 'data' chunks are never reused
    afterJoin: lean.collectNow,
    onLine: (line) => {
      if (!proxy.onHostLine(line) && hostValve.hold('server')) {
        child.stdin.once('drain', () => hostValve.release('server'));
      }
      if (gate.backlogged && hostValve.hold('gate')) {
        gate.whenDrained(() => hostValve.release('gate'));
      }
      lean.afterLine(line.length);
    },
    onOversize: (info) => proxy.onHostOversize(info),
  });
  const fromServer = new LineSplitter({
    maxLineBytes: maxServerLineBytes,
    chunksKept: true,
    afterJoin: lean.collectNow,
    onHandedLine: (line) => {
      const bytes = line.length;
      const passed = proxy.onServerLine(bytes < COLLECT_AFTER_BYTES ? line.take() : textOf(line));
      if (!passed) pauseUntilDrain(child.stdout, process.stdout);
      lean.afterLine(bytes);
    },
    onOversize: (info) => proxy.onServerOversize(info),
  });

  let hostGone = false;
  const endHost = (): void => {
    if (hostGone) return;
    hostGone = true;
    fromHost.end();
    proxy.onHostEnd();
    gate.writeTrace(); // now: a host that closes may kill the shim before it exits by itself
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
    end('SIGKILL'); // grandchildren left behind by a wrapper such as npx
    // The reports still queued (observed calls, outcomes) are part of the record: let them go.
    void gate
      .closeAfterFlush(GATE_FLUSH_MS)
      .then(() => process.stdout.write('', () => process.exit(status)));
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
      gate.writeTrace();
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

/**
 * Pauses a stream while any reason holds it and resumes it when the last one is released, so
 * two independent brakes (the server's stdin, the gate's queue) never release each other.
 */
export class ReadValve {
  private readonly holds = new Set<string>();

  constructor(private readonly source: Pick<Readable, 'pause' | 'resume'>) {}

  /** True when this reason newly holds the stream (the caller arranges its release). */
  hold(reason: string): boolean {
    if (this.holds.has(reason)) return false;
    this.holds.add(reason);
    if (this.holds.size === 1) this.source.pause();
    return true;
  }

  release(reason: string): void {
    if (!this.holds.delete(reason)) return;
    if (this.holds.size === 0) this.source.resume();
  }

  get held(): boolean {
    return this.holds.size > 0;
  }
}

function pauseUntilDrain(source: Readable, sink: Writable): void {
  if (source.isPaused()) return;
  source.pause();
  sink.once('drain', () => source.resume());
}
