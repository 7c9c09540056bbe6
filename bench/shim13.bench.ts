// The shim's rows of issue 13: many shims at once, the shim's CPU per gated call against a plain
// line proxy, and the shim's peak memory. Every call is gated for real: `airlock gate --mode
// ask` as its own process, with an allow rule for server-everything's `echo`, so each call is
// sent to the gate, decided by the rule, committed, and forwarded.
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { databasePath } from '../src/core/dataDir';
import { openStore } from '../src/store/store';
import { connectClient, everythingServer, startGateProcess, tempDir } from '../src/testing/harness';
import { ms, percentile, writeSection } from './report';
import { saveRows } from './summary';
import { newRule } from '../src/store/testSupport';
import { startEchoPeer, throughLineProxy } from './yardstick';

const SHIMS = 20;
const CALLS_PER_SHIM = 60;
/** Every row is measured this many times; the table shows median (min–max) of the repeats. */
const REPEATS = 3;
const CPU_CALLS = 1000;
const RSS_ROWS = [
  { label: '2,000 × 1 KB', calls: 2000, bytes: 1024 },
  // The issue asks for 100 × 10 MB; server-everything's echo never answers a 10 MB message,
  // not even directly (the SDK client times out), so the largest row it can run is 5 MB. A
  // 5 MB call takes seconds through the gate (its risk scan and record), so a fresh shim takes
  // 30 of them per repeat: its peak is reached within the first few.
  { label: '30 × 5 MB', calls: 30, bytes: 5 * 1024 * 1024 },
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

function allowEcho(dataDir: string): void {
  const store = openStore(databasePath(dataDir));
  store.rules.add(newRule({ tool: 'echo', action: 'allow', note: 'bench' }), Date.now());
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

/** Median (min–max) of the repeats' figures. */
const spread = (values: number[], f: (v: number) => string = ms): string => {
  const s = sorted(values);
  return `${f(s[Math.floor(s.length / 2)]!)} (${f(s[0]!)}–${f(s.at(-1)!)})`;
};
const mib = (v: number): string => v.toFixed(1);
const times = (v: number): string => `${v.toFixed(2)}×`;

async function closeAll(clients: Client[]): Promise<void> {
  await Promise.all(clients.map((c) => c.close().catch(() => {})));
}

/**
 * The decision waits the shims traced (AIRLOCK_TRACE_DECISIONS). Each shim appends its figures
 * as it exits, just after its client closes: read once all are in, or once no more come.
 */
async function tracedDecisions(file: string, expected: number): Promise<number[]> {
  const read = (): number[] =>
    existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : [];
  let last = -1;
  let still = 0;
  for (;;) {
    const got = read();
    if (got.length >= expected) return got;
    still = got.length === last ? still + 1 : 0;
    last = got.length;
    if (still >= 50) {
      stage(`only ${got.length} of ${expected} decisions traced`);
      return got;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * fdatasync of 4 KB on the data directory's disk, 100 times: the floor under every decision
 * (each is durable before its call goes on), measured beside the rows it explains.
 */
function fsyncTimes(dataDir: string): number[] {
  const fd = openSync(join(dataDir, 'fsync-probe'), 'w');
  const block = Buffer.alloc(4096, 1);
  const out: number[] = [];
  try {
    for (let i = 0; i < 100; i++) {
      writeSync(fd, block);
      const t = performance.now();
      fdatasyncSync(fd);
      out.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
  }
  return sorted(out);
}

interface ManyShims {
  fsyncMedian: number;
  fsyncP99: number;
  shimP99: number;
  shimMedian: number;
  directP99: number;
  directMedian: number;
  decisionP99: number;
  decisionMedian: number;
}

/**
 * One repeat of the many-shims row: fresh shims (tracing their decision waits) and as many
 * direct clients, calling at once, shims and direct alternating over two rounds.
 */
async function manyShimsOnce(dataDir: string, repeat: number): Promise<ManyShims> {
  const trace = join(dataDir, `decisions-${repeat}.txt`);
  const viaShim = await Promise.all(
    Array.from({ length: SHIMS }, () =>
      connectClient(everythingServer(), { dataDir, env: { AIRLOCK_TRACE_DECISIONS: trace } }),
    ),
  );
  const direct = await Promise.all(
    Array.from({ length: SHIMS }, () => connectClient(everythingServer())),
  );
  const shimSamples: number[] = [];
  const directSamples: number[] = [];
  try {
    await allAtOnce([...viaShim, ...direct], 5, 0); // warm-up
    for (let r = 0; r < 2; r++) {
      const offset = 10_000 * (repeat * 2 + r + 1);
      const order = (r + repeat) % 2 === 0 ? ['shim', 'direct'] : ['direct', 'shim'];
      for (const which of order) {
        if (which === 'shim')
          shimSamples.push(...(await allAtOnce(viaShim, CALLS_PER_SHIM / 2, offset)));
        else directSamples.push(...(await allAtOnce(direct, CALLS_PER_SHIM / 2, offset)));
      }
    }
  } finally {
    await closeAll([...viaShim, ...direct]);
  }
  expect(shimSamples).toHaveLength(SHIMS * CALLS_PER_SHIM);
  // Warm-up calls are traced too: the figures are those of every gated call of the repeat.
  const decisions = sorted(await tracedDecisions(trace, SHIMS * (CALLS_PER_SHIM + 5)));
  const shimSorted = sorted(shimSamples);
  const directSorted = sorted(directSamples);
  const fsync = fsyncTimes(dataDir);
  return {
    fsyncMedian: percentile(fsync, 50),
    fsyncP99: percentile(fsync, 99),
    shimP99: percentile(shimSorted, 99),
    shimMedian: percentile(shimSorted, 50),
    directP99: percentile(directSorted, 99),
    directMedian: percentile(directSorted, 50),
    decisionP99: percentile(decisions, 99),
    decisionMedian: percentile(decisions, 50),
  };
}

interface CpuFigures {
  shim: number;
  proxy: number;
  /** The line proxy with one socket round trip per tools/call (the fair yardstick). */
  fair: number;
}

/** One repeat of the CPU row: ms of CPU per call, the shim and both line proxies, interleaved. */
async function cpuOnce(dataDir: string, echoPath: string): Promise<CpuFigures> {
  const shim = await connectClient(everythingServer(), { dataDir });
  const proxy = await throughLineProxy(everythingServer());
  const fair = await throughLineProxy(everythingServer(), echoPath);
  try {
    for (let i = 0; i < 100; i++) {
      for (const c of [shim, proxy, fair]) await echo(c, kilobyte(i));
    }
    const cpu = { shim: 0, proxy: 0, fair: 0 };
    // Halves in turn, so that a change of load during the repeat falls on all alike.
    for (let half = 0; half < 2; half++) {
      for (const [client, which] of [
        [shim, 'shim'],
        [proxy, 'proxy'],
        [fair, 'fair'],
      ] as const) {
        const before = cpuMs(pidOf(client));
        for (let i = 0; i < CPU_CALLS / 2; i++) await echo(client, kilobyte(i));
        cpu[which] += cpuMs(pidOf(client)) - before;
      }
    }
    return {
      shim: cpu.shim / CPU_CALLS,
      proxy: cpu.proxy / CPU_CALLS,
      fair: cpu.fair / CPU_CALLS,
    };
  } finally {
    await closeAll([shim, proxy, fair]);
  }
}

/** One repeat of an RSS row: VmHWM of a fresh shim after the row's calls, in MiB. */
async function peakOnce(dataDir: string, row: (typeof RSS_ROWS)[number]): Promise<number> {
  const c = await connectClient(everythingServer(), { dataDir });
  try {
    const message = row.bytes > 2048 ? 'x'.repeat(row.bytes) : null;
    for (let i = 0; i < row.calls; i++) await echo(c, message ?? kilobyte(i));
    return peakRssMiB(pidOf(c));
  } finally {
    await closeAll([c]);
  }
}

it('issue 13: many shims at once, shim CPU per gated call, shim peak memory', async () => {
  const dataDir = tempDir('airlock-bench-shim13-');
  allowEcho(dataDir);
  const gate = await startGateProcess(dataDir, ['--mode', 'ask']);
  const echoPeer = await startEchoPeer(join(dataDir, 'echo.sock'));
  const echoPath = echoPeer.path;
  const loadAtStart = loadavg()[0]!;
  try {
    const many: ManyShims[] = [];
    const cpu: CpuFigures[] = [];
    const peaks = RSS_ROWS.map(() => [] as number[]);
    // Repeats interleave the rows, so that each row's spread covers the run's changes of load.
    for (let r = 0; r < REPEATS; r++) {
      stage(`repeat ${r + 1}: many shims`);
      many.push(await manyShimsOnce(dataDir, r));
      stage(`repeat ${r + 1}: CPU per call`);
      cpu.push(await cpuOnce(dataDir, echoPath));
      for (const [k, row] of RSS_ROWS.entries()) {
        stage(`repeat ${r + 1}: peak RSS, ${row.label}`);
        peaks[k]!.push(await peakOnce(dataDir, row));
      }
    }
    const loadAtEnd = loadavg()[0]!;
    const pick = (f: (m: ManyShims) => number): number[] => many.map(f);
    const rss = RSS_ROWS.map((row, k) => {
      const target = row.bytes > 2048 ? (2 * row.bytes) / 2 ** 20 + 48 : 50;
      return `| shim peak RSS, ${row.label} (MiB) | ${spread(peaks[k]!, mib)} | ≤ ${target.toFixed(0)} |`;
    });
    writeSection(
      'shim-13',
      `## Many shims, shim CPU and memory (issue 13)

\`airlock gate --mode ask\` as its own process with an allow rule for server-everything's \`echo\`:
every call below is gated (sent to the gate, decided by the rule, committed, forwarded). 1 KB
echo calls from the SDK client. Each row was measured ${REPEATS} times, the repeats interleaved;
the figure is the median of the repeats with the lowest and highest in brackets.

- **${SHIMS} shims at once:** ${SHIMS} fresh clients, each through its own shim to its own
  server, each calling ${CALLS_PER_SHIM} times in a row, all at the same time; against ${SHIMS}
  direct clients doing the same, alternating in two halves. **Decision** is what the shims traced
  (\`AIRLOCK_TRACE_DECISIONS\`): from the ask leaving the shim to the gate's authenticated
  decision arriving, so it holds the gate's work and both socket hops; the round trip adds the
  client, the server and the shim's forwarding.
- **CPU per gated call:** the shim process's user + system time over ${CPU_CALLS} sequential
  calls, against \`bench/lineProxy.mjs\` (spawns the server, forwards each line both ways and
  does nothing else) over the same calls, and against the same proxy with
  \`LINE_PROXY_ROUND_TRIP\`: each tools/call line also goes to a local socket that echoes it
  (\`bench/echoPeer.mjs\`, a process of its own), and is forwarded once the echo is back (the
  one round trip a gated call cannot do without, with nothing decided, sealed or checked). All
  three interleaved in halves.
- **Peak RSS:** VmHWM of a fresh shim after the calls of its row. The issue's row is 100 × 10
  MB, but server-everything's \`echo\` does not answer a 10 MB message even without Airlock (the
  client times out), so the large row is 5 MB messages, against the same rule (2 × the message +
  48 MiB).

| measure | figure | target |
|---|---|---|
| ${SHIMS} shims at once: decision p99 (ms) | ${spread(pick((m) => m.decisionP99))} | ≤ 20 |
| ${SHIMS} shims at once: decision median (ms) | ${spread(pick((m) => m.decisionMedian))} | |
| fdatasync of 4 KB on the same disk, after each repeat: p99 / median (ms) | ${spread(pick((m) => m.fsyncP99))} / ${spread(pick((m) => m.fsyncMedian))} | |
| ${SHIMS} shims at once: round trip p99 / median (ms) | ${spread(pick((m) => m.shimP99))} / ${spread(pick((m) => m.shimMedian))} | |
| ${SHIMS} direct clients at once: round trip p99 / median (ms) | ${spread(pick((m) => m.directP99))} / ${spread(pick((m) => m.directMedian))} | |
| shim CPU per gated call (ms) | ${spread(cpu.map((c) => c.shim))} | |
| line proxy CPU per call (ms) | ${spread(cpu.map((c) => c.proxy))} | |
| line proxy + one socket round trip per tools/call, CPU per call (ms) | ${spread(cpu.map((c) => c.fair))} | |
| shim CPU / line proxy CPU | **${spread(
        cpu.map((c) => c.shim / c.proxy),
        times,
      )}** | ≤ 1.3× |
| shim CPU / line proxy with the round trip CPU | **${spread(
        cpu.map((c) => c.shim / c.fair),
        times,
      )}** | |
${rss.join('\n')}

Load average (1 min): ${loadAtStart.toFixed(1)} at the start of the run, ${loadAtEnd.toFixed(1)} at
the end, on a machine of two cores shared with other work; the round trips move with it (${SHIMS * 2}
servers and ${SHIMS} shims on two cores), CPU per call much less. CPU is counted in ticks of 10 ms.`,
    );
    saveRows('shim-13', {
      shimsDecisionP99: { values: pick((m) => m.decisionP99) },
      shimCpu: { values: cpu.map((c) => c.shim / c.proxy) },
      shimRss: RSS_ROWS.map((row, k) => ({
        label: row.label,
        values: peaks[k]!,
        limit: [row.bytes > 2048 ? (2 * row.bytes) / 2 ** 20 + 48 : 50],
      })),
    });
  } finally {
    await echoPeer.stop();
    gate.kill('SIGTERM');
    await new Promise((r) => (gate.exitCode !== null ? r(null) : gate.once('exit', r)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 1_800_000);
