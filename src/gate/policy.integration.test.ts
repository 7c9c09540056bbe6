// Issue 3 end to end: rules, risk, the tool registry and the record, through the real shim with
// a real SDK client and real servers, decided by a real gate over a real SQLite file.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import Database from 'better-sqlite3';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  ListRootsRequestSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryRow, RuleAction } from '../contract/types';
import { databasePath } from '../core/dataDir';
import { openStore } from '../store/store';
import type { NewRule } from '../store/rules';
import {
  connectClient,
  filesystemServer,
  NODE,
  ROOT,
  runCli,
  shimCommand,
  startGateProcess,
  tempDir,
  waitFor,
  type ServerCommand,
} from '../testing/harness';
import { startGateService, type GateService } from './service';
import { newRule } from '../store/testSupport';

const rugpullServer = (): ServerCommand => ({
  name: 'rugpull',
  command: NODE,
  args: [join(ROOT, 'src/testing/fixtures/rugpull-server.mjs')],
});

const rule = (tool: string, action: RuleAction, extra: Partial<NewRule> = {}): NewRule =>
  newRule({ tool, action, ...extra });

type CallResult = Awaited<ReturnType<Client['callTool']>>;

function textOf(result: CallResult): string {
  const content = result.content as { type: string; text?: string }[];
  return content.map((c) => c.text ?? '').join('\n');
}

/** A host that shares `roots` (server-filesystem then serves exactly those folders). */
async function connectWithRoots(
  dataDir: string,
  server: ServerCommand,
  roots: string[],
): Promise<Client> {
  const target = shimCommand(dataDir, server);
  const transport = new StdioClientTransport({
    command: target.command,
    args: target.args,
    env: process.env as Record<string, string>,
    stderr: 'pipe',
  });
  const client = new Client(
    { name: 'airlock-test', version: '1.0.0' },
    { capabilities: { roots: {} } },
  );
  // Registered before connecting: the server asks for the roots as soon as it is initialised.
  client.setRequestHandler(ListRootsRequestSchema, () => ({
    roots: roots.map((r) => ({ uri: pathToFileURL(r).href, name: r })),
  }));
  await client.connect(transport);
  return client;
}

async function historyViaCli(dataDir: string, ...filters: string[]): Promise<HistoryRow[]> {
  const res = await runCli(['history', '--json', '--data-dir', dataDir, ...filters]);
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  return JSON.parse(res.stdout) as HistoryRow[];
}

