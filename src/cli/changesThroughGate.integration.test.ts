// The CLI changes rules (and reviews servers) through the running gate, so an open app sees the
// change at once and the very next call is decided by it; with no gate it writes the record
// itself and says the same. A hostile control client's malformed changes are answered with an
// error and cut off, and change nothing. A real gate on a real socket and SQLite file, the app
// services subscribed to it, the built CLI, and a real MCP server under the real shim.
import Database from 'better-sqlite3';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices } from '../app/createServices';
import type { AppServices } from '../app/services';
import type { AppEvent, ServerView } from '../contract/ipc';
import type { Rule } from '../contract/types';
import { databasePath } from '../core/dataDir';
import { connectGate, type GateConnection } from '../link/client';
import { startGateService, type GateService } from '../gate/service';
import type { ControlResponse } from '../gate/wire';
import { checkControlResponse } from '../link/wireCheck';
import { controlRequest } from './control';
import { toolHash } from '../registry/hash';
import { openStore } from '../store/store';
import { reviewModeOf } from '../store/reviewModes';
import { connectClient, everythingServer, runCli, tempDir, waitFor } from '../testing/harness';

type CallResult = Awaited<ReturnType<Client['callTool']>>;
const textOf = (r: CallResult): string =>
  (r.content as { text?: string }[]).map((c) => c.text ?? '').join('\n');

const echo = (client: Client, message: string) =>
  client.callTool({ name: 'echo', arguments: { message } }).then(textOf);

const addedId = (stdout: string): number => Number(/^Added rule (\d+) /.exec(stdout)?.[1]);

/** The words of a command's output, with rule numbers taken out. */
const withoutIds = (stdout: string): string => stdout.replace(/rule \d+/g, 'rule N');

/** Several CLI runs in one test: on a loaded machine each takes seconds. */
const EDIT_TIMEOUT_MS = 120_000;

const ADD_DENY_ECHO = ['rules', 'add', '--tool', 'echo', '--action', 'deny', '--note', 'no echo'];

