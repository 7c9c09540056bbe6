// `airlock pending`, `approve`, `deny`, `result` and `status` start as fast as a small Node script: the
// built command must not load zod, better-sqlite3 or the gate service for them. A `--require`
// hook in the CLI process lists every module it loads; the test reads that list. The commands
// run for real against a gate with a call waiting, including `deny` of a call already approved
// (whose `settled` answer the hand-written check must accept).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PendingCall } from '../contract/types';
import { startGateService, type GateService } from '../gate/service';
import {
  askEveryCall,
  CLI,
  connectClient,
  everythingServer,
  runCli,
  tempDir,
  waitFor,
} from '../testing/harness';

const hookDir = tempDir('airlock-loads-');
const HOOK = join(hookDir, 'list-loads.js');
// Plain CommonJS, like the built CLI: every module Node loads passes through Module._load.
writeFileSync(
  HOOK,
  `const Module = require('node:module');
const { writeFileSync } = require('node:fs');
const load = Module._load;
const seen = new Set();
Module._load = function (request, parent, isMain) {
  try { seen.add(Module._resolveFilename(request, parent, isMain)); } catch { seen.add(request); }
  return load.apply(this, arguments);
};
process.on('exit', () => writeFileSync(process.env.AIRLOCK_TEST_LOADS, [...seen].join('\\n')));
`,
);

let runs = 0;

/** Runs the built CLI with the hook; returns its result and the files it loaded. */
async function cliWithLoads(args: string[]) {
  const list = join(hookDir, `loads-${++runs}.txt`);
  const res = await runCli(args, { NODE_OPTIONS: `--require ${HOOK}`, AIRLOCK_TEST_LOADS: list });
  const loaded = readFileSync(list, 'utf8').split('\n').filter(Boolean);
  return { ...res, loaded };
}

/** What a decide/status command must never load: zod, SQLite, ajv, the gate service's code. */
function heavyModules(loaded: string[]): string[] {
  return loaded.filter(
    (file) =>
      /[\\/]node_modules[\\/](zod|better-sqlite3|ajv)[\\/]/.test(file) ||
      (/\.js$/.test(file) &&
        !file.includes('node_modules') &&
        readFileSync(file, 'utf8').includes('function startGateService')),
  );
}

describe('the shim loads neither zod, SQLite, ajv nor the gate service', () => {
  it('starts and stops a server without them', async () => {
    const list = join(hookDir, 'loads-shim.txt');
    // `cat` stands in for the server: it is not Node, so only the shim writes the list.
    const shim = spawn(
      process.execPath,
      [CLI, 'shim', '--server', 'cat', '--data-dir', tempDir(), '--', 'cat'],
      { env: { ...process.env, NODE_OPTIONS: `--require ${HOOK}`, AIRLOCK_TEST_LOADS: list } },
    );
    shim.stdin.end('{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
    const code = await new Promise<number | null>((res) => shim.on('close', res));
    expect(code).toBe(0);
    const loaded = readFileSync(list, 'utf8').split('\n').filter(Boolean);
    expect(loaded.some((f) => /[\\/]chunks[\\/]shim-/.test(f))).toBe(true);
    // Nor the CLI's decide commands (the socket client they share is a chunk of its own).
    expect(loaded.filter((f) => /[\\/]chunks[\\/]decide-/.test(f))).toEqual([]);
    expect(heavyModules(loaded)).toEqual([]);
  });
});

describe('the decide and status commands load neither zod, SQLite nor the gate service', () => {
  let dataDir: string;
  let gate: GateService;
  let client: Client;
  let held: Promise<unknown>;
  let waiting: PendingCall;

  beforeAll(async () => {
    dataDir = tempDir();
    gate = await startGateService({ dataDir, log: () => {} });
    askEveryCall(gate, 'echo');
    client = await connectClient(everythingServer(), { dataDir });
    await client.listTools(); // the gate pins echo's schema, which an edit is checked against
    held = client.callTool({ name: 'echo', arguments: { message: 'wait for me' } });
    waiting = (await waitFor(() => gate.pending()[0], 10_000, 'a waiting call'))!;
  });

  afterAll(async () => {
    await client?.close();
    await gate?.close();
  });

  it('the hook sees SQLite when a command does load it (history)', async () => {
    const res = await cliWithLoads(['history', '--data-dir', dataDir]);
    expect(res.code).toBe(0);
    expect(heavyModules(res.loaded).some((f) => f.includes('better-sqlite3'))).toBe(true);
  });

  it('status, with a gate running', async () => {
    const res = await cliWithLoads(['status', '--data-dir', dataDir]);
    expect(res.stdout).toMatch(
      /^Gate running \(pid \d+, mode ask\): 1 shim\(s\) connected, 1 call/,
    );
    expect(res.code).toBe(0);
    expect(heavyModules(res.loaded)).toEqual([]);
  });

  it('status, with no gate (exit 3)', async () => {
    const res = await cliWithLoads(['status', '--data-dir', tempDir()]);
    expect(res.code).toBe(3);
    expect(res.stdout).toMatch(/^No gate running for /);
    expect(heavyModules(res.loaded)).toEqual([]);
  });

  it('pending lists the waiting call as the gate sent it', async () => {
    const res = await cliWithLoads(['pending', '--json', '--data-dir', dataDir]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual([
      { kind: 'call', ...JSON.parse(JSON.stringify(waiting)) },
    ]);
    expect(heavyModules(res.loaded)).toEqual([]);
  });

  it('result, for a call whose result is not held (the gate says where it stands)', async () => {
    const res = await cliWithLoads(['result', String(waiting.id), 'pass', '--data-dir', dataDir]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`call ${waiting.id} is still waiting for approval`);
    expect(heavyModules(res.loaded)).toEqual([]);
  });

  it('approve --args leaves the schema check to the gate (ajv stays out of the CLI)', async () => {
    const args = join(hookDir, 'misfit.json');
    writeFileSync(args, JSON.stringify({ message: 5 }));
    const refused = await cliWithLoads([
      'approve',
      String(waiting.id),
      '--args',
      args,
      '--data-dir',
      dataDir,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('arguments/message: must be string');
    expect(heavyModules(refused.loaded)).toEqual([]);
  });

  it('approve lets the call through; deny afterwards says it was already approved', async () => {
    const approved = await cliWithLoads(['approve', String(waiting.id), '--data-dir', dataDir]);
    expect(approved.stdout).toBe(`Approved call ${waiting.id}.\n`);
    expect(approved.code).toBe(0);
    expect(heavyModules(approved.loaded)).toEqual([]);
    expect(await held).toMatchObject({ content: [{ type: 'text', text: 'Echo: wait for me' }] });

    const late = await cliWithLoads(['deny', String(waiting.id), '--data-dir', dataDir]);
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(
      new RegExp(`^airlock: call ${waiting.id} was already approved by you at .*\\d\\d:\\d\\d\\n$`),
    );
    expect(heavyModules(late.loaded)).toEqual([]);
  });
});