describe('rules, risk and the record: server-filesystem through the shim', () => {
  let gate: GateService;
  let dataDir: string;
  let project: string;
  let outside: string;
  let client: Client;
  let serverId: number;

  const row = (id: number): HistoryRow => {
    const r = gate.store.history.get(id);
    if (!r) throw new Error(`no history row ${id}`);
    return r;
  };
  const newest = (): HistoryRow => {
    const r = gate.store.history.query({ limit: 1 })[0];
    if (!r) throw new Error('no history at all');
    return r;
  };

  beforeAll(async () => {
    dataDir = tempDir();
    project = tempDir('airlock-project-');
    outside = tempDir('airlock-outside-');
    writeFileSync(join(project, 'notes.txt'), 'inside the project');
    writeFileSync(join(outside, 'elsewhere.txt'), 'outside the project');
    gate = await startGateService({ dataDir, mode: 'ask' });
    client = await connectWithRoots(dataDir, filesystemServer(project, outside), [project]);
    const session = await waitFor(
      () => gate.sessions().find((s) => s.roots.length > 0 && s.serverId !== null),
      10_000,
      'the shim to pass on the host roots',
    );
    serverId = session.serverId!;
    await client.listTools();
    await waitFor(
      () => gate.store.tools.get(serverId, 'write_file'),
      10_000,
      'the tool list in the registry',
    );
  });

  afterAll(async () => {
    await client?.close();
    await gate?.close();
  });

  it('a rule auto-approves read_text_file under the project; a read outside it asks', async () => {
    const added = gate.store.rules.add(
      rule('read_text_file', 'allow', {
        serverId,
        conditions: [{ path: 'path', op: 'under', value: project }],
      }),
      Date.now(),
    );
    try {
      const inside = await client.callTool({
        name: 'read_text_file',
        arguments: { path: join(project, 'notes.txt') },
      });
      expect(inside.isError).toBeFalsy();
      expect(textOf(inside)).toContain('inside the project');
      expect(gate.pending()).toHaveLength(0);

      const outsideCall = client.callTool({
        name: 'read_text_file',
        arguments: { path: join(outside, 'elsewhere.txt') },
      });
      const held = await waitFor(() => gate.pending()[0], 10_000, 'the outside read to be held');
      expect(held.tool).toBe('read_text_file');
      expect(held.risk.reasons.map((r) => r.code)).toContain('path.outsideRoots');
      expect(gate.decide(held.id, 'deny', 'stay in the project')).toBe(true);
      const denied = await outsideCall;
      expect(denied.isError).toBe(true);
      expect(textOf(denied)).toBe('Denied by user in Airlock: stay in the project');

      // The record, as `airlock history` shows it.
      const [outRow, inRow] = await historyViaCli(dataDir, '--tool', 'read_text_file');
      expect(inRow).toMatchObject({
        tool: 'read_text_file',
        server: 'filesystem',
        decision: 'auto-approved',
        decidedBy: 'rule',
        ruleId: added.id,
        message: `Allowed by rule ${added.id}.`,
        arguments: { path: join(project, 'notes.txt') },
      });
      expect(outRow).toMatchObject({
        id: held.id,
        decision: 'denied',
        decidedBy: 'user',
        ruleId: null,
        message: 'stay in the project',
        risk: 'medium',
      });
      expect(outRow!.reasons.some((r) => r.code === 'path.outsideRoots')).toBe(true);
      expect(existsSync(join(outside, 'elsewhere.txt'))).toBe(true);
    } finally {
      gate.store.rules.remove(added.id);
    }
  });

  it('a deny rule blocks write_file before the server sees it', async () => {
    const added = gate.store.rules.add(rule('write_file', 'deny', { serverId }), Date.now());
    try {
      const target = join(project, 'blocked.txt');
      const res = await client.callTool({
        name: 'write_file',
        arguments: { path: target, content: 'nope' },
      });
      expect(res.isError).toBe(true);
      expect(textOf(res)).toBe(`Denied by Airlock: Denied by rule ${added.id}.`);
      expect(existsSync(target)).toBe(false);
      expect(gate.pending()).toHaveLength(0);

      const [recorded] = await historyViaCli(dataDir, '--tool', 'write_file', '--limit', '1');
      expect(recorded).toMatchObject({
        tool: 'write_file',
        decision: 'auto-denied',
        decidedBy: 'rule',
        ruleId: added.id,
        message: `Denied by rule ${added.id}.`,
        risk: 'medium',
      });
      expect(recorded!.reasons.length).toBeGreaterThan(0);
    } finally {
      gate.store.rules.remove(added.id);
    }
  });

  it('critical risk asks even under an allow-everything rule (a key into ~/.ssh, a private key file)', async () => {
    const everything = gate.store.rules.add(rule('*', 'allow'), Date.now());
    try {
      // The allow-everything rule does decide ordinary calls.
      const plain = join(project, 'plain.txt');
      const ok = await client.callTool({
        name: 'write_file',
        arguments: { path: plain, content: 'fine' },
      });
      expect(ok.isError).toBeFalsy();
      expect(readFileSync(plain, 'utf8')).toBe('fine');
      expect(newest()).toMatchObject({ decision: 'auto-approved', ruleId: everything.id });

      const sshCall = client.callTool({
        name: 'write_file',
        arguments: { path: '~/.ssh/authorized_keys', content: 'ssh-ed25519 AAAA attacker' },
      });
      const ssh = await waitFor(() => gate.pending()[0], 10_000, 'the ~/.ssh write to be held');
      expect(ssh.risk.level).toBe('critical');
      expect(ssh.risk.reasons.find((r) => r.level === 'critical')?.code).toBe('path.sensitive');
      gate.decide(ssh.id, 'deny');
      expect(textOf(await sshCall)).toBe('Denied by user in Airlock');

      mkdirSync(join(project, 'keys'), { recursive: true });
      const keyFile = join(project, 'keys', 'id_ed25519');
      const keyCall = client.callTool({
        name: 'write_file',
        arguments: {
          path: keyFile,
          content:
            '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB\n-----END OPENSSH PRIVATE KEY-----\n',
        },
      });
      const key = await waitFor(() => gate.pending()[0], 10_000, 'the key write to be held');
      expect(key.risk.level).toBe('critical');
      expect(key.risk.reasons.map((r) => r.code)).toEqual(
        expect.arrayContaining(['path.sensitive', 'secret.privateKey']),
      );
      gate.decide(key.id, 'deny', 'no keys');
      expect((await keyCall).isError).toBe(true);
      expect(existsSync(keyFile)).toBe(false);

      const rows = await historyViaCli(dataDir, '--risk', 'critical');
      expect(rows.map((r) => [r.id, r.decision, r.decidedBy, r.ruleId, r.message])).toEqual([
        [key.id, 'denied', 'user', null, 'no keys'],
        [ssh.id, 'denied', 'user', null, null],
      ]);
      expect(rows.every((r) => r.reasons.some((x) => x.level === 'critical'))).toBe(true);
    } finally {
      gate.store.rules.remove(everything.id);
    }
  });

  it('a tool switched off disappears from tools/list and its calls are denied', async () => {
    let notified = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void (notified += 1));
    gate.store.tools.setEnabled(serverId, 'write_file', false);
    gate.pushDisabledTools(serverId);
    try {
      // The host is told to list again, so a cached tool list does not keep offering it.
      await waitFor(() => notified > 0, 5_000, 'a tools/list_changed notification');
      await waitFor(
        async () => !(await client.listTools()).tools.some((t) => t.name === 'write_file'),
        10_000,
        'write_file to leave the tool list',
      );
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toContain('read_text_file');

      const target = join(project, 'switched-off.txt');
      const res = await client.callTool({
        name: 'write_file',
        arguments: { path: target, content: 'x' },
      });
      expect(res.isError).toBe(true);
      expect(textOf(res)).toMatch(/switched off in Airlock/);
      expect(existsSync(target)).toBe(false);
      expect(gate.pending()).toHaveLength(0);
      expect(newest()).toMatchObject({
        tool: 'write_file',
        decision: 'auto-denied',
        decidedBy: 'policy',
        ruleId: null,
        message: 'This tool is switched off in Airlock.',
      });
    } finally {
      gate.store.tools.setEnabled(serverId, 'write_file', true);
      gate.pushDisabledTools(serverId);
    }
    await waitFor(
      async () => (await client.listTools()).tools.some((t) => t.name === 'write_file'),
      10_000,
      'write_file to come back',
    );
  });

  it('an approved write runs, and its outcome lands in the record', async () => {
    const target = join(project, 'approved.txt');
    const call = client.callTool({
      name: 'write_file',
      arguments: { path: target, content: 'ok' },
    });
    const held = await waitFor(() => gate.pending()[0], 10_000, 'the write to be held');
    expect(held.definitionChanged).toBe(false);
    expect(existsSync(target)).toBe(false);
    gate.decide(held.id, 'allow');
    expect((await call).isError).toBeFalsy();
    expect(readFileSync(target, 'utf8')).toBe('ok');
    const recorded = await waitFor(
      () => (row(held.id).outcome ? row(held.id) : null),
      10_000,
      'the outcome',
    );
    expect(recorded).toMatchObject({ decision: 'approved', decidedBy: 'user', ruleId: null });
    expect(recorded.outcome?.isError).toBe(false);
  });
});

