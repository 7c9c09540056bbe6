// The shim's rows of issue 13: many shims at once, the shim's CPU per gated call against a plain
// line proxy, and the shim's peak memory. Every call is gated for real: `airlock gate --mode
// ask` as its own process, with an allow rule for server-everything's `echo`, so each call is
// sent to the gate, decided by the rule, committed, and forwarded.
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { databasePath } from '../src/core/dataDir';
import { openStore } from '../src/store/store';
import {
  connectClient,
  everythingServer,
  NODE,
  startGateProcess,
  tempDir,
  type ServerCommand,
} from '../src/testing/harness';
import { ms, percentile, writeSection } from './report';
import { saveRows } from './summary';

const SHIMS = 20;
const CALLS_PER_SHIM = 60;
const ROUNDS = 3;
const CPU_CALLS = 1000;
const RSS_ROWS = [
  { label: '2,000 × 1 KB', calls: 2000, bytes: 1024 },
  // The issue asks for 100 × 10 MB; server-everything's echo never answers a 10 MB message,
  // not even directly (the SDK client times out), so the largest row it can run is 5 MB.
  { label: '100 × 5 MB', calls: 100, bytes: 5 * 1024 * 1024 },
];

/** CPU time (user + system) of a process so far, in ms (Linux /proc, USER_HZ 100). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

const pidOf = (client: Client): number =>
  (client.transport as unknown as { pid: number | null }).pid ?? 0;

/** About 1 KB of words. */
function kilobyte(i: number): string {
  const words = 'read write file note alpha beta gamma delta project source test build'.split(' ');
  let text = `${i} `;
  for (let w = i; text.length < 1000; w++) text += `${words[w % words.length]} `;
  return text.slice(0, 1000);
}

/** Generous: 10 MB calls on a loaded machine take seconds each, and a slow one is a figure. */
const CALL_TIMEOUT_MS = 300_000;

const echo = (client: Client, message: string): Promise<unknown> =>
  client.callTool({ name: 'echo', arguments: { message } }, undefined, {
    timeout: CALL_TIMEOUT_MS,
  });

const stage = (what: string): void => {
  process.stderr.write(`[shim13] ${new Date().toISOString().slice(11, 19)} ${what}\n`);
};

