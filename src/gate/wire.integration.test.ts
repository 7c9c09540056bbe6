// The socket from the gate's side: every message is checked against wire.ts, a bad one closes
// that connection only; the shim → gate messages `dropped` and `serverInfo` reach the record;
// server identity facts suspend allow rules until reviewed; a flood meets a bounded queue.
// A real gate on a real socket and SQLite file; the "shims" are authenticated test clients.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databasePath } from '../core/dataDir';
import { tempDir, waitFor } from '../testing/harness';
import { MAX_RECORDED_FLOOD_DENIALS, MAX_WAITING_PER_SERVER, MAX_WAITING_TOTAL } from './callDesk';
import { connectGate, type GateConnection } from '../link/client';
import { startGateService, type GateService } from './service';
import type { GateMessage, SessionInfo } from './wire';
import { checkGateMessage } from '../link/wireCheck';
import { controlRequest } from '../cli/control';
import { newRule } from '../store/testSupport';

interface TestShim {
  conn: GateConnection<GateMessage>;
  got: GateMessage[];
  closed: Promise<string>;
}

async function testShim(dataDir: string): Promise<TestShim> {
  const conn = await connectGate(dataDir, 'shim', 5_000, checkGateMessage);
  const got: GateMessage[] = [];
  conn.onMessage((m) => got.push(m));
  const closed = new Promise<string>((resolve) => conn.onClose(resolve));
  return { conn, got, closed };
}

/** Two folders with a server.js each: the same `node server.js` runs different code. */
let scriptDirs: [string, string];

const session = (name: string, extra: Partial<SessionInfo> = {}): object => ({
  t: 'session',
  server: name,
  host: 'test-host',
  command: '/usr/bin/node',
  args: ['server.js'],
  cwd: scriptDirs[0],
  pid: 1,
  commandPath: '/usr/bin/node',
  codeEnv: {},
  ...extra,
});

let seq = 0;
/** A tools/call line, its digest, and a fresh request number. */
function ask(tool = 'write_file', args: object = { path: '/tmp/x', content: 'x' }) {
  const line = JSON.stringify({
    jsonrpc: '2.0',
    id: ++seq,
    method: 'tools/call',
    params: { name: tool, arguments: args },
  });
  return { t: 'ask', rid: seq, line, digest: createHash('sha256').update(line).digest('hex') };
}

function decisionFor(shim: TestShim, rid: number) {
  return shim.got.find((m) => m.t === 'decision' && m.rid === rid) as
    Extract<GateMessage, { t: 'decision' }> | undefined;
}

let dataDir: string;
let gate: GateService;
const logged: string[] = [];

beforeEach(async () => {
  dataDir = tempDir();
  scriptDirs = [tempDir(), tempDir()];
  for (const dir of scriptDirs) writeFileSync(join(dir, 'server.js'), '// a server\n');
  logged.length = 0;
  gate = await startGateService({ dataDir, log: (l) => logged.push(l) });
});

afterEach(async () => {
  await gate.close();
});

describe('messages that do not fit the protocol', () => {
  it.each([
    ['an unknown type', { t: 'approve-everything' }],
    ['a request number that is a string', { ...ask(), rid: '1' }],
    ['an extra key', { ...ask(), verdict: 'allow' }],
    ['a digest that is not hex', { ...ask(), digest: 'x'.repeat(64) }],
    ['an array', [ask()]],
  ])('closes the connection on %s, and only that one', async (_what, message) => {
    const bad = await testShim(dataDir);
    const good = await testShim(dataDir);
    good.conn.channel.send(session('good'));
    bad.conn.channel.send(session('bad'));
    bad.conn.channel.send(message);
    expect(await bad.closed).toBeTruthy();
    expect(logged.some((l) => /malformed message/.test(l))).toBe(true);
    // The other shim still gets answers.
    const call = ask('read_file', { path: '/tmp/x' });
    good.conn.channel.send(call);
    await waitFor(() => decisionFor(good, call.rid) ?? gate.pending().length > 0, 5_000, 'answer');
    good.conn.channel.close('done');
  });

  it('closes a control connection that sends a malformed request', async () => {
    const conn = await connectGate(dataDir, 'control', 5_000, () => ({ t: 'any' }));
    const closed = new Promise<string>((resolve) => conn.onClose(resolve));
    conn.channel.send({ t: 'decide', req: 1, id: 1, verdict: 'allow', extra: 1 });
    expect(await closed).toBeTruthy();
    // The gate itself is fine.
    expect((await controlRequest(dataDir, { t: 'status' })).t).toBe('status');
  });
});

