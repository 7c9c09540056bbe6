// The built `airlock` command end to end against real data directories: usage and exit codes,
// rules, history and its export, audit verify on an intact and a tampered record, status,
// pending and decisions against a running gate, and AIRLOCK_HOME.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryRow, PendingCall, Rule } from '../contract/types';
import { databasePath } from '../core/dataDir';
import { startGateService, type GateService } from '../gate/service';
import type { ReplayResult } from '../gate/ruleReplay';
import { connectClient, filesystemServer, runCli, tempDir, waitFor } from '../testing/harness';

const COMMANDS = [
  'gate',
  'shim',
  'pending',
  'approve',
  'deny',
  'status',
  'hosts',
  'history',
  'rules',
  'audit',
  'settings',
];

type CallResult = Awaited<ReturnType<Client['callTool']>>;
const textOf = (r: CallResult): string =>
  (r.content as { text?: string }[]).map((c) => c.text ?? '').join('\n');

async function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, env);
}

async function json<T>(args: string[], env: Record<string, string> = {}): Promise<T> {
  const res = await cli(args, env);
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  return JSON.parse(res.stdout) as T;
}

describe('usage', () => {
  it.each(COMMANDS)('airlock %s --help prints its usage and exits 0', async (command) => {
    const res = await cli([command, '--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Usage:/);
    expect(res.stdout).toContain(`airlock ${command}`);
    expect(res.stderr).toBe('');
  });

  it('airlock --help lists every command', async () => {
    const res = await cli(['--help']);
    expect(res.code).toBe(0);
    for (const command of COMMANDS) expect(res.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['history', '--bogus'], /--bogus/],
    [['history', '--decision', 'maybe'], /--decision must be one of/],
    [['history', '--since', 'yesterday-ish'], /cannot read the time/],
    [['rules', 'add', '--action', 'allow'], /needs --tool/],
    [['rules', 'frob'], /unknown rules command/],
    [['gate', '--mode', 'sometimes'], /--mode must be ask or observe/],
    [['approve'], /needs one call ID/],
    [['history', 'export', '--format', 'xml'], /--format csv or --format json/],
  ])('airlock %j: one line on stderr, exit 2', async (args, message) => {
    const res = await cli([...args, '--data-dir', tempDir()]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(message);
    expect(res.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/^airlock: /);
  });

  it('airlock with no command prints usage and exits 2', async () => {
    const res = await cli([]);
    expect(res.code).toBe(2);
    expect(res.stdout).toMatch(/^Usage: airlock <command>/);
  });
});

describe('against a running gate with recorded calls', () => {
  let gate: GateService;
  let dataDir: string;
  let project: string;
  let client: Client;
  const ids = { read: 0, approved: 0, denied: 0, ruleDenied: 0, critical: 0 };
  let denyRuleId = 0;

  const pendingOne = async (): Promise<PendingCall> => {
    const [call] = await waitFor(
      async () => {
        const calls = await json<PendingCall[]>(['pending', '--json', '--data-dir', dataDir]);
        return calls.length ? calls : null;
      },
      10_000,
      'a waiting call in airlock pending',
    );
    return call!;
  };

  beforeAll(async () => {
    dataDir = tempDir();
    project = tempDir('airlock-project-');
    writeFileSync(join(project, 'notes.txt'), 'meeting notes');
    gate = await startGateService({ dataDir, mode: 'ask' });
    client = await connectClient(filesystemServer(project), { dataDir });
    await client.listTools();

    // 1. read-only and low risk: decided by policy.
    await client.callTool({
      name: 'read_text_file',
      arguments: { path: join(project, 'notes.txt') },
    });
    ids.read = gate.store.history.query({ limit: 1 })[0]!.id;

    // 2. approved with `airlock approve`.
    const a = client.callTool({
      name: 'write_file',
      arguments: { path: join(project, 'a.txt'), content: 'a' },
    });
    const pa = await pendingOne();
    expect(pa).toMatchObject({
      tool: 'write_file',
      server: 'filesystem',
      arguments: { path: join(project, 'a.txt'), content: 'a' },
    });
    expect(pa.risk.level).toBe('medium');
    expect(pa.risk.reasons.length).toBeGreaterThan(0);
    const approved = await cli(['approve', String(pa.id), '--data-dir', dataDir]);
    expect(approved).toMatchObject({ code: 0, stdout: `Approved call ${pa.id}.\n`, stderr: '' });
    expect((await a).isError).toBeFalsy();
    ids.approved = pa.id;

    // 3. denied with a message with `airlock deny`.
    const b = client.callTool({
      name: 'write_file',
      arguments: { path: join(project, 'b.txt'), content: 'b' },
    });
    const pb = await pendingOne();
    const denied = await cli([
      'deny',
      String(pb.id),
      '--message',
      'not now',
      '--data-dir',
      dataDir,
    ]);
    expect(denied).toMatchObject({ code: 0, stdout: `Denied call ${pb.id}.\n` });
    expect(textOf(await b)).toBe('Denied by user in Airlock: not now');
    ids.denied = pb.id;

    // 4. a deny rule added with `airlock rules add` decides the next write.
    const added = await cli([
      'rules',
      'add',
      '--tool',
      'write_file',
      '--action',
      'deny',
      '--server',
      'filesystem',
      '--note',
      'read-only week',
      '--data-dir',
      dataDir,
    ]);
    expect(added.code).toBe(0);
    denyRuleId = Number(/^Added rule (\d+) /.exec(added.stdout)?.[1]);
    expect(denyRuleId).toBeGreaterThan(0);
    const c = await client.callTool({
      name: 'write_file',
      arguments: { path: join(project, 'c.txt'), content: 'c' },
    });
    expect(textOf(c)).toBe(`Denied by Airlock: Denied by rule ${denyRuleId}.`);
    ids.ruleDenied = gate.store.history.query({ limit: 1 })[0]!.id;
    expect((await cli(['rules', 'remove', String(denyRuleId), '--data-dir', dataDir])).stdout).toBe(
      `Removed rule ${denyRuleId}.\n`,
    );

    // 5. critical: a write into ~/.ssh, denied.
    const d = client.callTool({
      name: 'write_file',
      arguments: { path: '~/.ssh/config', content: 'Host *' },
    });
    const pd = await pendingOne();
    expect(pd.risk.level).toBe('critical');
    gate.decide(pd.id, 'deny');
    expect((await d).isError).toBe(true);
    ids.critical = pd.id;
  });

  afterAll(async () => {
    await client?.close();
    await gate?.close();
  });

  it('status says the gate is running, also through AIRLOCK_HOME', async () => {
    const res = await cli(['status', '--data-dir', dataDir]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      new RegExp(
        `^Gate running \\(pid ${process.pid}, mode ask\\): 1 shim\\(s\\) connected, 0 call\\(s\\) waiting`,
      ),
    );
    const viaHome = await json<{ running: boolean; pid: number; sessions: number }>(
      ['status', '--json'],
      { AIRLOCK_HOME: dataDir },
    );
    expect(viaHome).toMatchObject({ running: true, pid: process.pid, sessions: 1 });
  });

  it('pending --json is an empty list when nothing waits', async () => {
    expect(await json<PendingCall[]>(['pending', '--json', '--data-dir', dataDir])).toEqual([]);
  });

  it('approve and deny of an unknown id: a clear error, exit 1', async () => {
    for (const verb of ['approve', 'deny']) {
      const res = await cli([verb, '424242', '--data-dir', dataDir]);
      expect(res.code).toBe(1);
      expect(res.stdout).toBe('');
      expect(res.stderr).toBe('airlock: no call 424242 is waiting for a decision\n');
    }
  });

  it('history shows every decision with who decided and why', async () => {
    const rows = await json<HistoryRow[]>(['history', '--json', '--data-dir', dataDir]);
    expect(rows.map((r) => [r.id, r.tool, r.decision, r.decidedBy, r.ruleId, r.message])).toEqual([
      [ids.critical, 'write_file', 'denied', 'user', null, null],
      [
        ids.ruleDenied,
        'write_file',
        'auto-denied',
        'rule',
        denyRuleId,
        `Denied by rule ${denyRuleId}.`,
      ],
      [ids.denied, 'write_file', 'denied', 'user', null, 'not now'],
      [ids.approved, 'write_file', 'approved', 'user', null, null],
      [ids.read, 'read_text_file', 'auto-approved', 'policy', null, 'Read-only and low risk.'],
    ]);
    const text = await cli(['history', '--data-dir', dataDir]);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(
      new RegExp(`^${ids.ruleDenied} .* write_file \\[medium\\] auto-denied by rule ${denyRuleId}`),
    );
    expect(lines[2]).toContain('denied by user “not now”');
  });

  it.each([
    [['--tool', 'read_text_file'], () => [ids.read]],
    [['--decision', 'denied'], () => [ids.critical, ids.denied]],
    [['--risk', 'critical'], () => [ids.critical]],
    [['--risk', 'low'], () => [ids.read]],
    [['--search', 'notes'], () => [ids.read]],
    [['--search', 'b.txt'], () => [ids.denied]],
    [['--limit', '2'], () => [ids.critical, ids.ruleDenied]],
    [['--tool', 'write_file', '--decision', 'approved'], () => [ids.approved]],
  ])('history %j filters', async (filters, expected) => {
    const rows = await json<HistoryRow[]>(['history', '--json', '--data-dir', dataDir, ...filters]);
    expect(rows.map((r) => r.id)).toEqual(expected());
  });

  it('history --since takes a date or a span', async () => {
    const denied = gate.store.history.get(ids.denied)!;
    const since = new Date(denied.at).toISOString();
    const newer = await json<HistoryRow[]>([
      'history',
      '--json',
      '--since',
      since,
      '--data-dir',
      dataDir,
    ]);
    const expected = gate.store.history
      .query({})
      .filter((r) => r.at >= denied.at)
      .map((r) => r.id);
    expect(expected).toContain(ids.denied);
    expect(newer.map((r) => r.id)).toEqual(expected);
    expect(
      await json<HistoryRow[]>(['history', '--json', '--since', '1h', '--data-dir', dataDir]),
    ).toHaveLength(5);
    const none = await cli(['history', '--since', '2999-01-01', '--data-dir', dataDir]);
    expect(none).toMatchObject({ code: 0, stdout: 'No recorded calls match.\n' });
  });

  it('history export as CSV and as JSON', async () => {
    const csv = await cli(['history', 'export', '--format', 'csv', '--data-dir', dataDir]);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trimEnd().split(/\r?\n/);
    expect(lines[0]).toBe(
      'id,time,host,server,tool,arguments,risk,reasons,decision,decided_by,rule_id,message,would_have,latency_ms,outcome_error,outcome_duration_ms,outcome_size',
    );
    expect(lines).toHaveLength(6);
    expect(lines[2]).toMatch(
      new RegExp(
        `^${ids.ruleDenied},.*,auto-denied,rule,${denyRuleId},Denied by rule ${denyRuleId}\\.,`,
      ),
    );

    const exported = await json<HistoryRow[]>([
      'history',
      'export',
      '--format',
      'json',
      '--tool',
      'write_file',
      '--data-dir',
      dataDir,
    ]);
    expect(exported.map((r) => r.id)).toEqual([
      ids.critical,
      ids.ruleDenied,
      ids.denied,
      ids.approved,
    ]);
    expect(exported[3]).toMatchObject({
      decision: 'approved',
      arguments: { path: join(project, 'a.txt'), content: 'a' },
    });
  });

  it('rules add, list, test against the record, remove', async () => {
    const added = await cli([
      'rules',
      'add',
      '--tool',
      'read_text_file',
      '--action',
      'allow',
      '--under',
      `path=${project}`,
      '--max-risk',
      'medium',
      '--data-dir',
      dataDir,
    ]);
    expect(added.code).toBe(0);
    const id = Number(/^Added rule (\d+) /.exec(added.stdout)?.[1]);
    expect(added.stdout).toContain(
      `allow read_text_file on any server when path under ${project} up to medium risk`,
    );

    const listed = await json<Rule[]>(['rules', 'list', '--json', '--data-dir', dataDir]);
    expect(listed).toEqual([
      expect.objectContaining({
        id,
        tool: 'read_text_file',
        action: 'allow',
        conditions: [{ path: 'path', op: 'under', value: project }],
        riskCeiling: 'medium',
        origin: 'manual',
      }),
    ]);

    const replay = await json<ReplayResult>([
      'rules',
      'test',
      String(id),
      '--json',
      '--data-dir',
      dataDir,
    ]);
    expect(replay.rows.map((r) => r.id)).toEqual([ids.read]);
    expect(replay.matched).toBe(1);

    const writes = await cli([
      'rules',
      'add',
      '--tool',
      'write_*',
      '--action',
      'ask',
      '--data-dir',
      dataDir,
    ]);
    const writesId = Number(/^Added rule (\d+) /.exec(writes.stdout)?.[1]);
    const writeReplay = await json<ReplayResult>([
      'rules',
      'test',
      String(writesId),
      '--json',
      '--data-dir',
      dataDir,
    ]);
    expect(writeReplay.rows.map((r) => r.id)).toEqual([
      ids.critical,
      ids.ruleDenied,
      ids.denied,
      ids.approved,
    ]);
    const shown = await cli([
      'rules',
      'test',
      String(writesId),
      '--limit',
      '1',
      '--data-dir',
      dataDir,
    ]);
    expect(shown.stdout).toMatch(/would match 4 of \d+ recorded call\(s\); the newest 1:/);

    for (const r of [id, writesId]) {
      expect(await cli(['rules', 'remove', String(r), '--data-dir', dataDir])).toMatchObject({
        code: 0,
        stdout: `Removed rule ${r}.\n`,
      });
    }
    const again = await cli(['rules', 'remove', String(id), '--data-dir', dataDir]);
    expect(again).toMatchObject({ code: 1, stderr: `airlock: there is no rule ${id}\n` });
    expect((await cli(['rules', 'test', '999', '--data-dir', dataDir])).code).toBe(1);
    expect((await cli(['rules', 'list', '--data-dir', dataDir])).stdout).toBe('No rules.\n');
  });

  it('AIRLOCK_HOME stands in for --data-dir', async () => {
    const viaFlag = await json<HistoryRow[]>(['history', '--json', '--data-dir', dataDir]);
    const viaHome = await json<HistoryRow[]>(['history', '--json'], { AIRLOCK_HOME: dataDir });
    expect(viaHome).toEqual(viaFlag);
    // The flag wins over the environment.
    const other = tempDir();
    const flagWins = await json<HistoryRow[]>(['history', '--json', '--data-dir', other], {
      AIRLOCK_HOME: dataDir,
    });
    expect(flagWins).toEqual([]);
  });
});

describe('settings', () => {
  it('are saved for the next start when no gate runs, and applied at once by a running gate', async () => {
    const dataDir = tempDir();
    const offline = await cli(['settings', 'set', 'retention', '30', '--data-dir', dataDir]);
    expect(offline.code).toBe(0);
    expect(offline.stdout).toMatch(/applies at the next start/);
    const gate = await startGateService({ dataDir });
    try {
      expect(gate.settings().retentionDays).toBe(30);
      const live = await cli(['settings', 'set', 'mode', 'observe', '--data-dir', dataDir]);
      expect(live.stdout).toMatch(/the running gate applied it/);
      expect(gate.settings().mode).toBe('observe');
      await cli(['settings', 'set', 'paused', 'true', '--data-dir', dataDir]);
      expect(await json(['settings', '--json', '--data-dir', dataDir])).toEqual({
        mode: 'observe',
        paused: true,
        timeoutSeconds: 45,
        retentionDays: 30,
      });
      await cli(['settings', 'set', 'retention', '0', '--data-dir', dataDir]);
      expect(gate.settings().retentionDays).toBeNull();
    } finally {
      await gate.close();
    }
  });

  it.each([
    [['settings', 'set', 'mode', 'yolo'], /mode is ask or observe/],
    [['settings', 'set', 'timeout', '2'], /timeout is a whole number of seconds from 5 to 3600/],
    [['settings', 'set', 'colour', 'blue'], /unknown setting "colour"/],
    [['settings', 'get', 'mode'], /airlock settings set KEY VALUE/],
  ])('%j is refused with one line and exit 2', async (args, message) => {
    const res = await cli([...args, '--data-dir', tempDir()]);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(message);
  });
});

describe('status without a gate', () => {
  it('says no gate is running and exits 3', async () => {
    const dir = tempDir();
    const res = await cli(['status', '--data-dir', dir]);
    expect(res.code).toBe(3);
    expect(res.stdout).toMatch(new RegExp(`^No gate running for ${dir}`));
    const asJson = await cli(['status', '--json'], { AIRLOCK_HOME: dir });
    expect(asJson.code).toBe(3);
    expect(JSON.parse(asJson.stdout)).toMatchObject({ running: false, dataDir: dir });
  });

  it('pending and approve fail with exit 1 when no gate runs', async () => {
    const dir = tempDir();
    for (const args of [['pending'], ['approve', '1']]) {
      const res = await cli([...args, '--data-dir', dir]);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/^airlock: the Airlock approval service is not running/);
    }
  });
});

describe('rules add is as careful as the app form', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = tempDir();
  });
  const add = (...args: string[]) => cli(['rules', 'add', ...args, '--data-dir', dataDir]);

  it('--action defaults to ask, and says so', async () => {
    const res = await add('--tool', 'fetch');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Added rule \d+ {2}ask fetch on any server/);
    expect(res.stdout).toContain(
      'Asks you about calls to tool fetch on any server with any arguments.',
    );
    const [rule] = await json<Rule[]>(['rules', 'list', '--json', '--data-dir', dataDir]);
    expect(rule).toMatchObject({ action: 'ask', riskCeiling: null });
  });

  it('an allow rule stops at medium risk unless "any" is chosen, and the line says so', async () => {
    const medium = await add('--tool', 'fetch', '--action', 'allow');
    expect(medium.code).toBe(0);
    expect(medium.stdout).toContain('allow fetch on any server up to medium risk');
    expect(medium.stdout).toContain(
      'Lets through, without asking, calls to tool fetch on any server with any arguments, up to medium risk (riskier calls still ask).',
    );
    const any = await add(
      '--tool',
      'fetch',
      '--action',
      'allow',
      '--max-risk',
      'any',
      '--under',
      'path=/srv/www',
    );
    expect(any.stdout).toContain('allow fetch on any server when path under /srv/www at any risk');
    expect(any.stdout).toContain(
      'Lets through, without asking, calls to tool fetch on any server when path under /srv/www, at any risk below critical.',
    );
    const rules = await json<Rule[]>(['rules', 'list', '--json', '--data-dir', dataDir]);
    expect(rules.slice(-2).map((r) => r.riskCeiling)).toEqual(['medium', null]);
  });

  it('an allow rule for every tool on every server needs --yes', async () => {
    const before = (await json<Rule[]>(['rules', 'list', '--json', '--data-dir', dataDir])).length;
    const refused = await add('--tool', '*', '--action', 'allow');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/every tool on every server through without asking; add --yes/);
    expect((await json<Rule[]>(['rules', 'list', '--json', '--data-dir', dataDir])).length).toBe(
      before,
    );
    const yes = await add('--tool', '*', '--action', 'allow', '--yes');
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain(
      'calls to every tool on any server with any arguments, up to medium risk',
    );
  });

  it.each([
    [['--tool', 'x', '--action', 'deny', '--max-risk', 'high'], /allow rules only/],
    [['--tool', 'x', '--action', 'allow', '--max-risk', 'critical'], /low, medium, high or any/],
    [['--tool', 'x', '--action', 'allow', '--under', 'path=~root'], /another user/],
  ])('refuses %j', async (args, message) => {
    const res = await add(...args);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
  });
});

