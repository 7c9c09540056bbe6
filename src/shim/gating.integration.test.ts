// Gated calls through the real shim, decided in a real gate: approve, deny with a message,
// cancellation while held, progress while held, and the adversarial lines a host could send.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateService, type GateService } from '../gate/service';
import {
  connectClient,
  everythingServer,
  filesystemServer,
  RawShim,
  tempDir,
  waitFor,
  askEveryCall,
} from '../testing/harness';

describe('gating server-filesystem write_file', () => {
  let gate: GateService;
  let dataDir: string;
  let project: string;

  beforeAll(async () => {
    dataDir = tempDir();
    project = tempDir('airlock-project-');
    gate = await startGateService({ dataDir, mode: 'ask' });
  });
  afterAll(() => gate.close());

  it('writes the file once approved, and not when denied (the client reads the denial)', async () => {
    const client = await connectClient(filesystemServer(project), { dataDir });
    try {
      const approved = join(project, 'approved.txt');
      const call = client.callTool({
        name: 'write_file',
        arguments: { path: approved, content: 'yes' },
      });
      const pending = await waitFor(() => gate.pending()[0], 10_000, 'a pending call');
      expect(pending.tool).toBe('write_file');
      expect(pending.server).toBe('filesystem');
      expect(pending.arguments).toEqual({ path: approved, content: 'yes' });
      expect(existsSync(approved)).toBe(false); // held, not forwarded
      expect(gate.decide(pending.id, 'allow')).toBe(true);
      const ok = await call;
      expect(ok.isError).toBeFalsy();
      expect(readFileSync(approved, 'utf8')).toBe('yes');

      const denied = join(project, 'denied.txt');
      const call2 = client.callTool({
        name: 'write_file',
        arguments: { path: denied, content: 'no' },
      });
      const p2 = await waitFor(() => gate.pending()[0], 10_000, 'a pending call');
      gate.decide(p2.id, 'deny', 'use the drafts folder');
      const res = await call2;
      expect(res.isError).toBe(true);
      expect(res.content).toEqual([
        { type: 'text', text: 'Denied by user in Airlock: use the drafts folder' },
      ]);
      expect(existsSync(denied)).toBe(false);
    } finally {
      await client.close();
    }
  });

  it('keeps other traffic flowing while a call waits', async () => {
    const client = await connectClient(filesystemServer(project), { dataDir });
    try {
      mkdirSync(join(project, 'sub'), { recursive: true });
      const held = client.callTool({
        name: 'write_file',
        arguments: { path: join(project, 'later.txt'), content: 'x' },
      });
      const p = await waitFor(() => gate.pending()[0], 10_000, 'a pending call');
      const tools = await client.listTools(); // answered while the write waits
      expect(tools.tools.some((t) => t.name === 'read_text_file' || t.name === 'read_file')).toBe(
        true,
      );
      gate.decide(p.id, 'deny');
      expect((await held).isError).toBe(true);
    } finally {
      await client.close();
    }
  });
});