describe('with a gate running and the app open', () => {
  let dataDir: string;
  let gate: GateService;
  let services: AppServices;
  let unsubscribe: () => void;
  const events: AppEvent[] = [];
  let client: Client;
  const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir]);
  const listRules = (): Rule[] => services.listRules() as Rule[];
  const listServers = (): ServerView[] => services.listServers() as ServerView[];
  const heard = (type: AppEvent['type']): number => events.filter((e) => e.type === type).length;

  beforeAll(async () => {
    dataDir = tempDir();
    gate = await startGateService({ dataDir, log: () => {} });
    services = createAppServices(gate, { env: { HOME: tempDir() } });
    unsubscribe = services.subscribe((e) => events.push(e));
    client = await connectClient(everythingServer(), { dataDir });
    await client.listTools();
  });

  afterAll(async () => {
    unsubscribe?.();
    services?.close();
    await client?.close();
    await gate?.close();
  });

  it('rules add: the app hears of it at once, and it decides the very next call', async () => {
    // The gate has decided with its rules (and cached them) before the rule comes.
    expect(await echo(client, 'before')).toBe('Echo: before');
    const before = heard('rules-changed');

    const added = await cli(...ADD_DENY_ECHO);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const id = addedId(added.stdout);
    expect(added.stdout).toBe(
      `Added rule ${id}  deny echo on any server, always  [manual] — no echo\nDenies calls to tool echo on any server with any arguments.\n`,
    );
    // The gate announces a change before it answers: by the time the command has ended, the app
    // has heard of it (no wait), and its list has the rule.
    expect(heard('rules-changed')).toBe(before + 1);
    expect(listRules()).toContainEqual(
      expect.objectContaining({ id, tool: 'echo', action: 'deny', origin: 'manual' }),
    );
    expect(await echo(client, 'after')).toBe(`Denied by Airlock: Denied by rule ${id}.`);
  });

  it('rules disable, enable and remove: each heard by the app, each in force for the next call', async () => {
    const id = addedId((await cli(...ADD_DENY_ECHO)).stdout);
    const rule = (): Rule | undefined => listRules().find((r) => r.id === id);
    let count = heard('rules-changed');

    const disabled = await cli('rules', 'disable', String(id));
    expect(disabled.stdout).toBe(
      `Disabled rule ${id}  deny echo on any server, always (disabled)  [manual] — no echo\n`,
    );
    expect(heard('rules-changed')).toBe(count + 1);
    expect(rule()?.enabled).toBe(false);
    // The first rule still denies: take it away to see this one's effect alone.
    for (const r of listRules().filter((r) => r.id !== id))
      expect((await cli('rules', 'remove', String(r.id))).code).toBe(0);
    count = heard('rules-changed');
    expect(await echo(client, 'while disabled')).toBe('Echo: while disabled');

    const enabled = await cli('rules', 'enable', String(id));
    expect(enabled.stdout).toMatch(new RegExp(`^Enabled rule ${id}  deny echo`));
    expect(heard('rules-changed')).toBe(++count);
    expect(rule()?.enabled).toBe(true);
    expect(await echo(client, 'enabled again')).toBe(`Denied by Airlock: Denied by rule ${id}.`);

    const removed = await cli('rules', 'remove', String(id));
    expect(removed).toMatchObject({ code: 0, stdout: `Removed rule ${id}.\n`, stderr: '' });
    expect(heard('rules-changed')).toBe(++count);
    expect(rule()).toBeUndefined();
    expect(await echo(client, 'removed')).toBe('Echo: removed');

    const again = await cli('rules', 'remove', String(id));
    expect(again).toMatchObject({ code: 1, stderr: `airlock: there is no rule ${id}\n` });
    expect(heard('rules-changed')).toBe(count);
  });

  it('an allow rule for everything still needs --yes, and gets the default ceiling', async () => {
    const count = heard('rules-changed');
    const refused = await cli('rules', 'add', '--tool', '*', '--action', 'allow');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/every tool on every server.*--yes/);
    expect(heard('rules-changed')).toBe(count);

    const yes = await cli('rules', 'add', '--tool', '*', '--action', 'allow', '--yes');
    expect(yes.code).toBe(0);
    const id = addedId(yes.stdout);
    expect(listRules().find((r) => r.id === id)).toMatchObject({
      riskCeiling: 'medium',
      enabled: true,
    });
    expect(heard('rules-changed')).toBe(count + 1);
    expect((await cli('rules', 'remove', String(id))).code).toBe(0);
  });

  it(
    'rules edit: keeps the id, the app hears of it, and it decides the very next call',
    async () => {
      const id = addedId((await cli(...ADD_DENY_ECHO)).stdout);
      // Only this rule decides echo here.
      for (const r of listRules().filter((r) => r.id !== id))
        expect((await cli('rules', 'remove', String(r.id))).code).toBe(0);
      expect(await echo(client, 'denied')).toBe(`Denied by Airlock: Denied by rule ${id}.`);
      const count = heard('rules-changed');

      const edited = await cli(
        'rules',
        'edit',
        String(id),
        '--action',
        'allow',
        '--equals',
        'message="ok"',
      );
      expect(edited).toMatchObject({
        code: 0,
        stderr: '',
        stdout: `Edited rule ${id}  allow echo on any server when message = "ok" up to medium risk, always  [manual] — no echo\nLets through, without asking, calls to tool echo on any server when message = "ok", up to medium risk (riskier calls still ask).\n`,
      });
      expect(heard('rules-changed')).toBe(count + 1);
      expect(listRules().filter((r) => r.tool === 'echo')).toEqual([
        expect.objectContaining({ id, action: 'allow', riskCeiling: 'medium', note: 'no echo' }),
      ]);
      expect(await echo(client, 'ok')).toBe('Echo: ok');

      // The action stays what it was unless given; a note alone changes only the note.
      const noted = await cli('rules', 'edit', String(id), '--note', 'echo ok only');
      expect(noted.stdout).toMatch(
        new RegExp(`^Edited rule ${id}  allow echo .* — echo ok only\n`),
      );
      expect(listRules().find((r) => r.id === id)).toMatchObject({
        action: 'allow',
        conditions: [{ path: 'message', op: 'equals', value: 'ok' }],
      });
      expect(heard('rules-changed')).toBe(count + 2);

      const back = await cli('rules', 'edit', String(id), '--action', 'deny', '--clear-conditions');
      expect(back.code).toBe(0);
      expect(listRules().find((r) => r.id === id)).toMatchObject({
        action: 'deny',
        conditions: [],
        riskCeiling: null,
      });
      expect(await echo(client, 'denied again')).toBe(`Denied by Airlock: Denied by rule ${id}.`);
      expect((await cli('rules', 'remove', String(id))).code).toBe(0);
    },
    EDIT_TIMEOUT_MS,
  );

  it(
    'rules edit refused: a bad id, a rule that would allow everything, a relative directory; nothing changes',
    async () => {
      const id = addedId((await cli('rules', 'add', '--tool', 'echo', '--action', 'ask')).stdout);
      const rules = listRules();
      const count = heard('rules-changed');

      const none = await cli('rules', 'edit', '9999', '--note', 'x');
      expect(none).toMatchObject({ code: 1, stderr: 'airlock: there is no rule 9999\n' });
      const everything = await cli('rules', 'edit', String(id), '--tool', '*', '--action', 'allow');
      expect(everything.code).toBe(2);
      expect(everything.stderr).toMatch(/every tool on every server.*--yes/);
      const relative = await cli('rules', 'edit', String(id), '--under', 'path=relative/dir');
      expect(relative.code).toBe(2);
      expect(relative.stderr).toMatch(/^airlock: condition 1: .*must be absolute/);
      const ceiling = await cli('rules', 'edit', String(id), '--max-risk', 'high');
      expect(ceiling.code).toBe(2);
      expect(ceiling.stderr).toMatch(/--max-risk applies to allow rules only/);
      const nothing = await cli('rules', 'edit', String(id));
      expect(nothing.code).toBe(2);
      expect(nothing.stderr).toMatch(/needs something to change/);

      expect(listRules()).toEqual(rules);
      expect(heard('rules-changed')).toBe(count);

      const yes = await cli(
        'rules',
        'edit',
        String(id),
        '--tool',
        '*',
        '--action',
        'allow',
        '--yes',
      );
      expect(yes.code).toBe(0);
      expect(listRules().find((r) => r.id === id)).toMatchObject({ tool: '*', action: 'allow' });
      expect((await cli('rules', 'remove', String(id))).code).toBe(0);
    },
    EDIT_TIMEOUT_MS,
  );

  it(
    'rules edit through a gate that refuses the patch: its reason, and nothing changes',
    async () => {
      const id = addedId((await cli(...ADD_DENY_ECHO)).stdout);
      const rules = listRules();
      // What the CLI would not send itself: a patch the gate checks on its own.
      const refused = await controlRequest(dataDir, {
        t: 'updateRule',
        id,
        patch: { action: 'allow', tool: '*' },
      });
      expect(refused).toMatchObject({ t: 'error', message: expect.stringMatching(/--yes/) });
      const relative = await controlRequest(dataDir, {
        t: 'updateRule',
        id,
        patch: { conditions: [{ path: 'message', op: 'under', value: 'relative' }] },
      });
      expect(relative).toMatchObject({ t: 'error', message: expect.stringMatching(/absolute/) });
      expect(listRules()).toEqual(rules);
      expect((await cli('rules', 'remove', String(id))).code).toBe(0);
    },
    EDIT_TIMEOUT_MS,
  );

  describe('a hostile control client', () => {
    interface Hostile {
      conn: GateConnection<ControlResponse>;
      got: ControlResponse[];
      closed: Promise<string>;
    }
    const hostile = async (): Promise<Hostile> => {
      const conn = await connectGate(dataDir, 'control', 5_000, checkControlResponse);
      const got: ControlResponse[] = [];
      conn.onMessage((m) => got.push(m));
      return { conn, got, closed: new Promise((resolve) => conn.onClose(resolve)) };
    };
    const rule = {
      serverId: null,
      tool: 'echo',
      conditions: [],
      action: 'allow',
      expiry: { kind: 'forever' },
      riskCeiling: 'medium',
      note: '',
      enabled: true,
    };
    const condition = { path: 'message', op: 'equals', value: 'x' };

    it.each([
      ['a rule with an extra key', { t: 'addRule', rule: { ...rule, origin: 'decision:1' } }],
      ['a rule without its action', { t: 'addRule', rule: { ...rule, action: undefined } }],
      ['an action that is not one', { t: 'addRule', rule: { ...rule, action: 'approve' } }],
      ['an empty tool glob', { t: 'addRule', rule: { ...rule, tool: '' } }],
      ['conditions that are not a list', { t: 'addRule', rule: { ...rule, conditions: {} } }],
      ['51 conditions', { t: 'addRule', rule: { ...rule, conditions: Array(51).fill(condition) } }],
      ['a rule that is a string', { t: 'addRule', rule: JSON.stringify(rule) }],
      ['a rule id that is a string', { t: 'removeRule', id: '1' }],
      ['a patch with an unknown field', { t: 'updateRule', id: 1, patch: { origin: 'manual' } }],
      ['a tool switch without its state', { t: 'setToolEnabled', serverId: 1, tool: 'echo' }],
      ['a review with no changes', { t: 'reviewServerIdentity', serverId: 1, changes: [] }],
    ])('%s: an error answer, then the connection closes; nothing changes', async (_w, body) => {
      const rules = listRules();
      const count = heard('rules-changed');
      const h = await hostile();
      h.conn.channel.send({ req: 7, ...body });
      expect(await h.closed).toBeTruthy();
      expect(h.got).toEqual([
        { t: 'error', req: 7, message: expect.stringMatching(/^malformed control request/) },
      ]);
      expect(listRules()).toEqual(rules);
      expect(heard('rules-changed')).toBe(count);
      // The gate itself carries on.
      expect((await controlRequest(dataDir, { t: 'status' })).t).toBe('status');
    });

    it('a well-formed rule the app would refuse: the reason, and the connection stays', async () => {
      const rules = listRules();
      const h = await hostile();
      const relative = { path: 'message', op: 'under', value: 'relative/dir' };
      h.conn.channel.send({ t: 'addRule', req: 1, rule: { ...rule, conditions: [relative] } });
      h.conn.channel.send({ t: 'addRule', req: 2, rule: { ...rule, tool: '*' } });
      h.conn.channel.send({ t: 'status', req: 3 });
      await waitFor(() => h.got.length === 3, 10_000, 'three answers');
      expect(h.got[0]).toMatchObject({ t: 'error', req: 1, message: /must be absolute/ });
      expect(h.got[1]).toMatchObject({ t: 'error', req: 2, message: /--yes/ });
      expect(h.got[2]).toMatchObject({ t: 'status', req: 3 });
      expect(listRules()).toEqual(rules);
      h.conn.channel.close('done');
    });
  });

  it('servers disable/enable TOOL: the app and the gate hear of it; the next call follows', async () => {
    const server = listServers().find((s) => s.identity.name === 'everything')!;
    const echoTool = () => listServers()[0]?.tools.find((t) => t.name === 'echo');
    let count = heard('servers-changed');

    const off = await cli('servers', 'disable', String(server.id), 'echo');
    expect(off).toMatchObject({
      code: 0,
      stdout: `Switched off tool echo of server ${server.id}: its calls are refused.\n`,
    });
    expect(heard('servers-changed')).toBeGreaterThan(count);
    expect(echoTool()?.enabled).toBe(false);
    expect((await cli('servers', 'tools', String(server.id))).stdout).toMatch(/^echo {2}off$/m);
    expect(await echo(client, 'off')).toMatch(/switched off/);

    count = heard('servers-changed');
    const on = await cli('servers', 'enable', String(server.id), 'echo');
    expect(on.stdout).toBe(`Switched on tool echo of server ${server.id}.\n`);
    expect(heard('servers-changed')).toBeGreaterThan(count);
    expect(echoTool()?.enabled).toBe(true);
    expect(await echo(client, 'on')).toBe('Echo: on');

    const none = await cli('servers', 'disable', String(server.id), 'no_such_tool');
    expect(none).toMatchObject({
      code: 1,
      stderr: `airlock: server ${server.id} has no tool "no_such_tool"\n`,
    });
  });

  it('servers review-results TOOL all: the app sees it, the next result is held until `airlock result`', async () => {
    const server = listServers().find((s) => s.identity.name === 'everything')!;
    const echoTool = () => listServers()[0]?.tools.find((t) => t.name === 'echo');
    const count = heard('servers-changed');
    const set = await cli('servers', 'review-results', String(server.id), 'echo', 'all');
    expect(set).toMatchObject({
      code: 0,
      stdout: `Results of tool echo of server ${server.id} are held for review: every one (decide with airlock result ID).\n`,
    });
    expect(heard('servers-changed')).toBeGreaterThan(count);
    expect(echoTool()?.reviewResults).toBe('all');
    expect((await cli('servers', 'tools', String(server.id))).stdout).toMatch(
      /^echo {2}results held for review: all$/m,
    );

    // The gate reads the mode for the very next call: its result waits for a person.
    const answer = echo(client, 'held back');
    const [held] = await waitFor(() => {
      const list = gate.pendingResults();
      return list.length > 0 && list;
    });
    expect((await cli('result', String(held!.id), 'pass')).code).toBe(0);
    expect(await answer).toBe('Echo: held back');

    expect((await cli('servers', 'review-results', String(server.id), 'echo', 'off')).stdout).toBe(
      `Results of tool echo of server ${server.id} reach the agent without review.\n`,
    );
    expect(echoTool()?.reviewResults).toBe('off');
    const wrong = await cli('servers', 'review-results', String(server.id), 'echo', 'some');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/off, flagged or all/);
  });

  it('rules add --review-results: an allow rule that holds results, said in its line', async () => {
    const added = await cli(
      'rules',
      'add',
      '--tool',
      'get_env',
      '--action',
      'allow',
      '--review-results',
      'flagged',
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/A result the scan flags is held for your review\.$/m);
    const id = addedId(added.stdout);
    expect(listRules().find((r) => r.id === id)?.reviewResults).toBe('flagged');
    expect((await cli('rules', 'remove', String(id))).code).toBe(0);
    const refused = await cli(
      'rules',
      'add',
      '--tool',
      'echo',
      '--action',
      'deny',
      '--review-results',
      'all',
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--review-results applies to allow rules only/);
  });

  it('servers review ID TOOL: accepts the changed definition, through the gate', async () => {
    const server = listServers().find((s) => s.identity.name === 'everything')!;
    const record = gate.store.tools.get(server.id, 'echo')!;
    const changed = { ...record.definition, description: 'Echoes, and now something else' };
    gate.store.tools.recordList(
      server.id,
      [{ definition: changed, hash: toolHash(changed), poison: [] }],
      Date.now(),
    );
    expect((await cli('servers', 'tools', String(server.id))).stdout).toContain(
      `echo  CHANGED since review (airlock servers review ${server.id} echo)`,
    );
    const count = heard('servers-changed');
    const reviewed = await cli('servers', 'review', String(server.id), 'echo');
    expect(reviewed).toMatchObject({
      code: 0,
      stdout: `Reviewed tool echo of server ${server.id}: its allow rules apply again.\n`,
    });
    expect(heard('servers-changed')).toBe(count + 1);
    const tool = listServers()[0]?.tools.find((t) => t.name === 'echo');
    expect(tool?.reviewedHash).toBe(tool?.hash);
    expect((await cli('servers', 'review', String(server.id), 'echo')).stdout).toBe(
      `Tool echo of server ${server.id} has nothing to review.\n`,
    );
  });

  it('a change the gate cannot write fails, is never written behind its back, and the gate carries on', async () => {
    const rules = listRules();
    const count = heard('rules-changed');
    // Another process holds the write lock for as long as this test needs.
    const other = new Database(databasePath(dataDir));
    try {
      other.exec('BEGIN IMMEDIATE');
      const added = await cli(...ADD_DENY_ECHO);
      expect(added.code).toBe(1);
      expect(added.stderr).toBe(
        'airlock: the gate could not save the change: database is locked\n',
      );
      const settings = await cli('settings', 'set', 'mode', 'observe');
      expect(settings.code).toBe(1);
      expect(settings.stderr).toBe('airlock: the gate could not do that: database is locked\n');
      expect((await cli('status')).code).toBe(0);
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
    }
    expect(listRules()).toEqual(rules);
    expect(heard('rules-changed')).toBe(count);
    expect(gate.settings().mode).toBe('ask');
    expect(await echo(client, 'still deciding')).toBe('Echo: still deciding');
  });

  // Last of the calls here: the first shim's code no longer matches what was reviewed after it.
  it('servers review: the app sees the reviewed server at once', async () => {
    // The same server started with NODE_OPTIONS set runs different code than was first seen.
    const changed = await connectClient(everythingServer(), {
      dataDir,
      env: { NODE_OPTIONS: '--no-deprecation' },
    });
    try {
      const server = await waitFor(
        () => listServers().find((s) => (s.identityChanges ?? []).length > 0),
        10_000,
        'a server whose identity changed',
      );
      const before = heard('servers-changed');
      const reviewed = await cli('servers', 'review', String(server.id));
      expect(reviewed).toMatchObject({
        code: 0,
        stdout: `Reviewed server ${server.id}: its allow rules apply again.\n`,
      });
      expect(heard('servers-changed')).toBeGreaterThan(before);
      expect(listServers().find((s) => s.id === server.id)?.identityChanges).toEqual([]);
    } finally {
      await changed.close();
    }
  });

  it('audit verify: the record is intact after all of it', async () => {
    const res = await cli('audit', 'verify');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/intact/);
  });
});

