// Results through the real shim: each gated call's result is recorded (size, digest of what the
// host received, a masked excerpt, searchable), and scanned; a hostile server's injection in
// text, in structuredContent, or at the end of a 20 MB page is a result-risk tag and a notice.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryRow } from '../contract/types';
import { startGateService, type GateService } from '../gate/service';
import {
  askEveryCall,
  filesystemServer,
  shimCommand,
  tempDir,
  waitFor,
  type ServerCommand,
  injectingServer,
} from '../testing/harness';

const GH_TOKEN = `ghp_${'Zx81Qw27Lp'.repeat(4)}`;

describe('results recorded and scanned', () => {
  let gate: GateService;
  let dataDir: string;
  let project: string;
  const flagged: HistoryRow[] = [];

  beforeAll(async () => {
    dataDir = tempDir();
    project = tempDir('airlock-project-');
    gate = await startGateService({ dataDir, mode: 'ask' });
    askEveryCall(gate);
    gate.on('result-flagged', (row) => flagged.push(row));
  });
  afterAll(() => gate.close());

  async function connect(server: ServerCommand): Promise<Client> {
    const target = shimCommand(dataDir, server);
    const client = new Client({ name: 'airlock-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: target.command,
        args: target.args,
        stderr: 'pipe',
        maxBufferSize: 64 * 1024 * 1024,
      }),
    );
    return client;
  }

  /** Calls a tool, approves it, and returns the result and the call's row once it has a result. */
  async function call(
    client: Client,
    name: string,
    args: Record<string, unknown>,
  ): Promise<{ result: Awaited<ReturnType<Client['callTool']>>; row: HistoryRow }> {
    const before = new Set(gate.pending().map((p) => p.id));
    const pending = client.callTool({ name, arguments: args });
    const held = await waitFor(
      () => gate.pending().find((p) => !before.has(p.id) && p.tool === name),
      20_000,
      `${name} to wait for a decision`,
    );
    gate.decide(held.id, 'allow');
    const result = await pending;
    const row = await waitFor(
      () => {
        const r = gate.store.history.get(held.id);
        return r?.result ? r : null;
      },
      20_000,
      `the result of ${name} to be recorded`,
    );
    return { result, row };
  }

  it('records what server-filesystem read: size, digest, a masked excerpt, searchable', async () => {
    const file = join(project, 'notes.txt');
    const text = `Quarterly notes about the zeppelin project.\nGITHUB_TOKEN=${GH_TOKEN}\nEnd.\n`;
    writeFileSync(file, text);
    const client = await connect(filesystemServer(project));
    try {
      const { result, row } = await call(client, 'read_text_file', { path: file });
      expect((result.content as { text: string }[])[0]?.text).toBe(text); // the agent gets it all
      expect(row.outcome?.isError).toBe(false);
      expect(row.outcome?.size).toBeGreaterThan(text.length);
      expect(row.result?.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(row.result?.excerpt).toContain('Quarterly notes about the zeppelin project.');
      expect(row.result?.excerpt).not.toContain(GH_TOKEN); // never stored
      expect(row.result?.chars).toBeGreaterThanOrEqual(text.length);
      expect(row.result?.risk).toBeNull();
      expect(gate.store.history.query({ search: 'zeppelin' }).map((r) => r.id)).toContain(row.id);
      expect(gate.store.audit.verify()).toMatchObject({ ok: true });
    } finally {
      await client.close();
    }
  }, 60_000);

  it('tags an injection in text (with a terminal escape) and raises a notice', async () => {
    const client = await connect(injectingServer());
    try {
      const { result, row } = await call(client, 'fetch_page', { url: 'https://weather.example' });
      // Recorded and flagged, not altered: without "review results" the agent reads it as sent.
      expect(JSON.stringify(result.content)).toContain('Ignore all previous instructions');
      expect(row.result?.risk).toBe('high');
      const codes = row.result?.findings.map((f) => f.code);
      expect(codes).toEqual(
        expect.arrayContaining(['result.tag', 'result.override', 'result.ansi', 'result.link']),
      );
      await waitFor(() => flagged.some((r) => r.id === row.id), 10_000, 'the notice');
      expect(gate.store.history.query({ search: 'weather service' }).map((r) => r.id)).toContain(
        row.id,
      );
    } finally {
      await client.close();
    }
  }, 60_000);

  it('tags an injection carried in structuredContent', async () => {
    const client = await connect(injectingServer());
    try {
      const { result, row } = await call(client, 'report', { topic: 'sales' });
      expect(result.structuredContent).toMatchObject({ summary: 'All good on sales.' });
      expect(row.result?.risk).toBe('high');
      expect(row.result?.findings.map((f) => f.code)).toContain('result.override');
    } finally {
      await client.close();
    }
  }, 60_000);

  it('passes a 20 MB page whole, records a bounded excerpt, and finds the injection at its end', async () => {
    const client = await connect(injectingServer());
    try {
      const { result, row } = await call(client, 'long_page', { megabytes: 20 });
      const text = (result.content as { text: string }[])[0]?.text ?? '';
      expect(text.length).toBeGreaterThan(20 * 1024 * 1024);
      expect(row.outcome?.size).toBeGreaterThan(20 * 1024 * 1024);
      expect(row.result?.chars).toBe(text.length);
      expect(row.result?.excerpt.length).toBe(2048); // the default excerpt setting
      expect(row.result?.excerpt.startsWith('An ordinary line of a long page.')).toBe(true);
      expect(row.result?.risk).toBe('high'); // the tail of the text is scanned too
    } finally {
      await client.close();
    }
  }, 120_000);

  it('records the digest of the exact response the host received', async () => {
    // The host's bytes are the server's bytes: the line the fixture writes for `plain` is
    // predictable (the SDK writes JSON.stringify of the response), so its digest is too.
    const client = await connect(injectingServer());
    try {
      const { row } = await call(client, 'plain', { text: 'digest me' });
      const sent = (id: number): string =>
        JSON.stringify({
          result: { content: [{ type: 'text', text: 'digest me' }] },
          jsonrpc: '2.0',
          id,
        });
      const candidates = Array.from({ length: 10 }, (_, i) =>
        createHash('sha256').update(sent(i)).digest('hex'),
      );
      expect(candidates).toContain(row.result?.sha256);
      expect(row.result?.excerpt).toBe('digest me');
    } finally {
      await client.close();
    }
  }, 60_000);

  it('keeps as much text as the excerpt setting says, and none at 0', async () => {
    const client = await connect(injectingServer());
    try {
      gate.updateSettings({ resultExcerptChars: 5 });
      const { row } = await call(client, 'plain', { text: 'abcdefghij' });
      expect(row.result?.excerpt).toBe('abcde');
      gate.updateSettings({ resultExcerptChars: 0 });
      const { row: none } = await call(client, 'plain', { text: 'abcdefghij' });
      expect(none.result?.excerpt).toBe('');
      expect(none.result?.chars).toBe(10);
    } finally {
      gate.updateSettings({ resultExcerptChars: 2048 });
      await client.close();
    }
  }, 60_000);
});