function events(type: string): unknown[] {
  const db = new Database(databasePath(dataDir), { readonly: true });
  try {
    return db
      .prepare<[string], string>('SELECT payload FROM events WHERE type = ? ORDER BY seq')
      .pluck()
      .all(type)
      .map((p) => JSON.parse(p) as unknown);
  } finally {
    db.close();
  }
}

describe('dropped and serverInfo', () => {
  it('records what the shim dropped against the server, the first few only', async () => {
    const shim = await testShim(dataDir);
    shim.conn.channel.send(session('noisy'));
    for (let i = 0; i < 30; i++)
      shim.conn.channel.send({ t: 'dropped', what: `an answer to id ${i} it never forwarded` });
    const serverId = await waitFor(() => gate.sessions()[0]?.serverId, 5_000, 'session');
    await waitFor(() => gate.sessions()[0]?.dropped === 30, 5_000, 'drops');
    const recorded = events('server.dropped');
    expect(recorded).toHaveLength(20);
    expect(recorded[0]).toEqual({ serverId, what: 'an answer to id 0 it never forwarded' });
    expect(gate.store.audit.verify().ok).toBe(true);
    shim.conn.channel.close('done');
  });

  it('keeps what the server reports at initialize as part of its identity', async () => {
    const shim = await testShim(dataDir);
    shim.conn.channel.send(session('fs'));
    shim.conn.channel.send({ t: 'serverInfo', name: 'secure-filesystem-server', version: '0.2.0' });
    await waitFor(() => gate.sessions()[0]?.serverInfo, 5_000, 'serverInfo');
    const [server] = gate.store.servers.list();
    expect(server?.facts?.['server reports']).toBe('secure-filesystem-server 0.2.0');
    expect(server?.identityChanges).toEqual([]);
    shim.conn.channel.close('done');
  });
});

describe('server identity', () => {
  /** A session of server `fs` with an allow rule for write_file, asking once. */
  async function callWith(extra: Partial<SessionInfo>, version = '1.0.0') {
    const shim = await testShim(dataDir);
    shim.conn.channel.send(session('fs', extra));
    shim.conn.channel.send({ t: 'serverInfo', name: 'fs-server', version });
    const call = ask();
    shim.conn.channel.send(call);
    const answer = await waitFor(
      () => decisionFor(shim, call.rid) ?? gate.pending().find((p) => p.server === 'fs'),
      5_000,
      'an answer or a prompt',
    );
    shim.conn.channel.close('done');
    await shim.closed;
    await waitFor(() => gate.sessions().length === 0, 5_000, 'session gone');
    return answer;
  }

  beforeEach(() => {
    gate.store.rules.add(newRule({ tool: 'write_file', action: 'allow' }), Date.now());
  });

  it.each([
    ['the command resolves elsewhere', { commandPath: '/tmp/evil/node' }, '1.0.0', 'command path'],
    [
      'NODE_OPTIONS appears',
      { codeEnv: { NODE_OPTIONS: '--require /tmp/x.js' } },
      '1.0.0',
      'env NODE_OPTIONS',
    ],
    ['LD_PRELOAD appears', { codeEnv: { LD_PRELOAD: '/tmp/hook.so' } }, '1.0.0', 'env LD_PRELOAD'],
    [
      'the script resolves from another folder',
      () => ({ cwd: scriptDirs[1] }),
      '1.0.0',
      'resolved args',
    ],
    ['the server reports a new release (npx -y pkg)', {}, '1.1.0', 'server reports'],
  ])('suspends allow rules when %s, until reviewed', async (_what, facts, version, fact) => {
    const extra = typeof facts === 'function' ? facts() : facts;
    const first = await callWith({});
    expect(first).toMatchObject({ t: 'decision', verdict: 'allow' });

    const changed = await callWith(extra, version);
    // Not allowed by the rule: the call waits for a person, saying why.
    expect('askReasons' in changed).toBe(true);
    const pending = changed as { id: number; askReasons: string[] };
    expect(pending.askReasons[0]).toMatch(/runs different code than you reviewed/);
    expect(pending.askReasons[0]).toContain(fact);
    const [server] = gate.store.servers.list();
    expect(server?.identityChanges.map((c) => c.fact)).toContain(fact);
    expect(events('server.identity-changed')).toHaveLength(1);

    // Reviewed: the rule applies again to the same facts.
    expect(gate.store.servers.reviewFacts(server?.id ?? 0, Date.now())).toBe(true);
    expect(await callWith(extra, version)).toMatchObject({ t: 'decision', verdict: 'allow' });
    expect(gate.store.audit.verify().ok).toBe(true);
  });
});