describe('a changed tool definition suspends its allow rule (rug pull)', () => {
  let gate: GateService;
  let dataDir: string;
  let client: Client;

  beforeAll(async () => {
    dataDir = tempDir();
    gate = await startGateService({ dataDir, mode: 'ask' });
    client = await connectClient(rugpullServer(), { dataDir });
  });
  afterAll(async () => {
    await client?.close();
    await gate?.close();
  });

  it('allows by rule, asks after the change, and allows again once reviewed', async () => {
    let listChanged = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      listChanged += 1;
    });
    await client.listTools();
    const session = await waitFor(
      () => gate.sessions().find((s) => s.serverId !== null && s.tools.has('set_status')),
      10_000,
      'the rugpull tools at the gate',
    );
    const serverId = session.serverId!;
    const before = await waitFor(() => gate.store.tools.get(serverId, 'set_status'));
    const allow = gate.store.rules.add(rule('set_status', 'allow', { serverId }), Date.now());

    const first = await client.callTool({ name: 'set_status', arguments: { text: 'lunch' } });
    expect(textOf(first)).toBe('status set to lunch (v1)');
    const firstRow = gate.store.history.query({ limit: 1 })[0];
    expect(firstRow).toMatchObject({
      decision: 'auto-approved',
      decidedBy: 'rule',
      ruleId: allow.id,
      message: `Allowed by rule ${allow.id}.`,
    });

    // The client never re-lists: the shim fetches the new definition on list_changed by itself.
    const changed = await waitFor(
      () => {
        const t = gate.store.tools.get(serverId, 'set_status');
        return t && t.hash !== t.reviewedHash ? t : null;
      },
      10_000,
      'the changed definition in the registry',
    );
    expect(changed.reviewedHash).toBe(before.hash);
    expect(changed.definition.description).toMatch(/share it with every contact/);
    expect(changed.previousDefinition?.description).toBe('Set the team status message.');
    await waitFor(() => listChanged > 0, 10_000, 'list_changed to reach the host');

    const second = client.callTool({
      name: 'set_status',
      arguments: { text: 'meeting', audience: 'everyone' },
    });
    const held = await waitFor(() => gate.pending()[0], 10_000, 'the call to be held');
    expect(held.definitionChanged).toBe(true);
    expect(held.description).toMatch(/share it with every contact/);
    expect(held.risk.reasons.map((r) => r.code)).toContain('tool.changed');
    gate.decide(held.id, 'allow');
    expect(textOf(await second)).toBe('status set to meeting (v2)');

    gate.store.tools.markReviewed(serverId, 'set_status');
    const third = await client.callTool({ name: 'set_status', arguments: { text: 'back' } });
    expect(textOf(third)).toBe('status set to back (v2)');
    expect(gate.pending()).toHaveLength(0);

    const rows = await historyViaCli(dataDir, '--tool', 'set_status');
    expect(rows.map((r) => [r.decision, r.decidedBy, r.ruleId])).toEqual([
      ['auto-approved', 'rule', allow.id],
      ['approved', 'user', null],
      ['auto-approved', 'rule', allow.id],
    ]);
    expect(rows[1]!.reasons.map((r) => r.code)).toContain('tool.changed');
    expect(rows[1]!.risk).toBe('high');
  });
});

