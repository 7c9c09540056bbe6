// Review results through the real shim: a tool set to "review results" has its result held
// until a person passes it, passes it redacted, or replaces it with an error the agent reads;
// the timeout replaces it, never passes it. The host hears progress while it waits, a cancelled
// call's held result is dropped, and a 2026-07-28 result is held the same way.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewResultsMode, Rule } from '../contract/types';
import { startGateService, type GateService } from '../gate/service';
import {
  askEveryCall,
  NODE,
  RawShim,
  ROOT,
  tempDir,
  waitFor,
  type ServerCommand,
  injectingServer,
} from '../testing/harness';
import { newRule } from '../store/testSupport';

const modern = (): ServerCommand => ({
  name: 'modern',
  command: NODE,
  args: [join(ROOT, 'src/testing/fixtures/modern-server.mjs')],
});

const GH_TOKEN = `ghp_${'Zx81Qw27Lp'.repeat(4)}`;

type Raw = Record<string, unknown> & { raw: string };
const textOf = (m: Raw): string =>
  ((m.result as { content?: { text?: string }[] }).content ?? []).map((c) => c.text).join('\n');

/** A raw host on the shim, initialized and with the tools listed (so they are pinned). */
async function openShim(dataDir: string, server: ServerCommand, env: Record<string, string> = {}) {
  const shim = new RawShim(dataDir, server, { AIRLOCK_PROGRESS_INTERVAL_MS: '100', ...env });
  await shim.initialize();
  shim.request('list', 'tools/list');
  await shim.next((m) => m.id === 'list');
  return shim;
}

async function close(shim: RawShim): Promise<void> {
  shim.proc.stdin.end();
  await shim.exited;
}

/** The server's id once its tools are pinned (the host may see the list a moment earlier). */
async function pinned(gate: GateService, name: string, tool: string): Promise<number> {
  return waitFor(
    () => {
      const s = gate.sessions().find((x) => x.info?.server === name && x.serverId !== null);
      return s?.serverId != null && gate.store.tools.get(s.serverId, tool) ? s.serverId : null;
    },
    10_000,
    `${tool} of ${name} to be pinned`,
  );
}

/** Sends a tools/call, approves it when it waits, and waits for its result to be held. */
async function callHeld(
  gate: GateService,
  shim: RawShim,
  id: number | string,
  name: string,
  args: object,
  progressToken?: string,
) {
  const before = new Set(gate.pending().map((p) => p.id));
  shim.send(
    `{"jsonrpc":"2.0","id":${typeof id === 'number' ? id : JSON.stringify(id)},"method":"tools/call","params":${JSON.stringify(
      { name, arguments: args, ...(progressToken ? { _meta: { progressToken } } : {}) },
    )}}`,
  );
  const pending = await waitFor(
    () => gate.pending().find((p) => !before.has(p.id) && p.tool === name),
    20_000,
    `${name} to wait for approval`,
  );
  gate.decide(pending.id, 'allow');
  return waitFor(
    () => gate.pendingResults().find((r) => r.id === pending.id),
    20_000,
    `the result of ${name} to be held`,
  );
}

