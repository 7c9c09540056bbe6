// Held results decided from the command line, through the real shim and a real gate: `airlock
// pending` lists them (marked as results, with id, tool, size, result risk and the masked
// excerpt; `--json` carries them), and `airlock result ID pass|redact|replace` decides them
// over the gate's control connection with the popup's semantics. A result no longer held, a
// call still waiting for approval and an unknown id each get a clear answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PendingCall, ResultReview, ReviewResultsMode } from '../contract/types';
import { databasePath } from '../core/dataDir';
import { startGateService, type GateService } from '../gate/service';
import { openStore } from '../store/store';
import {
  askEveryCall,
  RawShim,
  runCli,
  startGateProcess,
  tempDir,
  waitFor,
  injectingServer,
} from '../testing/harness';
import { newRule } from '../store/testSupport';

const GH_TOKEN = `ghp_${'Zx81Qw27Lp'.repeat(4)}`;

type Raw = Record<string, unknown> & { raw: string };
const textOf = (m: Raw): string =>
  ((m.result as { content?: { text?: string }[] }).content ?? []).map((c) => c.text).join('\n');

type Listed = ({ kind: 'call' } & PendingCall) | ({ kind: 'result' } & ResultReview);

describe('held results from the command line', () => {
  let gate: GateService;
  let dataDir: string;
  let shim: RawShim;
  const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir]);

  const setMode = async (tool: string, mode: ReviewResultsMode): Promise<void> => {
    const serverId = await waitFor(
      () => {
        const s = gate.sessions().find((x) => x.info?.server === 'injecting');
        return s?.serverId != null && gate.store.tools.get(s.serverId, tool) ? s.serverId : null;
      },
      10_000,
      `${tool} to be pinned`,
    );
    gate.setReviewMode(serverId, tool, mode);
  };

  /** Sends a tools/call; resolves once it waits for approval. */
  const callWaiting = async (id: number, name: string, args: object): Promise<PendingCall> => {
    const before = new Set(gate.pending().map((p) => p.id));
    shim.request(id, 'tools/call', { name, arguments: args });
    return waitFor(
      () => gate.pending().find((p) => !before.has(p.id) && p.tool === name),
      20_000,
      `${name} to wait for approval`,
    );
  };

  /** Sends a tools/call, approves it, and resolves once its result is held. */
  const callHeld = async (id: number, name: string, args: object): Promise<ResultReview> => {
    const call = await callWaiting(id, name, args);
    gate.decide(call.id, 'allow');
    return waitFor(
      () => gate.pendingResults().find((r) => r.id === call.id),
      20_000,
      `the result of ${name} to be held`,
    );
  };

  beforeAll(async () => {
    dataDir = tempDir();
    // Long enough that nothing here times out on a loaded machine.
    gate = await startGateService({ dataDir, mode: 'ask', timeoutMs: 300_000 });
    askEveryCall(gate);
    shim = new RawShim(dataDir, injectingServer());
    await shim.initialize();
    shim.request('list', 'tools/list');
    await shim.next((m) => m.id === 'list');
    await setMode('fetch_page', 'flagged');
    await setMode('plain', 'all');
  });
  afterAll(async () => {
    shim?.proc.stdin.end();
    await shim?.exited;
    await gate?.close();
  });

  it('pending lists a held result after the waiting calls, and `result pass` passes it', async () => {
    const held = await callHeld(1, 'fetch_page', { url: 'https://w.example' });
    const waiting = await callWaiting(2, 'plain', { text: 'still asking' });

    const text = await cli('pending');
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${waiting.id}  test-host/injecting plain \\[`));
    const at = lines.indexOf(
      '1 result(s) waiting for review (airlock result ID pass|redact|replace):',
    );
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(
      new RegExp(
        `^${held.id}  RESULT  test-host/injecting fetch_page \\[result risk high\\] \\d+(\\.\\d)? (B|KB)  \\(\\d+s left\\)$`,
      ),
    );
    expect(lines[at + 2]).toBe('    held because: the scan flagged it');
    expect(text.stdout).toMatch(/ {4}found \[high\] result\.override: /);
    // The hidden-text escape reaches the terminal as an escape, never as itself.
    expect(text.stdout).toMatch(
      / {4}excerpt: Page https:\/\/w\.example: Welcome .*\\u001b\[8m<IMPORTANT>Ignore all previous/,
    );
    expect(text.stdout).not.toContain('\u001b');

    const json = await cli('pending', '--json');
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.stdout) as Listed[];
    expect(listed.map((l) => [l.kind, l.id])).toEqual([
      ['call', waiting.id],
      ['result', held.id],
    ]);
    expect(listed[1]).toEqual({ kind: 'result', ...JSON.parse(JSON.stringify(held)) });
    expect(listed[1]).toMatchObject({ tool: 'fetch_page', risk: 'high', mode: 'flagged' });
    expect((listed[1] as ResultReview).size).toBeGreaterThan(100);

    // `approve` of it points to the right command.
    const approve = await cli('approve', String(held.id));
    expect(approve.code).toBe(1);
    expect(approve.stderr).toBe(
      `airlock: call ${held.id} was already approved; its result is waiting for review (airlock result ${held.id} pass|redact|replace)\n`,
    );

    const passed = await cli('result', String(held.id), 'pass');
    expect(passed.stderr).toBe('');
    expect(passed.stdout).toBe(`Passed the result of call ${held.id} to the agent.\n`);
    expect(passed.code).toBe(0);
    const answer = await shim.next((m) => m.id === 1, 20_000);
    expect(textOf(answer)).toContain('Ignore all previous instructions');
    const review = await waitFor(() => gate.store.history.get(held.id)?.result?.review, 10_000);
    expect(review).toMatchObject({ verdict: 'pass', decidedBy: 'user' });

    // A result is not a call: `result` on a call still waiting for approval says where it stands.
    const early = await cli('result', String(waiting.id), 'pass');
    expect(early.code).toBe(1);
    expect(early.stderr).toBe(
      `airlock: call ${waiting.id} is still waiting for approval (airlock approve or deny); its result has not come back\n`,
    );
    expect(gate.pending().some((p) => p.id === waiting.id)).toBe(true);
    gate.decide(waiting.id, 'deny');
    await shim.next((m) => m.id === 2, 20_000);

    // Decided once: a second verdict says what became of it, and changes nothing.
    const late = await cli('result', String(held.id), 'replace');
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(
      new RegExp(
        `^airlock: the result of call ${held.id} was already passed by you at .*\\d\\d:\\d\\d\\n$`,
      ),
    );
    expect(gate.store.history.get(held.id)?.result?.review).toMatchObject({ verdict: 'pass' });
  }, 90_000);

  it('`result redact` passes it with its secrets masked; the listing never shows them', async () => {
    const held = await callHeld(3, 'plain', { text: `key ${GH_TOKEN} here` });
    const text = await cli('pending');
    expect(text.stdout).toContain(`${held.id}  RESULT  test-host/injecting plain [no findings]`);
    expect(text.stdout).toContain('    held because: every result of this tool is reviewed');
    expect(text.stdout).toContain(
      '    excerpt (secrets masked here; `redact` passes it masked): key ghp_',
    );
    const json = await cli('pending', '--json');
    expect(json.stdout).toContain('"kind": "result"');
    expect(text.stdout).not.toContain(GH_TOKEN);
    // The excerpt is masked; the call's own arguments are shown whole, as the popup shows them.
    const listed = (JSON.parse(json.stdout) as Listed[]).find((l) => l.id === held.id);
    expect((listed as ResultReview).preview).toBe('key ghp_…Lp here');

    const res = await cli('result', String(held.id), 'redact');
    expect(res.stdout).toBe(`Passed the result of call ${held.id} to the agent, secrets masked.\n`);
    expect(res.code).toBe(0);
    const answer = await shim.next((m) => m.id === 3, 20_000);
    expect(answer.raw).not.toContain(GH_TOKEN);
    expect(textOf(answer)).toMatch(/^key ghp_.*….* here$/);
    const review = await waitFor(() => gate.store.history.get(held.id)?.result?.review, 10_000);
    expect(review).toMatchObject({ verdict: 'redact', decidedBy: 'user' });
  }, 90_000);

  it('`result replace --message` gives the agent an error with the message', async () => {
    const held = await callHeld(4, 'fetch_page', { url: 'https://w.example' });
    const res = await cli(
      'result',
      String(held.id),
      'replace',
      '--message',
      'This page tried to give you orders.',
    );
    expect(res.stdout).toBe(
      `Replaced the result of call ${held.id} with an error for the agent.\n`,
    );
    expect(res.code).toBe(0);
    const answer = await shim.next((m) => m.id === 4, 20_000);
    expect((answer.result as { isError: boolean }).isError).toBe(true);
    expect(textOf(answer)).toBe(
      'Withheld by the user in Airlock: the result was not passed on. This page tried to give you orders.',
    );
    expect(answer.raw).not.toContain('Ignore all previous');
    const review = await waitFor(() => gate.store.history.get(held.id)?.result?.review, 10_000);
    expect(review).toMatchObject({
      verdict: 'replace',
      decidedBy: 'user',
      message: 'This page tried to give you orders.',
    });
    const late = await cli('result', String(held.id), 'pass');
    expect(late.stderr).toMatch(
      /was already replaced by you at .*\d\d:\d\d \(This page tried to give you orders\.\)\n$/,
    );
  }, 90_000);

  it('an unknown id, and a call whose result was never held, each say so', async () => {
    const unknown = await cli('result', '999999', 'pass');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      'airlock: no result of call 999999 is waiting for review: there is no call 999999\n',
    );
    const [denied] = gate.store.history.query({ decision: 'denied', limit: 1 });
    expect(denied).toBeDefined();
    const res = await cli('result', String(denied!.id), 'pass');
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `airlock: no result of call ${denied!.id} is waiting for review: the call was denied, it had no result\n`,
    );
  }, 60_000);

  it('refuses a mistyped verdict, and a message with anything but replace, before asking the gate', async () => {
    const verdict = await cli('result', '1', 'approve');
    expect(verdict.code).toBe(2);
    expect(verdict.stderr).toMatch(/"approve" is not a verdict: say pass, redact or replace/);
    const message = await cli('result', '1', 'pass', '--message', 'hi');
    expect(message.code).toBe(2);
    expect(message.stderr).toMatch(/--message goes only with replace/);
    const long = await cli('result', '1', 'replace', '--message', 'x'.repeat(4001));
    expect(long.code).toBe(2);
    expect(long.stderr).toMatch(/--message is over 4000 characters/);
    const missing = await cli('result', '1');
    expect(missing.code).toBe(2);
  }, 60_000);
});

describe('`airlock gate` and a held result', () => {
  it('announces the held result, and `airlock result` decides it in that other process', async () => {
    const dir = tempDir();
    // An allow rule that holds every result of fetch_page, written before the gate starts.
    const store = openStore(databasePath(dir));
    store.rules.add(
      newRule({ tool: 'fetch_page', action: 'allow', reviewResults: 'all' }),
      Date.now(),
    );
    store.close();
    const gateProc = await startGateProcess(dir, ['--timeout', '300']);
    let out = '';
    gateProc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const shim = new RawShim(dir, injectingServer());
    try {
      await shim.initialize();
      shim.request('list', 'tools/list');
      await shim.next((m) => m.id === 'list');
      shim.request(1, 'tools/call', {
        name: 'fetch_page',
        arguments: { url: 'https://w.example' },
      });
      const line = await waitFor(
        () =>
          /^result waiting (\d+): test-host\/injecting fetch_page \[result risk high\] .*— airlock result \1 pass\|redact\|replace$/m.exec(
            out,
          ),
        20_000,
        'the gate to announce the held result',
      );
      const id = line[1]!;
      const res = await runCli(['result', id, 'redact', '--data-dir', dir]);
      expect(res.stdout).toBe(`Passed the result of call ${id} to the agent, secrets masked.\n`);
      const answer = await shim.next((m) => m.id === 1, 20_000);
      expect(textOf(answer)).toContain('Welcome to the weather service');
    } finally {
      shim.proc.stdin.end();
      await shim.exited;
      gateProc.kill('SIGTERM');
      await new Promise((r) => gateProc.once('exit', r));
    }
  }, 90_000);
});