describe('observe mode', () => {
  let gate: GateService;
  let dataDir: string;
  let project: string;
  let client: Client;

  beforeAll(async () => {
    dataDir = tempDir();
    project = tempDir('airlock-project-');
    gate = await startGateService({ dataDir, mode: 'observe' });
    client = await connectClient(filesystemServer(project), { dataDir });
    await client.listTools();
  });
  afterAll(async () => {
    await client?.close();
    await gate?.close();
  });

  it('allows and records what would have been decided', async () => {
    const asked = join(project, 'observed.txt');
    const res = await client.callTool({
      name: 'write_file',
      arguments: { path: asked, content: 'o' },
    });
    expect(res.isError).toBeFalsy();
    expect(readFileSync(asked, 'utf8')).toBe('o');
    expect(gate.pending()).toHaveLength(0);
    // The shim forwards first and reports after, so the gate judges an observed call when its
    // report arrives: wait for that before the rule changes what it would have decided.
    await waitFor(
      () => gate.store.history.count({ decision: 'observed' }) === 1,
      30_000,
      'the first observed call in the record',
    );

    const denyRule = gate.store.rules.add(rule('write_file', 'deny'), Date.now());
    const denied = join(project, 'would-be-denied.txt');
    const res2 = await client.callTool({
      name: 'write_file',
      arguments: { path: denied, content: 'd' },
    });
    expect(res2.isError).toBeFalsy();
    expect(existsSync(denied)).toBe(true);

    // Observe mode records in batches just behind the calls.
    const rows = await waitFor(
      async () => {
        const found = await historyViaCli(dataDir, '--decision', 'observed');
        return found.length === 2 && found;
      },
      10_000,
      'both observed calls in the record',
    );
    expect(rows.map((r) => [r.decision, r.decidedBy, r.ruleId])).toEqual([
      ['observed', 'rule', denyRule.id],
      ['observed', 'policy', null],
    ]);
    expect(rows[0]!.message).toBe(`Denied by rule ${denyRule.id}.`);
    expect(rows[1]!.message).toMatch(/a person decides/);
    // What would have been decided is part of the record.
    expect(rows.map((r) => r.wouldHave)).toEqual(['deny', 'ask']);
  });
});

