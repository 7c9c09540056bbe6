// The 2026-07-28 MCP era through the real shim: a v2-SDK server (src/testing/fixtures/
// modern-server.mjs) and a v2-SDK client that negotiates the era with `server/discover`, puts
// the `_meta` envelope on every request and reads `resultType`, including the multi-round-trip
// `input_required` flow, where the client answers an embedded elicitation and retries the call.
// DESIGN.md §3: both eras pass through, and a retried call is a new call.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateService, type GateService } from '../gate/service';
import {
  connectClient,
  NODE,
  ROOT,
  shimCommand,
  tempDir,
  waitFor,
  type ServerCommand,
} from '../testing/harness';

const ERA = '2026-07-28';

const modernServer = (): ServerCommand => ({
  name: 'modern',
  command: NODE,
  args: [join(ROOT, 'src/testing/fixtures/modern-server.mjs')],
});

interface ModernClient {
  client: Client;
  /** The messages of the elicitations the server asked for (inside input_required results). */
  elicitations: string[];
}

/** A v2 client pinned to the 2026-07-28 era, direct or through the shim of `dataDir`. */
async function connectModern(dataDir?: string, confirm = true): Promise<ModernClient> {
  const server = modernServer();
  const target = dataDir ? shimCommand(dataDir, server) : server;
  const transport = new StdioClientTransport({
    command: target.command,
    args: target.args,
    stderr: 'pipe',
  });
  const client = new Client(
    { name: 'airlock-modern-test', version: '1.0.0' },
    { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: { pin: ERA } } },
  );
  const elicitations: string[] = [];
  client.setRequestHandler('elicitation/create', async (req) => {
    elicitations.push(req.params.message);
    return { action: 'accept', content: { confirm } };
  });
  await client.connect(transport);
  return { client, elicitations };
}

/** Everything a v2 client sees of the fixture: the negotiated era, discover, tools, two calls. */
async function session(dataDir?: string): Promise<Record<string, unknown>> {
  const { client, elicitations } = await connectModern(dataDir);
  try {
    return {
      era: client.getNegotiatedProtocolVersion(),
      discover: client.getDiscoverResult(),
      tools: await client.listTools(),
      echo: await client.callTool({ name: 'echo', arguments: { text: 'héllo ✓' } }),
      deploy: await client.callTool({ name: 'deploy', arguments: { env: 'prod' } }),
      elicitations,
    };
  } finally {
    await client.close();
  }
}

const envelope = {
  'io.modelcontextprotocol/protocolVersion': ERA,
  'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} } },
};

/** The 2026 exchange by hand: discover, list, call, input_required, retry with the answers. */
const rawRequests = [
  { jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: envelope } },
  { jsonrpc: '2.0', id: 2, method: 'tools/list', params: { _meta: envelope } },
  {
    jsonrpc: '2.0',
    id: 3,
    method: 'tools/call',
    params: { name: 'echo', arguments: { text: 'raw' }, _meta: envelope },
  },
  {
    jsonrpc: '2.0',
    id: 4,
    method: 'tools/call',
    params: { name: 'deploy', arguments: { env: 'staging' }, _meta: envelope },
  },
  {
    jsonrpc: '2.0',
    id: 5,
    method: 'tools/call',
    params: {
      name: 'deploy',
      arguments: { env: 'staging' },
      inputResponses: { confirm: { action: 'accept', content: { confirm: true } } },
      requestState: 'deploy:staging',
      _meta: envelope,
    },
  },
];

/** Send each request in turn to a process speaking stdio MCP; the exact response lines. */
async function exchange(
  target: { command: string; args: string[] },
  requests: Array<{ id: number }>,
): Promise<string[]> {
  const proc = spawn(target.command, target.args, { stdio: ['pipe', 'pipe', 'ignore'] });
  const lines: string[] = [];
  let buf = '';
  proc.stdout.on('data', (chunk: Buffer) => {
    buf += chunk.toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) !== -1) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  });
  const exited = new Promise((res) => proc.on('exit', res));
  try {
    const answers: string[] = [];
    for (const req of requests) {
      proc.stdin.write(`${JSON.stringify(req)}\n`);
      answers.push(
        await waitFor(
          () => lines.find((l) => (JSON.parse(l) as { id?: unknown }).id === req.id),
          10_000,
          `an answer to ${req.id}`,
        ),
      );
    }
    return answers;
  } finally {
    proc.stdin.end();
    await exited;
  }
}

const text = (r: unknown): string =>
  (r as { content: Array<{ text: string }> }).content[0]?.text ?? '';

