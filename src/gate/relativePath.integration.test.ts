// A relative path never satisfies a path condition. The gate runs from inside the project, so
// `rel.txt` would resolve "under" it by the gate's reading, while the server resolves it
// against its own directory. Real gate, real shim, real server-filesystem.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, filesystemServer, tempDir, waitFor } from '../testing/harness';
import { startGateService, type GateService } from './service';
import { newRule } from '../store/testSupport';

type CallResult = Awaited<ReturnType<Client['callTool']>>;
const textOf = (r: CallResult): string =>
  (r.content as { text?: string }[]).map((c) => c.text ?? '').join('\n');

describe('an allow rule under a directory', () => {
  let gate: GateService;
  let client: Client;
  let project: string;
  const cwd = process.cwd();

  beforeAll(async () => {
    const dataDir = tempDir();
    project = tempDir('airlock-project-');
    mkdirSync(join(project, 'src'));
    process.chdir(project); // the gate's working directory is the project itself
    try {
      gate = await startGateService({ dataDir, mode: 'ask' });
    } finally {
      process.chdir(cwd);
    }
    gate.store.rules.add(
      newRule({
        tool: 'write_file',
        conditions: [{ path: 'path', op: 'under', value: project }],
        action: 'allow',
        riskCeiling: 'high',
      }),
      Date.now(),
    );
    client = await connectClient(filesystemServer(project), { dataDir });
    await client.listTools();
  });

  afterAll(async () => {
    await client?.close();
    await gate?.close();
  });

  it('allows an absolute path inside it', async () => {
    const target = join(project, 'src', 'a.txt');
    const result = await client.callTool({
      name: 'write_file',
      arguments: { path: target, content: 'a' },
    });
    expect(result.isError).toBeFalsy();
    expect(existsSync(target)).toBe(true);
  });

  it('asks for a relative path, and says why', async () => {
    const call = client.callTool({
      name: 'write_file',
      arguments: { path: 'rel.txt', content: 'r' },
    });
    const [held] = await waitFor(
      () => (gate.pending().length ? gate.pending() : null),
      10_000,
      'the relative write to wait for a person',
    );
    expect(held!.askReasons[0]).toMatch(
      /^Rule \d+ does not apply: it cannot judge the path "rel.txt" \(it is relative/,
    );
    gate.decide(held!.id, 'deny', 'no relative paths');
    expect(textOf(await call)).toBe('Denied by user in Airlock: no relative paths');
  });
});