describe('the gate killed with SIGKILL', () => {
  let dataDir: string;
  let project: string;
  let gateProc: ChildProcessWithoutNullStreams | null = null;

  beforeAll(() => {
    dataDir = tempDir();
    project = tempDir('airlock-project-');
    writeFileSync(join(project, 'a.txt'), 'alpha');
  });
  afterAll(() => {
    if (gateProc && gateProc.exitCode === null && gateProc.signalCode === null)
      gateProc.kill('SIGKILL');
  });

  const killGate = async (): Promise<void> => {
    const proc = gateProc!;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
    gateProc = null;
  };

  it('loses no committed decision, and marks a call left waiting as interrupted', async () => {
    gateProc = await startGateProcess(dataDir);
    let client = await connectClient(filesystemServer(project), { dataDir });
    await client.listTools();
    const read = await client.callTool({
      name: 'read_text_file',
      arguments: { path: join(project, 'a.txt') },
    });
    expect(textOf(read)).toBe('alpha');
    await killGate(); // right after the client saw the result

    let store = openStore(databasePath(dataDir));
    try {
      const rows = store.history.query({});
      expect(rows.map((r) => [r.tool, r.decision, r.decidedBy])).toEqual([
        ['read_text_file', 'auto-approved', 'policy'],
      ]);
      expect(store.audit.verify().ok).toBe(true);
    } finally {
      store.close();
    }
    await client.close();

    // A person's approval (through `airlock approve`), then the kill.
    gateProc = await startGateProcess(dataDir);
    client = await connectClient(filesystemServer(project), { dataDir });
    await client.listTools();
    const write = client.callTool({
      name: 'write_file',
      arguments: { path: join(project, 'b.txt'), content: 'beta' },
    });
    const [pending] = await waitFor(
      async () => {
        const res = await runCli(['pending', '--json', '--data-dir', dataDir]);
        const calls = JSON.parse(res.stdout || '[]') as { id: number }[];
        return calls.length ? calls : null;
      },
      10_000,
      'a waiting call',
    );
    const approved = await runCli(['approve', String(pending!.id), '--data-dir', dataDir]);
    expect(approved).toMatchObject({ code: 0, stdout: `Approved call ${pending!.id}.\n` });
    expect((await write).isError).toBeFalsy();
    await killGate();
    store = openStore(databasePath(dataDir));
    try {
      expect(store.history.get(pending!.id)).toMatchObject({
        decision: 'approved',
        decidedBy: 'user',
        tool: 'write_file',
      });
    } finally {
      store.close();
    }
    await client.close();

    // A call still waiting when the gate dies: denied to the host, 'interrupted' on restart.
    gateProc = await startGateProcess(dataDir);
    client = await connectClient(filesystemServer(project), { dataDir });
    await client.listTools();
    const waiting = client.callTool({
      name: 'write_file',
      arguments: { path: join(project, 'c.txt'), content: 'gamma' },
    });
    const begun = await waitFor(
      () => {
        const db = new Database(databasePath(dataDir), { readonly: true });
        try {
          const ids = db.prepare('SELECT id FROM calls WHERE decision IS NULL').pluck().all();
          return ids[0] as number | undefined;
        } finally {
          db.close();
        }
      },
      10_000,
      'the waiting call in the record',
    );
    await killGate();
    const answer = await waiting;
    expect(answer.isError).toBe(true);
    expect(textOf(answer)).toMatch(/^Denied by Airlock/);
    expect(existsSync(join(project, 'c.txt'))).toBe(false);
    await client.close();

    gateProc = await startGateProcess(dataDir);
    const rows = await historyViaCli(dataDir, '--decision', 'interrupted');
    expect(rows.map((r) => [r.id, r.decidedBy, r.message])).toEqual([
      [begun, 'gate', 'Airlock stopped while the call waited'],
    ]);
    const verify = await runCli(['audit', 'verify', '--data-dir', dataDir]);
    expect(verify.code).toBe(0);
    await killGate();
  });
});