/** The SDK client through bench/lineProxy.mjs: the same hop as the shim, with no work in it. */
async function throughLineProxy(server: ServerCommand): Promise<Client> {
  const transport = new StdioClientTransport({
    command: NODE,
    args: [join(__dirname, 'lineProxy.mjs'), server.command, ...server.args],
    stderr: 'pipe',
  });
  const client = new Client({ name: 'airlock-bench', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

function allowEcho(dataDir: string): void {
  const store = openStore(databasePath(dataDir));
  store.rules.add(
    {
      serverId: null,
      tool: 'echo',
      conditions: [],
      action: 'allow',
      expiry: { kind: 'forever' },
      riskCeiling: null,
      note: 'bench',
      origin: 'manual',
      enabled: true,
    },
    Date.now(),
  );
  store.close();
}

/** Every client calls `calls` times in a row, all clients at once; the round trips in ms. */
async function allAtOnce(clients: Client[], calls: number, offset: number): Promise<number[]> {
  const samples: number[] = [];
  await Promise.all(
    clients.map(async (c, k) => {
      for (let i = 0; i < calls; i++) {
        const t = performance.now();
        await echo(c, kilobyte(offset + k * calls + i));
        samples.push(performance.now() - t);
      }
    }),
  );
  return samples;
}

const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);

it('issue 13: many shims at once, shim CPU per gated call, shim peak memory', async () => {
  const dataDir = tempDir('airlock-bench-shim13-');
  allowEcho(dataDir);
  const gate = await startGateProcess(dataDir, ['--mode', 'ask']);
  const open: Client[] = [];
  try {
    // 1. SHIMS shims (and as many direct clients) calling at once, interleaved by round.
    stage('many shims');
    const viaShim = await Promise.all(
      Array.from({ length: SHIMS }, () => connectClient(everythingServer(), { dataDir })),
    );
    const direct = await Promise.all(
      Array.from({ length: SHIMS }, () => connectClient(everythingServer())),
    );
    open.push(...viaShim, ...direct);
    await allAtOnce([...viaShim, ...direct], 5, 0); // warm-up
    const shimSamples: number[] = [];
    const directSamples: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const offset = 10_000 * (r + 1);
      if (r % 2 === 0) {
        shimSamples.push(...(await allAtOnce(viaShim, CALLS_PER_SHIM, offset)));
        directSamples.push(...(await allAtOnce(direct, CALLS_PER_SHIM, offset)));
      } else {
        directSamples.push(...(await allAtOnce(direct, CALLS_PER_SHIM, offset)));
        shimSamples.push(...(await allAtOnce(viaShim, CALLS_PER_SHIM, offset)));
      }
    }
    for (const c of open.splice(0)) await c.close().catch(() => {});
    const shimSorted = sorted(shimSamples);
    const directSorted = sorted(directSamples);

    // 2. CPU per gated call: the shim against the line proxy, same calls, interleaved.
    stage('CPU per call');
    const shim = await connectClient(everythingServer(), { dataDir });
    const proxy = await throughLineProxy(everythingServer());
    open.push(shim, proxy);
    for (let i = 0; i < 100; i++) {
      await echo(shim, kilobyte(i));
      await echo(proxy, kilobyte(i));
    }
    let shimCpu = 0;
    let proxyCpu = 0;
    for (let r = 0; r < ROUNDS; r++) {
      for (const [client, add] of [
        [shim, (v: number) => (shimCpu += v)],
        [proxy, (v: number) => (proxyCpu += v)],
      ] as const) {
        const before = cpuMs(pidOf(client));
        for (let i = 0; i < CPU_CALLS / ROUNDS; i++) await echo(client, kilobyte(i));
        add(cpuMs(pidOf(client)) - before);
      }
    }
    const perCall = (total: number): number => total / (CPU_CALLS - (CPU_CALLS % ROUNDS));
    for (const c of open.splice(0)) await c.close().catch(() => {});

    // 3. Peak RSS of a fresh shim per row.
    const rss: string[] = [];
    for (const row of RSS_ROWS) {
      stage(`peak RSS, ${row.label}`);
      const c = await connectClient(everythingServer(), { dataDir });
      open.push(c);
      const message = row.bytes > 2048 ? 'x'.repeat(row.bytes) : null;
      for (let i = 0; i < row.calls; i++) await echo(c, message ?? kilobyte(i));
      const peak = peakRssMiB(pidOf(c));
      const target = row.bytes > 2048 ? (2 * row.bytes) / 2 ** 20 + 48 : 50;
      rss.push(
        `| shim peak RSS, ${row.label} | ${peak.toFixed(1)} MiB | ≤ ${target.toFixed(0)} MiB |`,
      );
      await c.close().catch(() => {});
      open.pop();
    }

    const shimP99 = percentile(shimSorted, 99);
    const directP99 = percentile(directSorted, 99);
    expect(shimSamples).toHaveLength(SHIMS * CALLS_PER_SHIM * ROUNDS);
    writeSection(
      'shim-13',
      `## Many shims, shim CPU and memory (issue 13)

\`airlock gate --mode ask\` as its own process with an allow rule for server-everything's \`echo\`:
every call below is gated (sent to the gate, decided by the rule, committed, forwarded). 1 KB
echo calls from the SDK client.

- **${SHIMS} shims at once:** ${SHIMS} clients, each through its own shim to its own server, each
  calling ${CALLS_PER_SHIM} times in a row, all at the same time; against ${SHIMS} direct clients doing
  the same, alternating, ${ROUNDS} rounds. The gate's decision is not visible from outside, so
  the row is the round trip through the shim, with the direct round trip beside it.
- **CPU per gated call:** the shim process's user + system time over ${CPU_CALLS - (CPU_CALLS % ROUNDS)} sequential
  calls, against \`bench/lineProxy.mjs\` (spawns the server, forwards each line both ways and
  does nothing else) over the same calls, interleaved in ${ROUNDS} rounds.
- **Peak RSS:** VmHWM of a fresh shim after the calls of its row. The issue's row is 100 × 10
  MB, but server-everything's \`echo\` does not answer a 10 MB message even without Airlock (the
  client times out), so the large row is 100 × 5 MB, against the same rule (2 × the message +
  48 MiB).

| measure | figure | target |
|---|---|---|
| ${SHIMS} shims at once: round trip p99 / median (ms) | ${ms(shimP99)} / ${ms(percentile(shimSorted, 50))} | decision p99 ≤ 20 |
| ${SHIMS} direct clients at once: round trip p99 / median (ms) | ${ms(directP99)} / ${ms(percentile(directSorted, 50))} | |
| shim CPU per gated call / line proxy CPU per call (ms) | ${ms(perCall(shimCpu))} / ${ms(perCall(proxyCpu))} = **${(shimCpu / proxyCpu).toFixed(2)}×** | ≤ 1.3× |
${rss.join('\n')}

Load average (1 min) at the end of the run: ${loadavg()[0]!.toFixed(1)} on a machine shared with
other work; the round trips move with it (${SHIMS * 2} servers and ${SHIMS} shims on two cores), CPU
per call much less. CPU is counted in ticks of 10 ms, summed over the whole run.`,
    );
    // One run each (no repeats yet): the summary shows these without a spread. RSS from its rows.
    saveRows('shim-13', {
      shimsDecisionP99: { values: [shimP99] },
      shimCpu: { values: [shimCpu / proxyCpu] },
      shimRss: rss.map((line) => ({
        label: line.split('|')[1]!.replace('shim peak RSS,', '').trim(),
        values: [Number(/\| ([\d.]+) MiB \|/.exec(line)?.[1])],
        limit: [Number(/≤ ([\d.]+) MiB/.exec(line)?.[1])],
      })),
    });
  } finally {
    for (const c of open) await c.close().catch(() => {});
    gate.kill('SIGTERM');
    await new Promise((r) => (gate.exitCode !== null ? r(null) : gate.once('exit', r)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 1_800_000);