describe('the 2026-07-28 era with the gate observing', () => {
  let gate: GateService;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = tempDir();
    gate = await startGateService({ dataDir, mode: 'observe' });
  });
  afterAll(() => gate.close());

  it('a v2 client sees the same discover, tools and results, input_required flow included, direct and through the shim', async () => {
    const direct = await session();
    const shimmed = await session(dataDir);
    // What the shim read for its own bookkeeping: the tools of the 2026 tools/list result,
    // now in the gate's registry.
    const learned = gate.store.servers
      .list()
      .filter((s) => s.identity.name === 'modern')
      .flatMap((s) => gate.store.tools.listForServer(s.id).map((t) => t.name));
    expect(direct.era).toBe(ERA);
    expect(direct.discover).toMatchObject({
      supportedVersions: [ERA],
      capabilities: { tools: {} },
    });
    expect(text(direct.echo)).toBe('echo: héllo ✓');
    expect(text(direct.deploy)).toBe('deployed to prod (state deploy:prod)');
    expect(direct.elicitations).toEqual(['Deploy to prod?']);
    expect(shimmed).toEqual(direct);
    expect([...learned].sort()).toEqual(['deploy', 'echo']);
    expect(gate.pending()).toHaveLength(0);
  });

  it('passes the 2026 wire bytes through untouched (_meta, resultType, input_required, the retry)', async () => {
    const direct = await exchange(modernServer(), rawRequests);
    const shimmed = await exchange(shimCommand(dataDir, modernServer()), rawRequests);
    expect(shimmed).toEqual(direct);
    const [discover, , echo, first, retry] = direct.map(
      (l) => JSON.parse(l) as { result: Record<string, unknown> },
    );
    expect(discover!.result).toMatchObject({ supportedVersions: [ERA], resultType: 'complete' });
    expect(echo!.result).toMatchObject({
      resultType: 'complete',
      content: [{ type: 'text', text: 'echo: raw' }],
    });
    expect(first!.result).toMatchObject({
      resultType: 'input_required',
      requestState: 'deploy:staging',
      inputRequests: { confirm: { method: 'elicitation/create' } },
    });
    expect(retry!.result).toMatchObject({
      resultType: 'complete',
      content: [{ type: 'text', text: 'deployed to staging (state deploy:staging)' }],
    });
  });

  it('a 2025-11-25 client (SDK 1.x) talks to the same v2 server through the shim, elicitation included', async () => {
    const run = async (via?: string) => {
      const client = await connectClient(modernServer(), {
        dataDir: via,
        capabilities: { elicitation: {} },
      });
      const asked: string[] = [];
      client.setRequestHandler(ElicitRequestSchema, async (req) => {
        asked.push(req.params.message);
        return { action: 'accept', content: { confirm: true } };
      });
      try {
        return {
          server: client.getServerVersion(),
          tools: await client.listTools(),
          echo: await client.callTool({ name: 'echo', arguments: { text: 'old' } }),
          deploy: await client.callTool({ name: 'deploy', arguments: { env: 'qa' } }),
          asked,
        };
      } finally {
        await client.close();
      }
    };
    const direct = await run();
    expect(text(direct.echo)).toBe('echo: old');
    // On the 2025 era the server's own legacy shim turns input_required into a server→client
    // elicitation/create request, answered while the (approved) call is in flight.
    expect(direct.asked).toEqual(['Deploy to qa?']);
    expect(text(direct.deploy)).toMatch(/^deployed to qa/);
    expect(await run(dataDir)).toEqual(direct);
  });
});

describe('the 2026-07-28 era with the gate asking', () => {
  let gate: GateService;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = tempDir();
    gate = await startGateService({ dataDir, mode: 'ask' });
  });
  afterAll(() => gate.close());

  it('gates the retried input_required call as a new call: two prompts, then the final result', async () => {
    const { client, elicitations } = await connectModern(dataDir);
    try {
      const call = client.callTool({ name: 'deploy', arguments: { env: 'prod' } });
      const first = await waitFor(() => gate.pending()[0], 10_000, 'the first call');
      expect(first).toMatchObject({ server: 'modern', tool: 'deploy', arguments: { env: 'prod' } });
      expect(elicitations).toEqual([]); // held: the server has not asked for anything yet
      expect(gate.decide(first.id, 'allow')).toBe(true);

      const second = await waitFor(
        () => gate.pending().find((p) => p.id !== first.id),
        10_000,
        'the retried call',
      );
      expect(second).toMatchObject({
        server: 'modern',
        tool: 'deploy',
        arguments: { env: 'prod' },
      });
      expect(gate.pending().map((p) => p.id)).toEqual([second.id]);
      expect(elicitations).toEqual(['Deploy to prod?']); // the retry carries the answer
      expect(gate.decide(second.id, 'allow')).toBe(true);

      const result = await call;
      expect(result.isError).toBeFalsy();
      expect(text(result)).toBe('deployed to prod (state deploy:prod)');
    } finally {
      await client.close();
    }
  });

  it('a denied 2026 call reaches the v2 client as an isError tool result with the reason', async () => {
    const { client } = await connectModern(dataDir);
    try {
      const call = client.callTool({ name: 'echo', arguments: { text: 'no' } });
      const p = await waitFor(() => gate.pending()[0], 10_000, 'a pending call');
      gate.decide(p.id, 'deny', 'not in production');
      const res = await call;
      expect(res.isError).toBe(true);
      expect(res.content).toEqual([
        { type: 'text', text: 'Denied by user in Airlock: not in production' },
      ]);
    } finally {
      await client.close();
    }
  });

  it('denying the retry of an input_required call ends the flow with the denial', async () => {
    const { client, elicitations } = await connectModern(dataDir);
    try {
      const call = client.callTool({ name: 'deploy', arguments: { env: 'prod' } });
      const first = await waitFor(() => gate.pending()[0], 10_000, 'the first call');
      gate.decide(first.id, 'allow');
      const second = await waitFor(
        () => gate.pending().find((p) => p.id !== first.id),
        10_000,
        'the retried call',
      );
      gate.decide(second.id, 'deny', 'changed my mind');
      const res = await call;
      expect(elicitations).toEqual(['Deploy to prod?']);
      expect(res.isError).toBe(true);
      expect(res.content).toEqual([
        { type: 'text', text: 'Denied by user in Airlock: changed my mind' },
      ]);
    } finally {
      await client.close();
    }
  });
});
