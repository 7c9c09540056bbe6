// Line limits that fit real servers: server-filesystem sends a file's text twice (content and
// structuredContent), so reading a 10 MB file is a ~20 MB line from the server. Through the
// shim it must read exactly as it does directly. (The SDK client itself stops at 10 MiB per
// message unless told otherwise, so the host here raises its own limit, as a host that reads
// big files must.)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateService, type GateService } from '../gate/service';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { filesystemServer, shimCommand, tempDir, waitFor } from '../testing/harness';

const TEN_MB = 10 * 1024 * 1024;

describe('a 10 MB file through server-filesystem', () => {
  let gate: GateService;
  let dataDir: string;
  let project: string;
  let file: string;
  let text: string;

  beforeAll(async () => {
    dataDir = tempDir();
    project = tempDir('airlock-project-');
    gate = await startGateService({ dataDir, mode: 'ask' });
    file = join(project, 'big.txt');
    const line = 'Airlock reads a "big" file\tline\n';
    text = line.repeat(Math.ceil(TEN_MB / line.length));
    writeFileSync(file, text);
  });
  afterAll(() => gate.close());

  async function read(through: boolean): Promise<string> {
    const server = filesystemServer(project);
    const target = through ? shimCommand(dataDir, server) : server;
    const client = new Client({ name: 'airlock-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: target.command,
        args: target.args,
        stderr: 'pipe',
        maxBufferSize: 64 * 1024 * 1024,
      }),
    );
    try {
      let settled = false;
      const call = client
        .callTool({ name: 'read_text_file', arguments: { path: file } })
        .finally(() => (settled = true));
      if (through) {
        // Whether the policy asks for a read is not this test's business: approve if it does.
        const pending = await waitFor(
          () => settled || gate.pending()[0],
          20_000,
          'the read to be answered or to wait',
        );
        if (pending !== true) gate.decide(pending.id, 'allow');
      }
      const result = await call;
      expect(result.isError).toBeFalsy();
      const content = result.content as { type: string; text: string }[];
      return content[0]!.text;
    } finally {
      await client.close();
    }
  }

  it('reads the whole file through the shim, as it does directly', async () => {
    const direct = await read(false);
    expect(direct).toBe(text);
    const guarded = await read(true);
    expect(guarded.length).toBe(text.length);
    expect(guarded === text).toBe(true);
  }, 60_000);
});
