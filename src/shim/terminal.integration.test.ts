// Terminal hosts: a server under the shim keeps the controlling terminal the host gave the shim
// (so ssh, git, gpg or sudo can prompt on /dev/tty as they do without Airlock), and the shim
// still ends the server and everything it started. The host here runs in a new session with a
// pseudo-terminal (src/testing/fixtures/with-terminal.py), talking to the shim over pipes.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  NODE,
  processesWithMarker,
  ROOT,
  shimCommand,
  tempDir,
  waitFor,
  type ServerCommand,
} from '../testing/harness';

const WITH_TERMINAL = join(ROOT, 'src/testing/fixtures/with-terminal.py');
const hostileServer: ServerCommand = {
  name: 'hostile',
  command: NODE,
  args: [join(ROOT, 'src/testing/fixtures/hostile-server.mjs')],
};
const python = process.platform !== 'win32' && spawnSync('python3', ['--version']).status === 0;

/** A command run as a terminal host runs it: own session, a terminal, stdio over pipes. */
class TerminalHost {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly marker = randomUUID();
  readonly messages: Record<string, unknown>[] = [];
  private buf = '';

  constructor(command: string, args: string[]) {
    this.proc = spawn('python3', [WITH_TERMINAL, command, ...args], {
      env: { ...process.env, AIRLOCK_TEST_MARKER: this.marker },
    });
    this.proc.stdout.on('data', (c: Buffer) => {
      this.buf += c.toString('utf8');
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) !== -1) {
        this.messages.push(JSON.parse(this.buf.slice(0, nl)) as Record<string, unknown>);
        this.buf = this.buf.slice(nl + 1);
      }
    });
    this.proc.stderr.resume();
  }

  async ask(id: number, method: string): Promise<Record<string, unknown>> {
    this.proc.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params: {} })}\n`);
    const reply = await waitFor(() => this.messages.find((m) => m.id === id), 10_000, method);
    return reply.result as Record<string, unknown>;
  }
}

describe.skipIf(!python)('a server under the shim, started from a terminal host', () => {
  it('can open the terminal, as it can without Airlock', async () => {
    const direct = new TerminalHost(hostileServer.command, hostileServer.args);
    const shim = shimCommand(tempDir(), hostileServer);
    const guarded = new TerminalHost(shim.command, shim.args);
    try {
      expect((await direct.ask(1, 'hostile/tty')).tty).toBe(true);
      expect((await guarded.ask(1, 'hostile/tty')).tty).toBe(true);
    } finally {
      direct.proc.stdin.end();
      guarded.proc.stdin.end();
      await waitFor(
        () => direct.proc.exitCode !== null && guarded.proc.exitCode !== null,
        10_000,
        'both hosts to end',
      );
    }
  });

  it('still ends the server and a child of it that ignores SIGTERM and SIGHUP when the host closes stdin', async () => {
    const shim = shimCommand(tempDir(), hostileServer);
    const host = new TerminalHost(shim.command, shim.args);
    const { pid } = await host.ask(1, 'hostile/spawn');
    expect(processesWithMarker(host.marker)).toContain(pid);
    host.proc.stdin.end();
    await waitFor(
      () => processesWithMarker(host.marker).length === 0,
      15_000,
      'every process under the shim to end',
    );
    await waitFor(() => host.proc.exitCode !== null, 10_000, 'the host to end');
  });
});
