// The shim's side of a real gate connection: what leaves for the gate, and when.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateService, type GateService } from '../gate/service';
import { tempDir, waitFor } from '../testing/harness';
import { GateLink } from './gateLink';

/** What the test reads of the link's connection (private: the shim never needs it). */
interface Internals {
  conn: { channel: { queuedBytes: number } } | null;
}

describe('GateLink on a live connection', () => {
  let gate: GateService;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = tempDir();
    gate = await startGateService({ dataDir, mode: 'ask' });
  });
  afterAll(() => gate.close());

  /** A link of a shim for `server`, connected, its session sent. */
  async function connected(server: string) {
    const link = new GateLink(
      dataDir,
      {
        server,
        host: 'test-host',
        command: 'node',
        args: [],
        cwd: process.cwd(),
        pid: process.pid,
        commandPath: null,
        codeEnv: {},
      },
      () => {},
    );
    link.warmUp();
    const internals = link as unknown as Internals;
    const conn = await waitFor(() => internals.conn, 10_000, 'the link to connect');
    await waitFor(() => conn.channel.queuedBytes === 0, 10_000, 'the session to be sent');
    return { link, conn };
  }

  it('sends an ask in the same turn as the outcome reports waiting, so both leave in one write', async () => {
    const { link, conn } = await connected('same-turn');

    // An outcome report waits (it is bookkeeping) for the next message to the gate...
    link.send({ t: 'outcome', rid: 1, isError: false, durationMs: 1, size: 10 });
    expect(conn.channel.queuedBytes).toBe(0);
    // ...and the next call's ask is queued with it at once, before any other turn of the loop
    // (a later ask would leave after the outcome's own write, waking the gate twice).
    const line = Buffer.from(
      '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{}}}',
    );
    const digest = createHash('sha256').update(line).digest('hex');
    void link.ask(2, line, digest);
    expect(conn.channel.queuedBytes).toBeGreaterThan(line.length + 100);

    link.cancel(2, 'test over'); // a cancelled ask is never answered
    link.close();
  });

  it('sends the text of held results one result after another, each as the queue has room', async () => {
    const { link } = await connected('held-in-turn');
    const taken: string[] = [];
    /** Parts big enough that each fills the queue: the next waits for it to drain. */
    function* parts(tag: string): Generator<string> {
      for (let i = 1; i <= 3; i++) {
        taken.push(`${tag}${i}`);
        yield 'x'.repeat(200_000);
      }
    }
    const report = (rid: number) => ({
      t: 'outcome' as const,
      rid,
      isError: false,
      durationMs: 1,
      size: 600_000,
      digest: 'c'.repeat(64),
      sample: '',
      textChars: 600_000,
    });
    // The gate never asked for these to be held: it replaces them, once their reports come.
    const verdicts = await Promise.all([
      link.askResult(report(1), parts('a')),
      link.askResult(report(2), parts('b')),
    ]);
    expect(taken).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3']);
    expect(verdicts.map((v) => v.verdict)).toEqual(['replace', 'replace']);
    link.close();
  });
});