describe('review results', () => {
  let gate: GateService;
  let dataDir: string;
  let shim: RawShim;
  const setMode = async (tool: string, mode: ReviewResultsMode): Promise<void> =>
    gate.setReviewMode(await pinned(gate, 'injecting', tool), tool, mode);

  beforeAll(async () => {
    dataDir = tempDir();
    gate = await startGateService({ dataDir, mode: 'ask' });
    askEveryCall(gate);
    shim = await openShim(dataDir, injectingServer());
    await waitFor(() => gate.sessions().some((s) => s.serverId !== null), 10_000, 'the session');
  });
  afterAll(async () => {
    await close(shim);
    await gate.close();
  });

  it('"flagged" passes a clean result without asking, byte for byte', async () => {
    await setMode('plain', 'flagged');
    shim.request(1, 'tools/call', { name: 'plain', arguments: { text: 'nothing to see' } });
    const p = await waitFor(() => gate.pending().find((c) => c.tool === 'plain'), 20_000);
    gate.decide(p.id, 'allow');
    const answer = await shim.next((m) => m.id === 1, 20_000);
    expect(textOf(answer)).toBe('nothing to see');
    expect(gate.pendingResults()).toEqual([]);
    const row = await waitFor(() => gate.store.history.get(p.id)?.result?.review, 10_000);
    expect(row).toMatchObject({ verdict: 'pass', decidedBy: 'policy' });
  }, 60_000);

  it('"flagged" holds an injection, keeps the host alive with progress, and passes it on request', async () => {
    await setMode('fetch_page', 'flagged');
    const held = await callHeld(gate, shim, 2, 'fetch_page', { url: 'https://w.example' }, 'tok-2');
    expect(held.mode).toBe('flagged');
    expect(held.risk).toBe('high');
    expect(held.findings.map((f) => f.code)).toContain('result.override');
    expect(held.preview).toContain('Ignore all previous instructions');
    // The same token had progress while the call itself waited for its decision (on a slow
    // machine, before the result was held): the result's own progress says what waits now.
    const progress = await shim.next(
      (m) =>
        m.method === 'notifications/progress' &&
        (m.params as { progressToken: unknown }).progressToken === 'tok-2' &&
        JSON.stringify(m.params).includes('Result waiting for review'),
    );
    expect(JSON.stringify(progress.params)).toContain('Result waiting for review in Airlock');
    expect(shim.lines.some((l) => l.includes('"id":2,') && l.includes('"result"'))).toBe(false);
    expect(gate.decideResult(held.id, 'pass')).toBe(true);
    const answer = await shim.next((m) => m.id === 2, 20_000);
    expect(textOf(answer)).toContain('Ignore all previous instructions');
    const review = await waitFor(() => gate.store.history.get(held.id)?.result?.review, 10_000);
    expect(review).toMatchObject({ verdict: 'pass', decidedBy: 'user' });
    expect(gate.store.audit.verify()).toMatchObject({ ok: true });
  }, 60_000);

  it('"all" holds a clean result too, and "pass redacted" masks its secrets, keeping the id token', async () => {
    await setMode('plain', 'all');
    // The server answers "rédact"; the host gets its own spelling of the id back.
    const id = '"r\\u00e9dact"';
    const before = new Set(gate.pending().map((p) => p.id));
    shim.send(
      `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"plain","arguments":{"text":"key ${GH_TOKEN} here"}}}`,
    );
    const p = await waitFor(
      () => gate.pending().find((c) => !before.has(c.id) && c.tool === 'plain'),
      20_000,
    );
    gate.decide(p.id, 'allow');
    const held = await waitFor(() => gate.pendingResults().find((r) => r.id === p.id), 20_000);
    expect(held.mode).toBe('all');
    expect(held.preview).not.toContain(GH_TOKEN); // not even the reviewer sees it whole
    expect(held.hasSecrets).toBe(true);
    gate.decideResult(held.id, 'redact');
    const answer = await shim.next((_m, raw) => raw.includes(`"id":${id}`), 20_000);
    expect(answer.raw).toContain(`"id":${id},`);
    expect(answer.raw).not.toContain(GH_TOKEN);
    expect(textOf(answer)).toMatch(/^key ghp_.*….* here$/);
  }, 60_000);

  it('"replace" gives the agent an error it reads, with the person\'s message', async () => {
    await setMode('fetch_page', 'flagged');
    const held = await callHeld(gate, shim, 3, 'fetch_page', { url: 'https://w.example' });
    gate.decideResult(held.id, 'replace', 'This page tried to give you orders.');
    const answer = await shim.next((m) => m.id === 3, 20_000);
    expect((answer.result as { isError: boolean }).isError).toBe(true);
    expect(textOf(answer)).toBe(
      'Withheld by the user in Airlock: the result was not passed on. This page tried to give you orders.',
    );
    expect(answer.raw).not.toContain('Ignore all previous');
  }, 60_000);

  it('holds structuredContent, and passes it as the server sent it', async () => {
    await setMode('report', 'flagged');
    const held = await callHeld(gate, shim, 4, 'report', { topic: 'sales' });
    expect(held.risk).toBe('high');
    gate.decideResult(held.id, 'pass');
    const answer = await shim.next((m) => m.id === 4, 20_000);
    expect(
      (answer.result as { structuredContent: { summary: string } }).structuredContent.summary,
    ).toBe('All good on sales.');
  }, 60_000);

  it('drops a held result whose call the host cancelled, and the gate stops asking', async () => {
    await setMode('fetch_page', 'all');
    const held = await callHeld(gate, shim, 5, 'fetch_page', { url: 'https://w.example' });
    shim.send(
      JSON.stringify({
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId: 5, reason: 'stop' },
      }),
    );
    await waitFor(() => !gate.pendingResults().some((r) => r.id === held.id), 10_000);
    shim.request('after', 'ping');
    await shim.next((m) => m.id === 'after');
    expect(shim.lines.some((l) => /"id":5[,}]/.test(l))).toBe(false);
    const review = await waitFor(() => gate.store.history.get(held.id)?.result?.review, 10_000);
    expect(review).toMatchObject({ verdict: 'replace', decidedBy: 'host' });
  }, 60_000);

  it('holds a 2026-07-28 result (resultType kept) and passes it redacted', async () => {
    const shim = new RawShim(dataDir, modern(), { AIRLOCK_PROGRESS_INTERVAL_MS: '100' });
    try {
      const envelope = {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
        'io.modelcontextprotocol/clientCapabilities': {},
      };
      shim.request('d', 'server/discover', { _meta: envelope });
      await shim.next((m) => m.id === 'd');
      shim.request('l', 'tools/list', { _meta: envelope });
      await shim.next((m) => m.id === 'l');
      await waitFor(
        () => gate.sessions().some((s) => s.info?.server === 'modern' && s.serverId !== null),
        10_000,
      );
      gate.setReviewMode(await pinned(gate, 'modern', 'echo'), 'echo', 'all');
      shim.request(7, 'tools/call', {
        name: 'echo',
        arguments: { text: `token ${GH_TOKEN}` },
        _meta: envelope,
      });
      // A secret in the arguments is critical: it asks, whatever the rules say.
      const call = await waitFor(
        () => gate.pending().find((c) => c.tool === 'echo'),
        20_000,
        'the call to ask',
      );
      gate.decide(call.id, 'allow');
      const held = await waitFor(
        () => gate.pendingResults().find((r) => r.tool === 'echo'),
        20_000,
        'a held result',
      );
      gate.decideResult(held.id, 'redact');
      const answer = await shim.next((m) => m.id === 7, 20_000);
      expect(answer.raw).not.toContain(GH_TOKEN);
      expect(textOf(answer)).toContain('echo: token ghp_');
      expect((answer.result as { resultType?: string }).resultType).toBe('complete');
    } finally {
      await close(shim);
    }
  }, 60_000);
});

