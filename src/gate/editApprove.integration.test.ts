// Edit, then approve, end to end: the real shim, the real server-filesystem, the real SDK
// client, a real gate on a real socket and SQLite file, decided through the app's own handler.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices } from '../app/createServices';
import type { AppServices } from '../app/services';
import { secretPath, socketLocation } from '../core/dataDir';
import { makeHome } from '../hosts/testHome';
import { LineSplitter } from '../mcp/framing';
import {
  askEveryCall,
  connectClient,
  filesystemServer,
  RawShim,
  ROOT,
  tempDir,
  waitFor,
} from '../testing/harness';
import { startGateService, type GateService } from './service';

type CallResult = Awaited<ReturnType<Client['callTool']>>;
const texts = (r: CallResult): string[] =>
  (r.content as { type: string; text?: string }[]).map((c) => c.text ?? '');

let gate: GateService;
let services: AppServices;
let dataDir: string;
let project: string;
let client: Client | null = null;

beforeEach(async () => {
  const home = makeHome();
  dataDir = home.dataDir;
  project = tempDir('airlock-edit-project-');
  gate = await startGateService({ dataDir });
  askEveryCall(gate);
  services = createAppServices(gate, {
    env: home.ctx.env,
    platform: 'linux',
    shimLauncher: home.ctx.shimLauncher,
  });
});

afterEach(async () => {
  await client?.close();
  client = null;
  services.close();
  await gate.close();
});

/**
 * A raw shim to a fixture that logs every line it receives on stderr (which the shim passes on),
 * its tools pinned: for host lines an SDK client would never write.
 */
async function hostileShim(): Promise<RawShim> {
  const shim = new RawShim(dataDir, {
    name: 'hostile',
    command: process.execPath,
    args: [join(ROOT, 'src/testing/fixtures/hostile-server.mjs')],
  });
  await shim.initialize();
  shim.request('list', 'tools/list');
  await shim.next((m) => m.id === 'list');
  return shim;
}

async function heldWrite(path: string, content: string) {
  client = await connectClient(filesystemServer(project), { dataDir });
  await client.listTools(); // as hosts do: the gate pins the tools (and their schemas) first
  const result = client.callTool({ name: 'write_file', arguments: { path, content } });
  const pending = await waitFor(() => gate.pending()[0], 10_000, 'a waiting call');
  return { result, pending };
}

