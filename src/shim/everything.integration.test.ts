// server-everything exercised across its features, direct and through the real shim (gate in
// observe mode, so every call is allowed and the comparison is about transparency).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { startGateService, type GateService } from '../gate/service';
import { connectClient, everythingServer, tempDir, waitFor } from '../testing/harness';

const capabilities = { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } };

async function openClient(dataDir?: string): Promise<{ client: Client; notes: string[] }> {
  const client = await connectClient(everythingServer(), { dataDir, capabilities });
  const notes: string[] = [];
  client.setRequestHandler(CreateMessageRequestSchema, async (req) => ({
    model: 'test-model',
    role: 'assistant',
    content: { type: 'text', text: `sampled: ${JSON.stringify(req.params.messages[0]?.content)}` },
  }));
  client.setRequestHandler(ElicitRequestSchema, async () => ({
    action: 'accept',
    content: { name: 'Ada', check: true },
  }));
  client.setRequestHandler(ListRootsRequestSchema, async () => ({
    roots: [{ uri: 'file:///tmp/airlock-root', name: 'root' }],
  }));
  client.setNotificationHandler(LoggingMessageNotificationSchema, () => void notes.push('log'));
  client.setNotificationHandler(
    ResourceUpdatedNotificationSchema,
    () => void notes.push('updated'),
  );
  client.setNotificationHandler(
    ToolListChangedNotificationSchema,
    () => void notes.push('tools-changed'),
  );
  return { client, notes };
}

/** Everything deterministic the server does, as one comparable record. */
async function exercise(client: Client, notes: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const tools = await client.listTools();
  out.tools = tools.tools.map((t) => t.name).sort();
  out.toolDefinitions = tools.tools.sort((a, b) => a.name.localeCompare(b.name));
  out.echo = await client.callTool({ name: 'echo', arguments: { message: 'héllo 😀 \u202e' } });
  out.sum = await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
  out.annotated = await client.callTool({
    name: 'get-annotated-message',
    arguments: { messageType: 'error', includeImage: false },
  });
  out.structured = await client.callTool({
    name: 'get-structured-content',
    arguments: { location: 'New York' },
  });
  out.image = await client.callTool({ name: 'get-tiny-image', arguments: {} });
  const resources = await client.listResources();
  out.resources = resources.resources.map((r) => r.uri);
  out.templates = (await client.listResourceTemplates()).resourceTemplates.map(
    (t) => t.uriTemplate,
  );
  const first = resources.resources[0];
  if (first) out.read = await client.readResource({ uri: first.uri });
  const prompts = await client.listPrompts();
  out.prompts = prompts.prompts.map((p) => p.name).sort();
  out.simplePrompt = await client.getPrompt({ name: 'simple-prompt' });
  out.argsPrompt = await client.getPrompt({
    name: 'args-prompt',
    arguments: { city: 'Paris', state: 'TX' },
  });
  out.completion = await client.complete({
    ref: { type: 'ref/prompt', name: 'completable-prompt' },
    argument: { name: 'department', value: 'E' },
  });
  await client.setLoggingLevel('debug');
  const progress: number[] = [];
  out.longRunning = await client.callTool(
    { name: 'trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } },
    undefined,
    { onprogress: (p) => void progress.push(p.progress) },
  );
  // The SDK client handles notifications a microtask later than responses, so the last
  // progress step can lose the race with the result when both arrive in one chunk: compare
  // that progress arrived, in order, not how many steps won the race.
  out.progress = progress.length > 0 && progress.every((p, i) => i === 0 || p > progress[i - 1]!);
  out.sampling = await client.callTool({
    name: 'trigger-sampling-request',
    arguments: { prompt: 'hi', maxTokens: 5 },
  });
  out.elicitation = await client.callTool({ name: 'trigger-elicitation-request', arguments: {} });
  out.roots = await client.callTool({ name: 'get-roots-list', arguments: {} });
  if (first) {
    await client.subscribeResource({ uri: first.uri });
    await client.callTool({ name: 'toggle-subscriber-updates', arguments: {} });
    await waitFor(() => notes.includes('updated'), 15_000, 'a resource update');
    await client.callTool({ name: 'toggle-subscriber-updates', arguments: {} });
    await client.unsubscribeResource({ uri: first.uri });
    out.subscribed = true;
  }
  await client.callTool({ name: 'toggle-simulated-logging', arguments: {} });
  await waitFor(() => notes.includes('log'), 15_000, 'a log message');
  await client.callTool({ name: 'toggle-simulated-logging', arguments: {} });
  out.listChanged = notes.includes('tools-changed');
  // Cancellation: the server stops the operation and the client's promise rejects.
  const abort = new AbortController();
  const cancelled = client.callTool(
    { name: 'trigger-long-running-operation', arguments: { duration: 30, steps: 30 } },
    undefined,
    { signal: abort.signal },
  );
  setTimeout(() => abort.abort('changed my mind'), 200);
  out.cancelled = await cancelled.then(
    () => 'completed',
    (e: Error) => e.name,
  );
  out.ping = await client.ping();
  return out;
}

describe('server-everything through the shim', () => {
  let gate: GateService;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = tempDir();
    gate = await startGateService({ dataDir, mode: 'observe' });
  });
  afterAll(async () => {
    await gate.close();
  });

  it('gives the same results as talking to the server directly', async () => {
    const direct = await openClient();
    const viaShim = await openClient(dataDir);
    try {
      const expected = await exercise(direct.client, direct.notes);
      const actual = await exercise(viaShim.client, viaShim.notes);
      expect((expected.tools as string[]).length).toBeGreaterThan(10);
      expect(expected.cancelled).not.toBe('completed');
      expect(expected.progress).toBe(true);
      expect(JSON.stringify(expected.sampling)).toContain('sampled');
      expect(actual).toEqual(expected);
      // The shim told the gate what it learnt on the way: the tools, and the host's roots.
      const session = gate.sessions().find((s) => s.info?.server === 'everything');
      expect(session?.tools.has('echo')).toBe(true);
      expect(session?.roots).toEqual(['file:///tmp/airlock-root']);
    } finally {
      await direct.client.close();
      await viaShim.client.close();
    }
  }, 120_000);
});