describe('the shim on the wire', () => {
  let gate: GateService;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = tempDir();
    gate = await startGateService({ dataDir, mode: 'ask', timeoutMs: 20_000 });
    // These tests are about the shim, not the policy: every call asks.
    askEveryCall(gate);
  });
  afterAll(() => gate.close());

  async function rawShim(env: Record<string, string> = {}): Promise<RawShim> {
    const shim = new RawShim(dataDir, everythingServer(), env);
    await shim.initialize();
    return shim;
  }

  const isError = (id: unknown) => (m: Record<string, unknown>) => m.id === id && 'error' in m;

  it('rejects batches, duplicate keys, invalid UTF-8 and non-JSON without forwarding them', async () => {
    const shim = await rawShim();
    try {
      const call = {
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'echo', arguments: { message: 'x' } },
      };
      shim.send(JSON.stringify([call]));
      expect((await shim.next(isError(null))).error).toMatchObject({ code: -32600 });
      shim.send(
        '{"jsonrpc":"2.0","id":8,"method":"ping","method":"tools/call","params":{"name":"echo","arguments":{"message":"x"}}}',
      );
      await shim.next(
        (m) => m.id === null && 'error' in m && (m.error as { code: number }).code === -32700,
      );
      shim.send(
        Buffer.concat([
          Buffer.from(
            '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"echo","arguments":{"message":"',
          ),
          Buffer.from([0xff, 0xfe]),
          Buffer.from('"}}}'),
        ]),
      );
      shim.send('not json at all');
      await waitFor(
        () => shim.lines.filter((l) => l.includes('"id":null')).length >= 4,
        5000,
        'four errors',
      );
      shim.request(10, 'ping');
      await shim.next((m) => m.id === 10 && 'result' in m);
      // None of them reached the gate (nor, so, the server).
      expect(gate.pending()).toHaveLength(0);
      expect(shim.lines.some((l) => l.includes('Echo: x'))).toBe(false);
    } finally {
      shim.proc.stdin.end();
      await shim.exited;
    }
  });

  it('gates an escaped "tools\\/call" and keeps a big integer id exactly as written', async () => {
    const shim = await rawShim();
    try {
      shim.send(
        '{"jsonrpc":"2.0","id":12345678901234567890123,"method":"tools\\/call","params":{"name":"echo","arguments":{"message":"big"}}}',
      );
      const p = await waitFor(() => gate.pending()[0], 10_000, 'the escaped call to be held');
      expect(p.tool).toBe('echo');
      gate.decide(p.id, 'deny', 'no');
      const reply = await shim.next((_m, raw) => raw.includes('Denied by user in Airlock: no'));
      expect(reply.raw).toContain('"id":12345678901234567890123');
      expect(reply.result).toMatchObject({ isError: true, resultType: 'complete' });
    } finally {
      shim.proc.stdin.end();
      await shim.exited;
    }
  });

  it('closes a held call on notifications/cancelled: never forwarded, never answered', async () => {
    const shim = await rawShim();
    try {
      shim.request('c1', 'tools/call', { name: 'echo', arguments: { message: 'cancel me' } });
      await waitFor(() => gate.pending().length === 1, 10_000, 'a held call');
      shim.send(
        JSON.stringify({
          jsonrpc: '2.0',
          method: 'notifications/cancelled',
          params: { requestId: 'c1', reason: 'user pressed stop' },
        }),
      );
      await waitFor(() => gate.pending().length === 0, 5_000, 'the call to leave the gate');
      shim.request('after', 'ping');
      await shim.next((m) => m.id === 'after');
      expect(shim.lines.some((l) => l.includes('"c1"'))).toBe(false);
    } finally {
      shim.proc.stdin.end();
      await shim.exited;
    }
  });

  it('sends progress on the call’s progress token while it waits', async () => {
    const shim = await rawShim({ AIRLOCK_PROGRESS_INTERVAL_MS: '100' });
    try {
      shim.request(21, 'tools/call', {
        name: 'echo',
        arguments: { message: 'slow' },
        _meta: { progressToken: 'tok-1' },
      });
      const p = await waitFor(() => gate.pending()[0], 10_000, 'a held call');
      const first = await shim.next((m) => m.method === 'notifications/progress');
      expect(first.params).toMatchObject({ progressToken: 'tok-1', progress: 1 });
      await shim.next(
        (m) =>
          m.method === 'notifications/progress' &&
          (m.params as { progress: number }).progress === 2,
      );
      gate.decide(p.id, 'allow');
      const result = await shim.next((m) => m.id === 21);
      expect(JSON.stringify(result.result)).toContain('Echo: slow');
    } finally {
      shim.proc.stdin.end();
      await shim.exited;
    }
  });

  it('answers oversized messages with an error and carries on', async () => {
    const shim = new RawShim(dataDir, everythingServer(), {}, ['--max-line', '4096']);
    try {
      await shim.initialize();
      shim.request(31, 'tools/call', { name: 'echo', arguments: { message: 'x'.repeat(10_000) } });
      const err = await shim.next(isError(null));
      expect((err.error as { message: string }).message).toMatch(/over the 4096-byte limit/);
      shim.request(32, 'ping');
      await shim.next((m) => m.id === 32 && 'result' in m);
      expect(gate.pending()).toHaveLength(0);
    } finally {
      shim.proc.stdin.end();
      await shim.exited;
    }
  });
});
