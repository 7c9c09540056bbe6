// Server identity end to end: the real shim reports what decides the code its server runs
// (here NODE_OPTIONS, which the server inherits); a change suspends the allow rules until
// `airlock servers review`, and `airlock servers` shows the change.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, everythingServer, runCli, tempDir, waitFor } from '../testing/harness';
import { startGateService, type GateService } from '../gate/service';
import { newRule } from '../store/testSupport';

type CallResult = Awaited<ReturnType<Client['callTool']>>;
const textOf = (r: CallResult): string =>
  (r.content as { text?: string }[]).map((c) => c.text ?? '').join('\n');

let dataDir: string;
let gate: GateService;

beforeAll(async () => {
  dataDir = tempDir();
  gate = await startGateService({ dataDir });
  gate.store.rules.add(newRule({ tool: 'echo', action: 'allow' }), Date.now());
});

afterAll(async () => {
  await gate.close();
});

/** One host session: echo once, denying it if it waits for a person. */
async function echo(env: Record<string, string>): Promise<{ text: string; askReasons: string[] }> {
  const client = await connectClient(everythingServer(), { dataDir, env });
  let askReasons: string[] = [];
  try {
    const call = client.callTool({ name: 'echo', arguments: { message: 'hi' } });
    const settled = call.then(() => 'done' as const);
    const first = await Promise.race([
      settled,
      waitFor(() => gate.pending()[0], 20_000, 'a prompt'),
    ]);
    if (first !== 'done') {
      askReasons = first.askReasons;
      gate.decide(first.id, 'deny', 'not now');
    }
    return { text: textOf(await call), askReasons };
  } finally {
    await client.close();
  }
}

describe('the code a server runs', () => {
  it('a new NODE_OPTIONS suspends allow rules until reviewed, and says so', async () => {
    // Explicitly empty: whatever the test runner's own environment holds.
    expect((await echo({ NODE_OPTIONS: '' })).text).toContain('Echo: hi');

    const changed = await echo({ NODE_OPTIONS: '--no-deprecation' });
    expect(changed.text).toContain('Denied by user in Airlock: not now');
    expect(changed.askReasons[0]).toMatch(/runs different code than you reviewed/);
    expect(changed.askReasons[0]).toContain('env NODE_OPTIONS:  → --no-deprecation');

    const listed = await runCli(['servers', '--data-dir', dataDir]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/CHANGED since review/);
    expect(listed.stdout).toContain('env NODE_OPTIONS:  → --no-deprecation');
    const id = /^(\d+) {2}everything/m.exec(listed.stdout)?.[1];
    expect(id).toBeDefined();

    const reviewed = await runCli(['servers', 'review', id ?? '', '--data-dir', dataDir]);
    expect(reviewed.stdout).toContain(`Reviewed server ${id}`);
    expect((await echo({ NODE_OPTIONS: '--no-deprecation' })).text).toContain('Echo: hi');
    expect((await runCli(['servers', '--data-dir', dataDir])).stdout).not.toMatch(/CHANGED/);
  });
});