describe('a flood of calls', () => {
  it('holds up to the bound per server and denies the rest at once, saying why', async () => {
    const shim = await testShim(dataDir);
    shim.conn.channel.send(session('flood'));
    const calls = Array.from({ length: MAX_WAITING_PER_SERVER + 25 }, () => ask());
    for (const c of calls) shim.conn.channel.send(c);
    await waitFor(
      () => shim.got.filter((m) => m.t === 'decision').length === 25,
      10_000,
      'denials',
    );
    expect(gate.pending()).toHaveLength(MAX_WAITING_PER_SERVER);
    const denied = shim.got.filter((m) => m.t === 'decision');
    expect(denied.every((d) => d.t === 'decision' && d.verdict === 'deny')).toBe(true);
    expect(denied[0]).toMatchObject({
      text: expect.stringMatching(/too many calls from this server are waiting/) as unknown,
    });
    // The held ones are the first ones, in order; the gate still answers its CLI.
    expect(gate.pending().map((p) => p.id)).toHaveLength(MAX_WAITING_PER_SERVER);
    const status = await controlRequest(dataDir, { t: 'status' });
    expect(status).toMatchObject({ t: 'status', pending: MAX_WAITING_PER_SERVER });
    // Another server is not starved by the flood.
    const other = await testShim(dataDir);
    other.conn.channel.send(session('other'));
    const call = ask();
    other.conn.channel.send(call);
    await waitFor(() => gate.pending().length === MAX_WAITING_PER_SERVER + 1, 5_000, 'held');
    // Answering one frees a place.
    const first = gate.pending()[0];
    expect(gate.decide(first?.id ?? 0, 'deny')).toBe(true);
    const again = ask();
    shim.conn.channel.send(again);
    await waitFor(() => gate.pending().length === MAX_WAITING_PER_SERVER + 1, 5_000, 'held again');
    expect(decisionFor(shim, again.rid)).toBeUndefined();
    // The first denials are on the record one by one, the rest counted, in a batch.
    await waitFor(
      () =>
        gate.store.history.query({ decision: 'auto-denied' }).length === MAX_RECORDED_FLOOD_DENIALS,
      5_000,
      'recorded',
    );
    expect(gate.store.history.query({ decision: 'auto-denied' })[0]?.message).toMatch(
      /too many calls from this server/,
    );
    await waitFor(() => events('server.flood-denied').length > 0, 5_000, 'the count');
    expect(events('server.flood-denied')).toEqual([
      { serverId: gate.sessions()[0]?.serverId, count: 25 - MAX_RECORDED_FLOOD_DENIALS },
    ]);
  });

  it('bounds the calls waiting in all', async () => {
    const servers = Math.ceil(MAX_WAITING_TOTAL / MAX_WAITING_PER_SERVER) + 1;
    const shims: TestShim[] = [];
    for (let i = 0; i < servers; i++) {
      const s = await testShim(dataDir);
      s.conn.channel.send(session(`s${i}`));
      for (let j = 0; j < MAX_WAITING_PER_SERVER; j++) s.conn.channel.send(ask());
      shims.push(s);
    }
    await waitFor(
      () =>
        shims.flatMap((s) => s.got).filter((m) => m.t === 'decision').length >=
        MAX_WAITING_PER_SERVER,
      10_000,
      'denials',
    );
    expect(gate.pending()).toHaveLength(MAX_WAITING_TOTAL);
    const denial = shims.flatMap((s) => s.got).find((m) => m.t === 'decision');
    expect(denial).toMatchObject({
      verdict: 'deny',
      text: expect.stringMatching(/too many calls are waiting .*in all/) as unknown,
    });
  });
});