describe('approve with edited arguments', () => {
  it('writes the edited file, not the original, tells the agent, and records both', async () => {
    const asked = join(project, 'asked.txt');
    const edited = join(project, 'edited.txt');
    const { result, pending } = await heldWrite(asked, 'from the agent');
    const decided = await services.decide({
      ids: [pending.id],
      verdict: 'approve',
      args: { path: edited, content: 'from the person' },
    });
    expect(decided).toMatchObject({ decided: [pending.id], argsRejected: [] });
    const res = await result;
    expect(res.isError).toBeFalsy();
    expect(readFileSync(edited, 'utf8')).toBe('from the person');
    expect(existsSync(asked)).toBe(false);
    // The agent reads first that its call was edited, then the server's own result.
    const [note, ...rest] = texts(res);
    expect(note).toMatch(/^Note from Airlock: the user edited this call's arguments/);
    expect(note).toContain(JSON.stringify(edited).slice(1, -1));
    expect(rest.join('\n')).toContain('Successfully wrote');

    const row = await waitFor(() => gate.store.history.get(pending.id), 5_000, 'the record');
    expect(row).toMatchObject({
      decision: 'approved',
      decidedBy: 'user',
      arguments: { path: asked, content: 'from the agent' },
      approvedArguments: { path: edited, content: 'from the person' },
    });
    expect(gate.store.audit.verify()).toMatchObject({ ok: true });
  });

  it('refuses an edit that does not fit the schema; the call keeps waiting', async () => {
    const asked = join(project, 'still.txt');
    const { result, pending } = await heldWrite(asked, 'x');
    const refused = await services.decide({
      ids: [pending.id],
      verdict: 'approve',
      args: { path: 42, content: 'x' },
    });
    expect(refused).toEqual({
      decided: [],
      notPending: [],
      notRecorded: [],
      ruleId: null,
      argsRejected: [{ id: pending.id, error: 'arguments/path: must be string' }],
    });
    expect(gate.pending().map((p) => p.id)).toEqual([pending.id]);
    const missing = await services.decide({
      ids: [pending.id],
      verdict: 'approve',
      args: { path: asked },
    });
    expect(missing.argsRejected).toEqual([
      { id: pending.id, error: 'arguments: "content" is required' },
    ]);
    expect(gate.pending().map((p) => p.id)).toEqual([pending.id]);
    // A rule sent with a refused edit is not saved either.
    const rulesBefore = gate.store.rules.list();
    const withRule = await services.decide({
      ids: [pending.id],
      verdict: 'approve',
      args: { path: 1 },
      rule: {
        serverId: null,
        tool: 'write_file',
        conditions: [],
        action: 'allow',
        expiry: { kind: 'forever' },
        riskCeiling: 'medium',
        note: '',
        enabled: true,
      },
    });
    expect(withRule).toMatchObject({ decided: [], ruleId: null });
    expect(gate.store.rules.list()).toEqual(rulesBefore);
    await services.decide({ ids: [pending.id], verdict: 'deny' });
    expect((await result).isError).toBe(true);
    expect(existsSync(asked)).toBe(false);
  });

  it('forwards the host line with only the arguments replaced: id 1.0 and _meta kept', async () => {
    const shim = await hostileShim();
    try {
      const sent =
        '{"jsonrpc":"2.0", "id":1.0,"method":"tools/call","params":{"_meta":{"progressToken":"p-1","x":[1,2]},"name":"first","arguments":{"q":"asked"}}}';
      shim.send(sent);
      const pending = await waitFor(() => gate.pending()[0], 10_000, 'a waiting call');
      expect(gate.approveEdited(pending.id, { q: 'edited', n: 2 })).toEqual({ kind: 'decided' });
      const forwarded = sent.replace('{"q":"asked"}', '{"q":"edited","n":2}');
      await waitFor(
        () => shim.stderr.includes(`received: ${forwarded}\n`),
        10_000,
        'the edited line',
      );
      expect(shim.stderr).not.toContain('"asked"');
    } finally {
      shim.proc.stdin.end();
      await shim.exited;
    }
  });
});

/** A relay on the socket that rewrites what the gate approved (see relay.integration.test). */
async function startRelay(relayDir: string, tamper: (line: string) => string): Promise<Server> {
  mkdirSync(relayDir, { recursive: true, mode: 0o700 });
  copyFileSync(secretPath(dataDir), secretPath(relayDir));
  const { dir, path } = socketLocation(relayDir);
  if (dir) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const server = createServer((shimSide: Socket) => {
    const gateSide = connect(socketLocation(dataDir).path);
    const splitter = new LineSplitter({
      maxLineBytes: 1 << 26,
      onLine: (line) => shimSide.write(tamper(line.toString('utf8')) + '\n'),
      onOversize: () => shimSide.destroy(),
    });
    gateSide.on('data', (chunk: Buffer) => splitter.push(chunk));
    shimSide.pipe(gateSide);
    const end = (): void => {
      shimSide.destroy();
      gateSide.destroy();
    };
    for (const s of [gateSide, shimSide]) {
      s.on('close', end);
      s.on('error', end);
    }
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return server;
}

describe('arguments holding a number editing would change', () => {
  it('refuses any edit and says why; approved as sent, the number reaches the server intact', async () => {
    const shim = await hostileShim();
    try {
      const sent =
        '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"first","arguments":{"q":"asked","n":12345678901234567890}}}';
      shim.send(sent);
      const pending = await waitFor(() => gate.pending()[0], 10_000, 'a waiting call');
      expect(pending.inexactNumber).toBe('12345678901234567890');
      // Through the app as through the gate: the parsed arguments already hold the rounded number.
      const refused = await services.decide({
        ids: [pending.id],
        verdict: 'approve',
        args: { q: 'edited', n: Number('12345678901234567890') },
      });
      expect(refused.argsRejected).toEqual([
        {
          id: pending.id,
          error:
            'the arguments hold 12345678901234567890, a number editing would change: approve or deny the call as sent',
        },
      ]);
      expect(gate.pending().map((p) => p.id)).toEqual([pending.id]);
      expect(gate.decide(pending.id, 'allow')).toBe(true);
      await waitFor(() => shim.stderr.includes(`received: ${sent}\n`), 10_000, 'the line as sent');
    } finally {
      shim.proc.stdin.end();
      await shim.exited;
    }
  });
});

describe('a relay on the socket', () => {
  it('cannot redirect an edited approval to another path: denied, nothing written', async () => {
    const relayDir = tempDir();
    const approved = join(project, 'approved.txt');
    const evil = join(project, 'evil.txt');
    const relay = await startRelay(relayDir, (line) =>
      line.split(JSON.stringify(approved).slice(1, -1)).join(JSON.stringify(evil).slice(1, -1)),
    );
    try {
      client = await connectClient(filesystemServer(project), { dataDir: relayDir });
      await client.listTools();
      const result = client.callTool({
        name: 'write_file',
        arguments: { path: join(project, 'asked.txt'), content: 'x' },
      });
      const pending = await waitFor(() => gate.pending()[0], 10_000, 'a waiting call');
      expect(gate.approveEdited(pending.id, { path: approved, content: 'x' }).kind).toBe('decided');
      const res = await result;
      expect(res.isError).toBe(true);
      expect(texts(res).join('\n')).toMatch(/^Denied by Airlock/);
      for (const f of ['asked.txt', 'approved.txt', 'evil.txt'])
        expect(existsSync(join(project, f)), f).toBe(false);
    } finally {
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    }
  });
});
