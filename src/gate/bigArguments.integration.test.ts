// Issue 13 end to end: calls carrying 10 MB of arguments go through the real shim to
// server-filesystem's `write_file`, decided by a real gate over a real SQLite file, in ask mode
// with an allow rule and in observe mode. They used to be denied with "Maximum call stack size
// exceeded" (ask) or never recorded (observe): the risk scan threw on them.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryRow } from '../contract/types';
import { connectClient, filesystemServer, tempDir, waitFor } from '../testing/harness';
import { startGateService, type GateService } from './service';
import { newRule } from '../store/testSupport';

// "10 MB" in decimal: the MCP SDK's stdio transport (in the server and in the client) drops any
// message over 10 MiB, so a request line must stay below that, JSON escapes included.
const TEN_MB = 10_000_000;
const fill = (unit: string, length: number): string =>
  unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

// Shapes that threw before: blank lines (the padding pattern), a huge `password=` value and a
// base64 run (unbounded patterns in the secret scan). A line break is two bytes in JSON.
const SHAPES: [string, string][] = [
  ['blank lines', fill('\n', TEN_MB / 2 - 1000)],
  ['a huge password= value', `password=${fill('x', TEN_MB - 1000)}`],
  ['a base64 run', fill('QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3+/', TEN_MB - 1000)],
];

type CallResult = Awaited<ReturnType<Client['callTool']>>;
const textOf = (result: CallResult): string =>
  (result.content as { text?: string }[]).map((c) => c.text ?? '').join('\n');

describe('10 MB arguments through the shim', () => {
  let gate: GateService;
  let project: string;
  let client: Client;

  const rowFor = (path: string): HistoryRow | undefined =>
    gate.store.history
      .query({ limit: 20 })
      .find((r) => (r.arguments as { path?: string } | null)?.path === path);

  beforeAll(async () => {
    project = tempDir('airlock-project-');
    gate = await startGateService({ dataDir: tempDir(), mode: 'ask' });
    client = await connectClient(filesystemServer(project), { dataDir: gate.dataDir });
    await client.listTools();
    gate.store.rules.add(
      newRule({
        tool: 'write_file',
        conditions: [{ path: 'path', op: 'under', value: project }],
        action: 'allow',
      }),
      Date.now(),
    );
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await gate?.close();
  });

  it.each(SHAPES)(
    'ask mode with an allow rule: %s is decided, written and recorded',
    async (name, content) => {
      const path = join(project, `ask-${name.replace(/\W+/g, '-')}.txt`);
      const result = await client.callTool({ name: 'write_file', arguments: { path, content } });
      expect(textOf(result)).not.toMatch(/Denied/);
      expect(result.isError).toBeFalsy();
      expect(statSync(path).size).toBe(Buffer.byteLength(content));
      const row = await waitFor(() => rowFor(path), 20_000, 'the call in the record');
      expect(row).toMatchObject({ decision: 'auto-approved', decidedBy: 'rule' });
    },
    120_000,
  );

  it.each(SHAPES)(
    'observe mode: %s is let through and recorded',
    async (name, content) => {
      gate.updateSettings({ mode: 'observe' });
      try {
        const path = join(project, `observe-${name.replace(/\W+/g, '-')}.txt`);
        const result = await client.callTool({ name: 'write_file', arguments: { path, content } });
        expect(result.isError).toBeFalsy();
        expect(readFileSync(path, 'utf8')).toHaveLength(content.length);
        const row = await waitFor(() => rowFor(path), 20_000, 'the observed call in the record');
        expect(row.decision).toBe('observed');
      } finally {
        gate.updateSettings({ mode: 'ask' });
      }
    },
    120_000,
  );
});