describe('with no gate running', () => {
  it('rules add, disable, enable and remove work on the file and say the same', async () => {
    const dataDir = tempDir();
    const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir]);
    const added = await cli(...ADD_DENY_ECHO);
    expect(added.code).toBe(0);
    const id = addedId(added.stdout);
    expect(withoutIds(added.stdout)).toBe(
      withoutIds(
        `Added rule 1  deny echo on any server, always  [manual] — no echo\nDenies calls to tool echo on any server with any arguments.\n`,
      ),
    );
    const disabled = await cli('rules', 'disable', String(id));
    expect(disabled.stdout).toBe(
      `Disabled rule ${id}  deny echo on any server, always (disabled)  [manual] — no echo\n`,
    );
    const store = openStore(databasePath(dataDir));
    try {
      expect(store.rules.get(id)).toMatchObject({ tool: 'echo', action: 'deny', enabled: false });
    } finally {
      store.close();
    }
    expect((await cli('rules', 'enable', String(id))).code).toBe(0);
    expect((await cli('rules', 'remove', String(id))).stdout).toBe(`Removed rule ${id}.\n`);
    expect((await cli('rules', 'list')).stdout).toBe('No rules.\n');
    const verified = await cli('audit', 'verify');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/intact/);
  });

  it(
    'rules edit works on the file, keeps the id, says the same, and the chain holds',
    async () => {
      const dataDir = tempDir();
      const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir]);
      const id = addedId((await cli(...ADD_DENY_ECHO)).stdout);
      const edited = await cli(
        'rules',
        'edit',
        String(id),
        '--action',
        'allow',
        '--max-risk',
        'low',
        '--review-results',
        'all',
      );
      expect(edited).toMatchObject({
        code: 0,
        stderr: '',
        stdout: `Edited rule ${id}  allow echo on any server up to low risk, always  [manual] — no echo\nLets through, without asking, calls to tool echo on any server with any arguments, up to low risk (riskier calls still ask). Every result is held for your review.\n`,
      });
      const off = await cli('rules', 'edit', String(id), '--review-results', 'off', '--note', '');
      expect(off.stdout).toBe(
        `Edited rule ${id}  allow echo on any server up to low risk, always  [manual]\nLets through, without asking, calls to tool echo on any server with any arguments, up to low risk (riskier calls still ask).\n`,
      );
      const store = openStore(databasePath(dataDir));
      try {
        expect(store.rules.list()).toEqual([
          expect.objectContaining({ id, action: 'allow', riskCeiling: 'low', note: '' }),
        ]);
        expect(store.rules.get(id)?.reviewResults).toBeUndefined();
      } finally {
        store.close();
      }
      const widened = await cli('rules', 'edit', String(id), '--tool', '*');
      expect(widened.code).toBe(2);
      expect(widened.stderr).toMatch(/--yes/);
      expect((await cli('rules', 'edit', String(id + 1), '--note', 'x')).stderr).toBe(
        `airlock: there is no rule ${id + 1}\n`,
      );
      expect((await cli('rules', 'list')).stdout).toMatch(new RegExp(`^${id}  allow echo `));
      expect((await cli('audit', 'verify')).code).toBe(0);
    },
    EDIT_TIMEOUT_MS,
  );

  it('an allow-everything rule switched back on needs --yes', async () => {
    const dataDir = tempDir();
    const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir]);
    const id = addedId(
      (await cli('rules', 'add', '--tool', '*', '--action', 'allow', '--yes')).stdout,
    );
    expect((await cli('rules', 'disable', String(id))).code).toBe(0);
    const refused = await cli('rules', 'enable', String(id));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/every tool on every server.*--yes/);
    expect((await cli('rules', 'enable', String(id), '--yes')).code).toBe(0);
  });

  it('servers disable and review TOOL work on the file', async () => {
    const dataDir = tempDir();
    const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir]);
    const definition = { name: 'echo', description: 'Echoes' };
    const changed = { ...definition, description: 'Echoes, changed' };
    let store = openStore(databasePath(dataDir));
    const serverId = store.servers.upsert(
      { host: 'h', name: 'everything', command: 'node', args: ['s.js'] },
      Date.now(),
    ).id;
    for (const d of [definition, changed])
      store.tools.recordList(
        serverId,
        [{ definition: d, hash: toolHash(d), poison: [] }],
        Date.now(),
      );
    store.close();

    expect((await cli('servers', 'disable', String(serverId), 'echo')).stdout).toBe(
      `Switched off tool echo of server ${serverId}: its calls are refused.\n`,
    );
    expect((await cli('servers', 'review', String(serverId), 'echo')).stdout).toBe(
      `Reviewed tool echo of server ${serverId}: its allow rules apply again.\n`,
    );
    expect((await cli('servers', 'review-results', String(serverId), 'echo', 'flagged')).code).toBe(
      0,
    );
    store = openStore(databasePath(dataDir));
    try {
      const tool = store.tools.get(serverId, 'echo')!;
      expect(tool.enabled).toBe(false);
      expect(tool.reviewedHash).toBe(toolHash(changed));
      expect(reviewModeOf(store, serverId, 'echo')).toBe('flagged');
    } finally {
      store.close();
    }
    expect((await cli('audit', 'verify')).code).toBe(0);
  });
});
