// `airlock approve ID --args FILE|-`: the headless edit, through the built CLI, the real gate,
// the real shim and server-filesystem. Checked by the gate like the app's edit.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGateService, type GateService } from '../gate/service';
import {
  askEveryCall,
  CLI,
  connectClient,
  filesystemServer,
  NODE,
  tempDir,
  waitFor,
} from '../testing/harness';

function cli(args: string[], stdin?: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((res) => {
    const proc = spawn(NODE, [CLI, ...args]);
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    proc.on('close', (code) => res({ code, stdout, stderr }));
    proc.stdin.end(stdin ?? '');
  });
}

let gate: GateService;
let dataDir: string;
let project: string;
let client: Client;

beforeEach(async () => {
  dataDir = tempDir();
  project = tempDir('airlock-cli-edit-');
  gate = await startGateService({ dataDir });
  askEveryCall(gate);
  client = await connectClient(filesystemServer(project), { dataDir });
  await client.listTools();
});

afterEach(async () => {
  await client.close();
  await gate.close();
});

async function heldWrite(name: string) {
  const result = client.callTool({
    name: 'write_file',
    arguments: { path: join(project, name), content: 'asked' },
  });
  const pending = await waitFor(() => gate.pending()[0], 10_000, 'a waiting call');
  return { result, id: String(pending.id) };
}

describe('airlock approve --args', () => {
  it('approves with arguments from a file', async () => {
    const { result, id } = await heldWrite('asked.txt');
    const file = join(tempDir(), 'args.json');
    const edited = join(project, 'from-file.txt');
    writeFileSync(file, JSON.stringify({ path: edited, content: 'edited in a file' }));
    const res = await cli(['approve', id, '--args', file, '--data-dir', dataDir]);
    expect(res).toMatchObject({
      code: 0,
      stdout: `Approved call ${id} with your edited arguments.\n`,
      stderr: '',
    });
    expect((await result).isError).toBeFalsy();
    expect(readFileSync(edited, 'utf8')).toBe('edited in a file');
    expect(existsSync(join(project, 'asked.txt'))).toBe(false);
    expect(gate.store.history.get(Number(id))?.approvedArguments).toEqual({
      path: edited,
      content: 'edited in a file',
    });
    // `airlock history` shows what the agent asked, then what ran.
    const history = await cli(['history', '--data-dir', dataDir]);
    expect(history.stdout).toMatch(
      new RegExp(`^${id} .* approved by user .*asked\\.txt.*  edited to .*from-file\\.txt`, 'm'),
    );
  });

  it('approves with arguments from stdin', async () => {
    const { result, id } = await heldWrite('asked.txt');
    const edited = join(project, 'from-stdin.txt');
    const res = await cli(
      ['approve', id, '--args', '-', '--data-dir', dataDir],
      JSON.stringify({ path: edited, content: 'piped' }),
    );
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect((await result).isError).toBeFalsy();
    expect(readFileSync(edited, 'utf8')).toBe('piped');
  });

  it('says what is wrong with invalid JSON or a schema misfit; the call keeps waiting', async () => {
    const { result, id } = await heldWrite('asked.txt');
    const bad = await cli(['approve', id, '--args', '-', '--data-dir', dataDir], '{"path": ');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^airlock: --args: stdin is not valid JSON \(/);
    const notObject = await cli(['approve', id, '--args', '-', '--data-dir', dataDir], '[1]');
    expect(notObject.stderr).toMatch(/--args: stdin must hold a JSON object/);
    // A number JSON.parse would round is refused as typed, before it reaches the gate.
    const rounded = await cli(
      ['approve', id, '--args', '-', '--data-dir', dataDir],
      `{"path": ${JSON.stringify(join(project, 'x.txt'))}, "content": "x", "n": 12345678901234567890}`,
    );
    expect(rounded.code).toBe(1);
    expect(rounded.stderr).toBe(
      'airlock: --args: stdin holds 12345678901234567890, a number that would reach the tool changed (JSON numbers keep about 16 digits)\n',
    );
    const misfit = await cli(
      ['approve', id, '--args', '-', '--data-dir', dataDir],
      JSON.stringify({ path: join(project, 'x.txt'), content: 3 }),
    );
    expect(misfit.code).toBe(1);
    expect(misfit.stderr).toContain(
      `the edited arguments were refused: arguments/content: must be string; call ${id} is still waiting`,
    );
    const missing = await cli([
      'approve',
      id,
      '--args',
      join(project, 'nope.json'),
      '--data-dir',
      dataDir,
    ]);
    expect(missing.stderr).toMatch(/--args: cannot read .*nope\.json: ENOENT/);
    expect(gate.pending().map((p) => String(p.id))).toEqual([id]);
    expect(gate.decide(Number(id), 'deny')).toBe(true);
    expect((await result).isError).toBe(true);
    expect(existsSync(join(project, 'x.txt'))).toBe(false);
  });

  it('is refused on deny (a mistyped command)', async () => {
    const res = await cli(['deny', '1', '--args', '-', '--data-dir', dataDir], '{}');
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/unknown option --args/);
  });
});
