// The built `airlock` command end to end against real data directories: usage and exit codes,
// rules, history and its export, audit verify on an intact and a tampered record, status,
// pending and decisions against a running gate, and AIRLOCK_HOME.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryRow, PendingCall, Rule } from '../contract/types';
import { databasePath } from '../core/dataDir';
import { startGateService, type GateService } from '../gate/service';
import type { ReplayResult } from '../gate/ruleReplay';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  CLI,
  connectClient,
  everythingServer,
  filesystemServer,
  NODE,
  ROOT,
  runCli,
  startGateProcess,
  tempDir,
  waitFor,
} from '../testing/harness';

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
    [['frobnicate'], 'unknown command "frobnicate" (see airlock --help)'],
    [['history', '--bogus'], 'unknown option --bogus (see airlock history --help)'],
    [
      ['history', '--limt', '3'],
      'unknown option --limt; did you mean --limit? (see airlock history --help)',
    ],
    [
      ['history', '--limit', '-3'],
      '--limit is a whole number of rows, at least 1, not "-3" (see airlock history --help)',
    ],
    [['history', '--json=yes'], '--json takes no value (see airlock history --help)'],
    [['history', '--decision', 'maybe'], /^--decision must be one of approved, .*, not "maybe"/],
    [['history', '--since', 'yesterday-ish'], /^cannot read the time/],
    [['history', 'extra'], 'unexpected argument "extra" (see airlock history --help)'],
    [
      ['rules', 'add', '--action', 'allow'],
      'rules add needs --tool GLOB (see airlock rules --help)',
    ],
    [
      ['rules', 'add', '--tool', 'x', '--action', 'maybe'],
      '--action is allow, ask or deny, not "maybe" (see airlock rules --help)',
    ],
    [
      ['rules', 'add', '--tool', 'x', '--max-risk', 'extreme'],
      '--max-risk is low, medium, high or any, not "extreme"; critical calls always ask (see airlock rules --help)',
    ],
    [
      ['rules', 'add', '--tool', 'x', '--regex', 'path=('],
      'condition 1: The regular expression does not compile. (see airlock rules --help)',
    ],
    [
      ['rules', 'add', '--tool', 'x', '--under', 'path=relative/dir'],
      /^condition 1: A directory for "under" must be absolute/,
    ],
    [
      ['rules', 'frob'],
      'unknown rules command "frob" (list, add, edit, remove, enable, disable or test) (see airlock rules --help)',
    ],
    [['rules', 'list', 'all'], 'unexpected argument "all" (see airlock rules --help)'],
    [['rules', 'remove', '1', '2'], 'unexpected argument "2" (see airlock rules --help)'],
    [
      ['gate', '--mode', 'sometimes'],
      '--mode is ask or observe, not "sometimes" (see airlock gate --help)',
    ],
    [['gate', 'now'], 'unexpected argument "now" (see airlock gate --help)'],
    [
      ['approve'],
      'approve needs the ID of a waiting call, as `airlock pending` lists it (see airlock approve --help)',
    ],
    [['approve', '3', '4'], 'unexpected argument "4" (see airlock approve --help)'],
    [['deny', 'x3'], '"x3" is not a call ID (a whole number such as 12) (see airlock deny --help)'],
    [
      ['deny', '3', '--message', '-rf is fine'],
      '--message needs a value, not "-rf is fine" (for a value that starts with "-", write --message=VALUE) (see airlock deny --help)',
    ],
    [['pending', 'now'], 'unexpected argument "now" (see airlock pending --help)'],
    [['status', 'now'], 'unexpected argument "now" (see airlock status --help)'],
    [['audit', 'verify', 'now'], 'unexpected argument "now" (see airlock audit --help)'],
    [
      ['audit', 'check'],
      'unknown audit command "check" (it is: verify or reanchor) (see airlock audit --help)',
    ],
    [
      ['history', 'export', '--format', 'xml'],
      'history export needs --format csv or --format json (see airlock history --help)',
    ],
    [
      ['shim', '--server', 'x'],
      'shim needs the server command after its options (see airlock shim --help)',
    ],
    [['shim', '--bogus', 'x', 'cmd'], 'unknown option --bogus (see airlock shim --help)'],
    [['--bogus', 'history'], 'unknown option --bogus before the command (see airlock --help)'],
    [['help', 'frob'], 'there is no command "frob" (see airlock --help)'],
  ])(
    'airlock %j: Airlock’s words on one line, the command’s --help hint, exit 2',
    async (args, message) => {
      const dir = join(tempDir(), 'data');
      const res = await cli([...args, '--data-dir', dir]);
      expect(res.code).toBe(2);
      expect(res.stdout).toBe('');
      expect(res.stderr.trimEnd().split('\n')).toHaveLength(1);
      const text = res.stderr.replace(/^airlock: /, '').trimEnd();
      expect(res.stderr).toMatch(/^airlock: .* \(see airlock (\w+ )?--help\)\n$/);
      if (typeof message === 'string') expect(text).toBe(message);
      else expect(text).toMatch(message);
      // Never a parser's or a validation library's own text.
      expect(text).not.toMatch(
        /positional|ambiguous|as in '--|Invalid option|expected one of|Invalid input/,
      );
      // A mistyped command creates nothing.
      expect(existsSync(dir)).toBe(false);
    },
  );

  it('airlock --version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      expect(await cli([flag])).toEqual({ code: 0, stdout: `airlock ${version}\n`, stderr: '' });
    }
  });

  it.each(COMMANDS)('airlock help %s is airlock %s --help', async (command) => {
    const viaHelp = await cli(['help', command]);
    const viaFlag = await cli([command, '--help']);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect((await cli(['--help', command])).stdout).toBe(viaFlag.stdout);
  });

  it('--help wins over other mistakes on the line', async () => {
    const res = await cli(['history', '--bogus', '--limit', '--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Usage: airlock history/);
  });

  it('airlock with no command prints usage and exits 2', async () => {
    const res = await cli([]);
    expect(res.code).toBe(2);
    expect(res.stdout).toMatch(/^Usage: airlock \[--data-dir DIR\] <command>/);
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

  it('approve or deny of a call already decided says what became of it (exit 1)', async () => {
    const hhmm = '(\\d{4}-\\d\\d-\\d\\d )?\\d\\d:\\d\\d';
    const cases: [string, number, string][] = [
      ['approve', ids.approved, `call ${ids.approved} was already approved by you at ${hhmm}`],
      [
        'approve',
        ids.denied,
        `call ${ids.denied} was already denied by you at ${hhmm} \\(not now\\)`,
      ],
      [
        'deny',
        ids.ruleDenied,
        `call ${ids.ruleDenied} was already denied by rule ${denyRuleId} at ${hhmm}`,
      ],
      [
        'deny',
        ids.read,
        `call ${ids.read} was already approved automatically at ${hhmm} \\(Read-only and low risk\\.\\)`,
      ],
    ];
    for (const [verb, id, sentence] of cases) {
      const res = await cli([verb, String(id), '--data-dir', dataDir]);
      expect(res.code).toBe(1);
      expect(res.stdout).toBe('');
      expect(res.stderr).toMatch(new RegExp(`^airlock: ${sentence}\n$`));
    }
    // The record is unchanged by the attempt.
    expect(gate.store.history.get(ids.denied)).toMatchObject({
      decision: 'denied',
      message: 'not now',
    });
  });

  it('--data-dir works before the command as after it', async () => {
    const after = await json<HistoryRow[]>(['history', '--json', '--data-dir', dataDir]);
    expect(await json<HistoryRow[]>(['--data-dir', dataDir, 'history', '--json'])).toEqual(after);
    expect(await json<HistoryRow[]>([`--data-dir=${dataDir}`, 'history', '--json'])).toEqual(after);
    expect(
      await json<{ running: boolean }>(['--data-dir', dataDir, 'status', '--json']),
    ).toMatchObject({ running: true });
    expect((await cli(['--data-dir', dataDir, 'rules', 'list'])).stdout).toBe('No rules.\n');
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
      'id,time,host,server,tool,arguments,risk,reasons,decision,decided_by,rule_id,message,would_have,latency_ms,outcome_error,outcome_duration_ms,outcome_size,approved_arguments',
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
    // The flag wins over the environment: this directory holds no record.
    const other = tempDir();
    const flagWins = await cli(['history', '--json', '--data-dir', other], {
      AIRLOCK_HOME: dataDir,
    });
    expect(flagWins.code).toBe(1);
    expect(flagWins.stderr).toContain(`there is no Airlock record in ${other}:`);
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
        resultExcerptChars: 2048,
      });
      await cli(['settings', 'set', 'retention', '0', '--data-dir', dataDir]);
      expect(gate.settings().retentionDays).toBeNull();
      await cli(['settings', 'set', 'result-excerpt', '512', '--data-dir', dataDir]);
      expect(gate.settings().resultExcerptChars).toBe(512);
      const refused = await cli([
        'settings',
        'set',
        'result-excerpt',
        '99999',
        '--data-dir',
        dataDir,
      ]);
      expect(refused.code).not.toBe(0);
      expect(gate.settings().resultExcerptChars).toBe(512);
    } finally {
      await gate.close();
    }
  });

  it.each([
    [['settings', 'set', 'mode', 'yolo'], /mode is ask or observe/],
    [['settings', 'set', 'timeout', '2'], /timeout is a whole number of seconds from 5 to 3600/],
    [['settings', 'set', 'timeout', '3601'], /timeout is a whole number of seconds from 5 to 3600/],
    [['gate', '--timeout', '4'], /--timeout is a whole number of seconds from 5 to 3600, not "4"/],
    [['settings', 'set', 'retention', '-1'], /retention is a whole number of days from 0 to 3650/],
    [['settings', 'set', 'colour', 'blue'], /unknown setting "colour"/],
    [['settings', 'get', 'mode'], /unknown settings command "get" \(it is: set KEY VALUE\)/],
    [['settings', 'set', 'mode'], /settings set needs a KEY and a VALUE/],
    [['settings', 'set', 'mode', 'ask', 'now'], /unexpected argument "now"/],
  ])('%j is refused with one line and exit 2', async (args, message) => {
    const dir = join(tempDir(), 'data');
    const res = await cli([...args, '--data-dir', dir]);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).toMatch(/\(see airlock (settings|gate) --help\)\n$/);
    expect(existsSync(dir)).toBe(false);
  });

  it('airlock gate keeps the saved settings unless --mode or --timeout is given', async () => {
    const dataDir = tempDir();
    expect((await cli(['settings', 'set', 'mode', 'observe', '--data-dir', dataDir])).code).toBe(0);
    expect((await cli(['settings', 'set', 'timeout', '90', '--data-dir', dataDir])).code).toBe(0);
    const saved = await startGateProcess(dataDir);
    try {
      expect(await json(['status', '--json', '--data-dir', dataDir])).toMatchObject({
        running: true,
        mode: 'observe',
      });
    } finally {
      saved.kill('SIGTERM');
      await new Promise((r) => saved.once('exit', r));
    }
    const flagged = await startGateProcess(dataDir, ['--mode', 'ask', '--timeout', '5']);
    try {
      expect(await json(['status', '--json', '--data-dir', dataDir])).toMatchObject({
        mode: 'ask',
      });
    } finally {
      flagged.kill('SIGTERM');
      await new Promise((r) => flagged.once('exit', r));
    }
    // The flags were for that run only.
    expect(await json(['settings', '--json', '--data-dir', dataDir])).toMatchObject({
      mode: 'observe',
      timeoutSeconds: 90,
    });
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
    expect(any.stdout).toContain(
      'allow fetch on any server when path under /srv/www at any risk, always',
    );
    expect(any.stdout).toContain(
      'Lets through, without asking, calls to tool fetch on any server when path under /srv/www, at any risk below critical.',
    );
    const rules = await json<Rule[]>(['rules', 'list', '--json', '--data-dir', dataDir]);
    expect(rules.slice(-2).map((r) => r.riskCeiling)).toEqual(['medium', null]);
  });

  it('words durations as the app does, in rules add and rules list', async () => {
    const hour = await add('--tool', 'search', '--expires', '1h');
    expect(hour.stdout).toMatch(
      /^Added rule \d+ {2}ask search on any server, for 1 hour \(until \d{4}-\d\d-\d\d \d\d:\d\dZ\) {2}\[manual\]$/m,
    );
    const quarter = await add('--tool', 'grep', '--expires', '15m');
    expect(quarter.stdout).toContain('ask grep on any server, for 15 minutes (until ');
    const listed = (await cli(['rules', 'list', '--data-dir', dataDir])).stdout;
    expect(listed).toContain('ask search on any server, for 1 hour (until ');
    expect(listed).toContain('ask fetch on any server, always  [manual]');
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

describe('no record at all', () => {
  it('audit verify says there is no record and exits 1, for a missing directory and a deleted database', async () => {
    const missing = join(tempDir(), 'typo');
    const res = await cli(['audit', 'verify', '--data-dir', missing]);
    expect(res).toEqual({
      code: 1,
      stdout: '',
      stderr: `airlock: there is no Airlock record in ${missing}: no gate or desktop app has used this data directory (check --data-dir or AIRLOCK_HOME)\n`,
    });
    expect(existsSync(missing)).toBe(false);
    expect((await cli(['audit', 'verify', '--json', '--data-dir', missing])).code).toBe(1);

    const deleted = tempDir();
    expect((await cli(['settings', 'set', 'retention', '30', '--data-dir', deleted])).code).toBe(0);
    for (const suffix of ['', '-wal', '-shm'])
      rmSync(databasePath(deleted) + suffix, { force: true });
    const again = await cli(['audit', 'verify', '--data-dir', deleted]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^airlock: there is no Airlock record in /);
    expect(existsSync(databasePath(deleted))).toBe(false);
  });

  it('a record that holds no calls yet is intact and says so', async () => {
    const dataDir = tempDir();
    expect((await cli(['settings', 'set', 'paused', 'true', '--data-dir', dataDir])).code).toBe(0);
    const res = await cli(['audit', 'verify', '--data-dir', dataDir]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^The record is intact: \d+ events, no calls recorded yet; .*\.\n$/);
  });

  it.each([
    [['history'], 1],
    [['history', '--json'], 1],
    [['history', 'export', '--format', 'csv'], 1],
    [['rules', 'list'], 1],
    [['rules', 'test', '1'], 1],
    [['rules', 'remove', '1'], 1],
    [['audit', 'verify'], 1],
    [['settings'], 0],
    [['settings', '--json'], 0],
    [['status'], 3],
    [['pending'], 1],
    [['approve', '1'], 1],
  ])('airlock %j creates no data directory (exit %i)', async (args, code) => {
    const dir = join(tempDir(), 'typo');
    const res = await cli([...args, '--data-dir', dir]);
    expect(res.code).toBe(code);
    expect(existsSync(dir)).toBe(false);
  });

  it('settings without a record shows the defaults and says nothing is saved', async () => {
    const dir = join(tempDir(), 'fresh');
    const res = await cli(['settings', '--data-dir', dir]);
    expect(res.stdout).toBe(
      `mode ask\npaused false\ntimeout 45\nretention 0\nresult-excerpt 2048\n(the defaults: nothing has been saved in ${dir} yet)\n`,
    );
  });
});

describe('the shim’s server command, with or without --', () => {
  let dataDir: string;
  let gate: GateService;

  beforeAll(async () => {
    dataDir = tempDir();
    gate = await startGateService({ dataDir, mode: 'observe' });
  });
  afterAll(async () => {
    await gate?.close();
  });

  // The MCP Inspector's CLI swallows the first `--` of the line it runs.
  it.each([
    ['without --', []],
    ['with --', ['--']],
  ])(
    '%s: the server runs, its own options reach it, calls go through the gate',
    async (_, dashes) => {
      const server = everythingServer();
      const transport = new StdioClientTransport({
        command: NODE,
        args: [
          CLI,
          'shim',
          '--server',
          `everything${dashes.length}`,
          '--host',
          'inspector',
          '--data-dir',
          dataDir,
          ...dashes,
          server.command,
          // An option of the server's command line (node's), not the shim's.
          '--no-warnings',
          ...server.args,
        ],
        env: process.env as Record<string, string>,
        stderr: 'pipe',
      });
      const client = new McpClient({ name: 'inspector-like', version: '1.0.0' });
      await client.connect(transport);
      try {
        const tools = await client.listTools();
        expect(tools.tools.map((t) => t.name)).toContain('echo');
        const res = await client.callTool({ name: 'echo', arguments: { message: 'hi' } });
        expect(textOf(res)).toContain('hi');
        await waitFor(
          () =>
            gate.store.history
              .query({ server: `everything${dashes.length}` })
              .some((r) => r.tool === 'echo' && r.host === 'inspector'),
          10_000,
          'the echo call in the record',
        );
      } finally {
        await client.close();
      }
    },
  );
});

describe('what a server or an agent wrote never drives the terminal', () => {
  it('control and bidi characters in a tool name and arguments are printed as \\u escapes', async () => {
    const dataDir = tempDir();
    const gate = await startGateService({ dataDir, mode: 'ask' });
    const client = await connectClient(everythingServer(), { dataDir });
    try {
      await client.listTools();
      const hostile = 'echo\u001b[2J\u009b31m\r\u202e';
      const call = client.callTool({
        name: hostile,
        arguments: { message: 'hi\u202eevil\u001b]0;x\u0007' },
      });
      const [waiting] = await waitFor(
        async () => {
          const calls = await json<PendingCall[]>(['pending', '--json', '--data-dir', dataDir]);
          return calls.length ? calls : null;
        },
        10_000,
        'the hostile call to wait',
      );
      // JSON output keeps the data exactly, escaped.
      expect(waiting!.tool).toBe(hostile);
      const outputs = [
        await cli(['pending', '--data-dir', dataDir]),
        await cli(['pending', '--json', '--data-dir', dataDir]),
      ];
      gate.decide(waiting!.id, 'deny', 'no\u001b[8m');
      await call.catch(() => null);
      outputs.push(await cli(['history', '--data-dir', dataDir]));
      outputs.push(await cli(['history', '--json', '--data-dir', dataDir]));
      outputs.push(await cli(['approve', String(waiting!.id), '--data-dir', dataDir]));
      for (const res of outputs) {
        const all = res.stdout + res.stderr;
        expect(all).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
      }
      expect(outputs[0]!.stdout).toContain('echo\\u001b[2J\\u009b31m\\u000d\\u202e');
      expect(outputs[4]!.stderr).toContain('(no\\u001b[8m)');
    } finally {
      await client.close();
      await gate.close();
    }
  });
});