describe('audit verify', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = tempDir();
    const project = tempDir('airlock-project-');
    writeFileSync(join(project, 'x.txt'), 'x');
    const gate = await startGateService({ dataDir, mode: 'observe' });
    const client = await connectClient(filesystemServer(project), { dataDir });
    try {
      await client.listTools();
      await client.callTool({
        name: 'read_text_file',
        arguments: { path: join(project, 'x.txt') },
      });
      await client.callTool({
        name: 'write_file',
        arguments: { path: join(project, 'y.txt'), content: 'y' },
      });
      await waitFor(
        () => gate.store.history.query({}).filter((r) => r.outcome).length === 2,
        10_000,
        'two outcomes',
      );
    } finally {
      await client.close();
      await gate.close();
    }
  });

  it('an intact record verifies (exit 0)', async () => {
    const res = await cli(['audit', 'verify', '--data-dir', dataDir]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /^The record is intact: \d+ events, 2 calls; its head matches the anchor beside it\./,
    );
    expect(
      await json<{ ok: boolean }>(['audit', 'verify', '--json', '--data-dir', dataDir]),
    ).toMatchObject({ ok: true, calls: 2 });
  });

  it('a call row edited behind the chain’s back is named (exit 4)', async () => {
    const db = new Database(databasePath(dataDir));
    const callId = db
      .prepare("SELECT id FROM calls WHERE tool = 'write_file'")
      .pluck()
      .get() as number;
    db.prepare("UPDATE calls SET decision = 'denied' WHERE id = ?").run(callId);
    db.close();
    const res = await cli(['audit', 'verify', '--json', '--data-dir', dataDir]);
    expect(res.code).toBe(4);
    expect(JSON.parse(res.stdout)).toMatchObject({ ok: false, callId });
    const db2 = new Database(databasePath(dataDir));
    db2.prepare("UPDATE calls SET decision = 'observed' WHERE id = ?").run(callId);
    db2.close();
    expect((await cli(['audit', 'verify', '--data-dir', dataDir])).code).toBe(0);
  });

  it('an event payload edited in the SQLite file is named by its row (exit 4)', async () => {
    const db = new Database(databasePath(dataDir));
    const seq = db
      .prepare("SELECT seq FROM events WHERE type LIKE 'call.%' ORDER BY seq LIMIT 1")
      .pluck()
      .get() as number;
    const payload = db
      .prepare('SELECT payload FROM events WHERE seq = ?')
      .pluck()
      .get(seq) as string;
    // The append-only trigger is a guard rail, not a defence: whoever edits the file drops it.
    expect(() => db.prepare('UPDATE events SET payload = ? WHERE seq = ?').run('{}', seq)).toThrow(
      /append-only/,
    );
    db.exec('DROP TRIGGER events_no_update');
    db.prepare('UPDATE events SET payload = ? WHERE seq = ?').run(
      JSON.stringify({ ...(JSON.parse(payload) as object), decision: 'auto-approved' }),
      seq,
    );
    expect(db.prepare('SELECT payload FROM events WHERE seq = ?').pluck().get(seq)).not.toBe(
      payload,
    );
    db.close();
    const res = await cli(['audit', 'verify', '--data-dir', dataDir]);
    expect(res.code).toBe(4);
    expect(res.stdout).toBe(
      `The record has been altered: first bad row is event ${seq}: row ${seq} was changed (its hash does not match)\n`,
    );
    const restore = new Database(databasePath(dataDir));
    restore.prepare('UPDATE events SET payload = ? WHERE seq = ?').run(payload, seq);
    restore.close();
    expect((await cli(['audit', 'verify', '--data-dir', dataDir])).code).toBe(0);
  });

  it('catches state edited in the file: a reviewed hash, an allow-all rule, a flipped mode', async () => {
    const file = databasePath(dataDir);
    const raw = (sql: string) => {
      const db = new Database(file);
      db.exec(sql);
      db.close();
    };
    raw(`UPDATE tools SET reviewed_hash = 'forged' WHERE name = 'write_file'`);
    const reviewed = await cli(['audit', 'verify', '--data-dir', dataDir]);
    expect(reviewed.code).toBe(4);
    expect(reviewed.stdout).toMatch(
      /tool write_file of server \d+: reviewedHash differs from what the chain recorded/,
    );
    raw(`UPDATE tools SET reviewed_hash = hash WHERE name = 'write_file'`);
    expect((await cli(['audit', 'verify', '--data-dir', dataDir])).code).toBe(0);

    raw(`INSERT INTO rules (server_id, tool, conditions, action, expiry, risk_ceiling, note, origin,
           enabled, created_at) VALUES (NULL, '*', '[]', 'allow', '{"kind":"forever"}', NULL, '',
           'manual', 1, 1)`);
    const inserted = await cli(['audit', 'verify', '--data-dir', dataDir]);
    expect(inserted).toMatchObject({
      code: 4,
      stdout: 'The record has been altered: rule 1 is not on the chain (added behind its back)\n',
    });
    raw('DELETE FROM rules');

    expect((await cli(['settings', 'set', 'mode', 'ask', '--data-dir', dataDir])).code).toBe(0);
    raw(`UPDATE settings SET value = '"observe"' WHERE key = 'mode'`);
    const flipped = await cli(['audit', 'verify', '--data-dir', dataDir]);
    expect(flipped.code).toBe(4);
    expect(flipped.stdout).toMatch(/setting mode: value differs from what the chain recorded/);
    raw(`UPDATE settings SET value = '"ask"' WHERE key = 'mode'`);
    expect((await cli(['audit', 'verify', '--data-dir', dataDir])).code).toBe(0);
  });

  it('catches a rewind (newest rows deleted, head moved back); reanchor accepts it', async () => {
    const added = await cli(['rules', 'add', '--tool', 'x', '--data-dir', dataDir]);
    expect(added.code).toBe(0);
    const db = new Database(databasePath(dataDir));
    db.exec('DROP TRIGGER IF EXISTS events_no_delete');
    const head = db.prepare('SELECT seq FROM chain_head').pluck().get() as number;
    const prev = db
      .prepare('SELECT hash FROM events WHERE seq = ?')
      .pluck()
      .get(head - 1);
    db.prepare('DELETE FROM events WHERE seq = ?').run(head);
    db.exec('DELETE FROM rules');
    db.prepare('UPDATE chain_head SET seq = ?, hash = ?').run(head - 1, prev);
    db.close();
    const res = await cli(['audit', 'verify', '--data-dir', dataDir]);
    expect(res).toMatchObject({
      code: 4,
      stdout: `The record has been altered: first bad row is event ${head}: the database is behind its anchor: its chain ends at row ${head - 1}, the anchor beside it records row ${head} (rows were deleted and the head moved back)\n`,
    });
    const accepted = await cli(['audit', 'reanchor', '--data-dir', dataDir]);
    expect(accepted.stdout).toMatch(
      /^The anchor now records the database’s current head \(it reported: the database is behind/,
    );
    expect((await cli(['audit', 'verify', '--data-dir', dataDir])).code).toBe(0);
  });
});
