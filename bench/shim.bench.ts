// Sequential tools/call round trips to server-everything's echo, direct and through the shim
// (gate in observe mode, as its own process), in the same run. Reports medians, p99,
// throughput, the ratio, and the shim's peak RSS.
import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectClient, everythingServer, startGateProcess, tempDir } from '../src/testing/harness';
import { ms, summarize, writeSection, type Summary } from './report';

interface Case {
  label: string;
  /** Payload of the echo call; null = a ping, which the shim passes through without the gate. */
  bytes: number | null;
  calls: number;
  warmup: number;
}

const CASES: Case[] = [
  { label: 'ping (not gated)', bytes: null, calls: 2000, warmup: 200 },
  { label: 'echo 1 KB', bytes: 1024, calls: 2000, warmup: 200 },
  { label: 'echo 1 MB', bytes: 1024 * 1024, calls: 40, warmup: 5 },
];

async function roundTrips(client: Client, c: Case): Promise<Summary> {
  const message = 'x'.repeat(c.bytes ?? 0);
  const once = (): Promise<unknown> =>
    c.bytes === null ? client.ping() : client.callTool({ name: 'echo', arguments: { message } });
  for (let i = 0; i < c.warmup; i++) await once();
  const samples: number[] = [];
  const start = performance.now();
  for (let i = 0; i < c.calls; i++) {
    const t = performance.now();
    await once();
    samples.push(performance.now() - t);
  }
  return summarize(samples, performance.now() - start);
}

/** Peak resident set of a process, in MiB. */
function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

it('shim round trips vs direct', async () => {
  const dataDir = tempDir();
  const gate = await startGateProcess(dataDir, ['--mode', 'observe']);
  const rows: string[] = [];
  try {
    for (const c of CASES) {
      const direct = await connectClient(everythingServer());
      const viaShim = await connectClient(everythingServer(), { dataDir });
      const d = await roundTrips(direct, c);
      const s = await roundTrips(viaShim, c);
      const pid = (viaShim.transport as unknown as { pid: number | null }).pid;
      const rss = pid ? peakRssMiB(pid) : NaN;
      await direct.close();
      await viaShim.close();
      rows.push(
        `| ${c.label} | ${c.calls} | ${ms(d.median)} | ${ms(s.median)} | **${(s.median / d.median).toFixed(2)}×** | ${ms(d.p99)} | ${ms(s.p99)} | ${d.perSecond.toFixed(0)} | ${s.perSecond.toFixed(0)} | ${rss.toFixed(1)} |`,
      );
    }
  } finally {
    gate.kill('SIGTERM');
  }
  writeSection(
    'shim',
    `## Shim round trips (issue 2)

Sequential \`tools/call\` round trips to server-everything's \`echo\` from the SDK client over
stdio: **direct** (no Airlock) and **through the shim** with \`airlock gate --mode observe\`
running as its own process (every call is held, sent to the gate, allowed and forwarded).
A ping is not gated: its row is the floor of any stdio proxy (one more process hop each
way). Times in ms. Target: through-shim median ≤ 1.3× direct for 1 KB; shim RSS < 60 MiB.

| request | calls | direct median | shim median | ratio | direct p99 | shim p99 | direct calls/s | shim calls/s | shim peak RSS (MiB) |
|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Shim peak RSS is the shim process's VmHWM after the run (a fresh shim per row).`,
  );
}, 600_000);
