// Fail closed: every fault ends in a denial or an error, within bounds, with no orphans.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startGateService } from '../gate/service';
import {
  everythingServer,
  RawShim,
  runCli,
  startGateProcess,
  tempDir,
  waitFor,
} from '../testing/harness';

const echoCall = (_id: number | string, message = 'x') => ({
  name: 'echo',
  arguments: { message },
});

async function expectNoDescendants(shim: RawShim, withinMs: number): Promise<void> {
  await waitFor(() => shim.livePids().length === 0, withinMs, 'every process of the shim to end');
}

describe('faults', () => {
  it('denies within 2 s when no gate runs, while initialize and tools/list still work', async () => {
    const shim = new RawShim(tempDir(), everythingServer());
    try {
      await shim.initialize();
      shim.request(2, 'tools/list');
      await shim.next((m) => m.id === 2 && 'result' in m);
      const asked = Date.now();
      shim.request(3, 'tools/call', echoCall(3));
      const reply = await shim.next((m) => m.id === 3);
      expect(Date.now() - asked).toBeLessThan(2_000);
      expect(reply.result).toMatchObject({ isError: true });
      expect(JSON.stringify(reply.result)).toMatch(
        /Denied by Airlock: the Airlock approval service is not running/,
      );
    } finally {
      shim.proc.stdin.end();
      await shim.exited;
    }
  });

  it('denies the held call when the gate is killed while it waits', async () => {
    const dataDir = tempDir();
    const gateProc = await startGateProcess(dataDir);
    const shim = new RawShim(dataDir, everythingServer());
    try {
      await shim.initialize();
      shim.request(5, 'tools/call', echoCall(5));
      await waitFor(
        async () =>
          (await runCli(['pending', '--json', '--data-dir', dataDir])).stdout.includes('"echo"'),
        30_000,
        'the call to wait',
      );
      gateProc.kill('SIGKILL');
      // Denied because the connection was lost, not later by the shim's own deadline (which
      // says so in other words): no clock to race on a loaded machine.
      const reply = await shim.next((m) => m.id === 5);
      expect(JSON.stringify(reply.result)).toMatch(/connection to the approval service was lost/);
    } finally {
      gateProc.kill('SIGKILL');
      shim.proc.stdin.end();
      await shim.exited;
    }
  });

  it('refuses a shim that does not hold the install secret', async () => {
    const dataDir = tempDir();
    const gate = await startGateService({ dataDir });
    writeFileSync(join(dataDir, 'secret'), 'f'.repeat(64)); // the gate keeps the real one in memory
    const shim = new RawShim(dataDir, everythingServer());
    try {
      await shim.initialize();
      shim.request(6, 'tools/call', echoCall(6));
      const reply = await shim.next((m) => m.id === 6);
      expect(JSON.stringify(reply.result)).toMatch(/not running/);
      expect(gate.pending()).toHaveLength(0);
    } finally {
      shim.proc.stdin.end();
      await shim.exited;
      await gate.close();
    }
  });

  it('denies a call whose decision cannot be recorded (the database is gone)', async () => {
    const dataDir = tempDir();
    const gate = await startGateService({ dataDir });
    const shim = new RawShim(dataDir, everythingServer());
    try {
      await shim.initialize();
      gate.store.close(); // as a full disk or a broken file would: every write now fails
      shim.request(9, 'tools/call', echoCall(9));
      const reply = await shim.next((m) => m.id === 9);
      expect(reply.result).toMatchObject({ isError: true });
      expect(JSON.stringify(reply.result)).toMatch(
        /Denied by Airlock: the decision could not be recorded/,
      );
      expect(gate.pending()).toHaveLength(0);
    } finally {
      shim.proc.stdin.end();
      await shim.exited;
      await gate.close().catch(() => {});
    }
  });

  it('ends the server and all its descendants when the host closes stdin with a call pending', async () => {
    const dataDir = tempDir();
    const gate = await startGateService({ dataDir });
    const shim = new RawShim(dataDir, everythingServer());
    try {
      await shim.initialize();
      shim.request(7, 'tools/call', echoCall(7));
      await waitFor(() => gate.pending().length === 1, 10_000, 'a held call');
      expect(shim.livePids().length).toBeGreaterThanOrEqual(2); // the shim and its server
      shim.proc.stdin.end();
      await shim.exited;
      await expectNoDescendants(shim, 5_000);
      await waitFor(() => gate.pending().length === 0, 2_000, 'the held call to leave the gate');
    } finally {
      await gate.close();
    }
  });

  it('ends a wrapper’s grandchild, and a server that ignores EOF and SIGTERM, within 5 s of EOF', async () => {
    const everything = everythingServer();
    const wrapped = {
      name: 'wrapped',
      command: 'sh',
      args: ['-c', `"${everything.command}" "${everything.args.join('" "')}"; echo done >&2`],
    };
    const stubborn = {
      name: 'stubborn',
      command: process.execPath,
      args: ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"],
    };
    for (const server of [wrapped, stubborn]) {
      const shim = new RawShim(tempDir(), server);
      await waitFor(
        () => shim.livePids().length >= (server === wrapped ? 3 : 2),
        10_000,
        'the server tree to start',
      );
      const closed = Date.now();
      shim.proc.stdin.end();
      await expectNoDescendants(shim, 5_000);
      expect(Date.now() - closed).toBeLessThan(5_000);
    }
  });

  it('answers in-flight requests with an error when the server crashes mid-call, and exits with its status', async () => {
    const dataDir = tempDir();
    const gate = await startGateService({ dataDir, mode: 'observe' });
    const shim = new RawShim(dataDir, everythingServer());
    try {
      await shim.initialize();
      shim.request(8, 'tools/call', {
        name: 'trigger-long-running-operation',
        arguments: { duration: 30, steps: 30 },
      });
      await new Promise((r) => setTimeout(r, 500)); // forwarded and running
      const server = shim.livePids().find((pid) => pid !== shim.proc.pid);
      expect(server).toBeDefined();
      process.kill(server!, 'SIGKILL');
      const reply = await shim.next((m) => m.id === 8);
      expect(reply.error).toMatchObject({ code: -32000 });
      expect((reply.error as { message: string }).message).toMatch(
        /server was stopped by SIGKILL before answering/,
      );
      expect((await shim.exited).code).toBe(137);
    } finally {
      await gate.close();
    }
  });

  it('leaves no server behind when the shim itself is killed', async () => {
    const shim = new RawShim(tempDir(), everythingServer());
    await shim.initialize();
    expect(shim.livePids().length).toBeGreaterThanOrEqual(2);
    shim.proc.kill('SIGKILL');
    await shim.exited;
    await expectNoDescendants(shim, 5_000);
  });

  it('says in one line that a server command cannot be started, and exits 127', async () => {
    const shim = new RawShim(tempDir(), {
      name: 'missing',
      command: '/nonexistent/mcp-server',
      args: [],
    });
    const { code } = await shim.exited;
    expect(code).toBe(127);
    expect(shim.stderr.trim()).toMatch(
      /^airlock shim \[missing\]: could not start \/nonexistent\/mcp-server: .*ENOENT$/,
    );
    expect(shim.lines).toEqual([]);
  });

  it('starts and exits quickly when a host only probes it, and prints nothing on stdout', async () => {
    const shim = new RawShim(tempDir(), everythingServer());
    const started = Date.now();
    shim.proc.stdin.end();
    const { code } = await shim.exited;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(shim.lines).toEqual([]);
    expect(code).not.toBeNull();
    await expectNoDescendants(shim, 5_000);
  });

  it('runs one gate per data directory, with a private socket and secret', async () => {
    const dataDir = tempDir();
    const first = await startGateProcess(dataDir);
    try {
      const second = await runCli(['gate', '--data-dir', dataDir]);
      expect(second.code).toBe(1);
      expect(second.stderr.trim()).toMatch(
        /^airlock: another Airlock gate is already running for .* \(pid \d+\)$/,
      );
      expect(statSync(join(dataDir, 'run')).mode & 0o777).toBe(0o700);
      expect(statSync(join(dataDir, 'run', 'gate.sock')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dataDir, 'secret')).mode & 0o777).toBe(0o600);
    } finally {
      first.kill('SIGTERM');
    }
  });
});