describe('review results: the timeout replaces', () => {
  let gate: GateService;
  let dataDir: string;
  let allowAll: Rule;

  beforeAll(async () => {
    dataDir = tempDir();
    // A short timeout: only the result waits on it here (the call is allowed by a rule).
    gate = await startGateService({ dataDir, mode: 'ask', timeoutMs: 1_500 });
    allowAll = gate.store.rules.add(newRule({ action: 'allow' }), Date.now());
  });
  afterAll(() => gate.close());

  it('replaces a result nobody decided on when the time is up', async () => {
    const shim = await openShim(dataDir, injectingServer());
    try {
      gate.setReviewMode(await pinned(gate, 'injecting', 'fetch_page'), 'fetch_page', 'all');
      shim.request(9, 'tools/call', {
        name: 'fetch_page',
        arguments: { url: 'https://w.example' },
      });
      const answer = await shim.next((m) => m.id === 9, 30_000);
      expect((answer.result as { isError: boolean }).isError).toBe(true);
      expect(textOf(answer)).toMatch(/^Withheld by Airlock: no decision within \d+ seconds/);
      expect(answer.raw).not.toContain('Ignore all previous');
    } finally {
      await close(shim);
    }
  }, 60_000);

  it('holds the results of the calls an allow rule with "review results" lets through', async () => {
    const shim = await openShim(dataDir, injectingServer());
    try {
      // The tool's own setting is off: only the rule holds the result.
      expect(gate.reviewModeOf(await pinned(gate, 'injecting', 'report'), 'report')).toBe('off');
      gate.store.rules.update(allowAll.id, { reviewResults: 'flagged' });
      shim.request(10, 'tools/call', { name: 'report', arguments: { topic: 'q3' } });
      const answer = await shim.next((m) => m.id === 10, 30_000);
      expect(textOf(answer)).toMatch(/^Withheld by Airlock: no decision within \d+ seconds/);
      expect(answer.raw).not.toContain('Ignore all previous');
      shim.request(11, 'tools/call', { name: 'plain', arguments: { text: 'clean' } });
      const clean = await shim.next((m) => m.id === 11, 30_000);
      expect(textOf(clean)).toBe('clean'); // not flagged: passed at once
    } finally {
      await close(shim);
    }
  }, 60_000);
});
