// Start-up of the CLI's decide/status commands against `node -e 0`, in the same run: each
// command is a whole process, from spawn to exit, as a person (or a script) runs it. Variants
// are interleaved in rounds (the order rotates every round), and the whole set is run three
// times so the spread between runs shows. `approve` approves a call that is really waiting
// (held by a real shim in front of server-everything, gate as its own process).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import {
  CLI,
  connectClient,
  everythingServer,
  NODE,
  runCli,
  startGateProcess,
  tempDir,
  waitFor,
} from '../src/testing/harness';
import { socketLocation } from '../src/core/dataDir';
import { ms, percentile, writeSection } from './report';
import { saveRows } from './summary';

const RUNS = 3;
/**
 * AIRLOCK_BENCH_CLI_BEFORE=path/to/out/cli/airlock.js adds that build's rows, interleaved;
 * AIRLOCK_BENCH_CLI_BEFORE_LABEL says what it is ("the commit before, abc1234").
 */
const BEFORE = process.env.AIRLOCK_BENCH_CLI_BEFORE;
const ROUNDS = 25;
const WARMUP_ROUNDS = 3;

// Every process (node -e 0 as well) reports the CPU time it used, on stderr as it exits: on a
// shared machine wall time waits for a core, CPU time much less so.
const HOOK = join(tempDir('airlock-bench-'), 'cpu.js');
writeFileSync(
  HOOK,
  `process.on('exit', () => { const c = process.cpuUsage(); require('node:fs').writeSync(2, '\\ncpu-ms ' + (c.user + c.system) / 1000 + '\\n'); });\n`,
);

// The least any client of the gate's socket does, in plain Node: load node:crypto and node:net,
// connect, read the gate's first line (its challenge) and compute one HMAC over it, then leave.
// The decide commands do this and more (the proofs both ways, a sealed request and its answer,
// the output), so what they take over this row is what Airlock's own code costs.
const FLOOR = join(tempDir('airlock-bench-'), 'floor.js');
writeFileSync(
  FLOOR,
  `const { createHmac, randomBytes } = require('node:crypto');
const { connect } = require('node:net');
const socket = connect(process.argv[2]);
socket.once('data', (line) => {
  createHmac('sha256', randomBytes(32)).update(line).digest('hex');
  socket.end();
});
`,
);

interface Sample {
  wallMs: number;
  cpuMs: number;
}

/** One process, spawn to exit: its wall and CPU time in ms; fails on an unexpected exit code. */
function timeProcess(args: string[], expectCode: number): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const proc = spawn(NODE, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: `--require ${HOOK}` },
    });
    let err = '';
    proc.stdout.resume();
    proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
    proc.on('close', (code) => {
      const wallMs = performance.now() - start;
      const cpuMs = Number(/cpu-ms ([\d.]+)/.exec(err)?.[1]);
      if (code === expectCode && Number.isFinite(cpuMs)) resolve({ wallMs, cpuMs });
      else reject(new Error(`${args.join(' ')} exited ${code}: ${err}`));
    });
  });
}

interface Variant {
  label: string;
  /** Runs once and returns its times; `prepare` (untimed) runs before it. */
  run(): Promise<Sample>;
  prepare?(): Promise<void>;
}

const median = (xs: number[]): number =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

it('CLI decide/status start-up vs node -e 0', async () => {
  const dataDir = tempDir();
  const noGateDir = tempDir();
  const gate = await startGateProcess(dataDir);
  const client = await connectClient(everythingServer(), { dataDir });
  try {
    // Every echo waits for a person, so `approve` has a real call to approve.
    const rule = await runCli(['rules', 'add', '--tool', 'echo', '--data-dir', dataDir]);
    if (rule.code !== 0) throw new Error(rule.stderr);
    let held: Promise<unknown> = Promise.resolve();
    let waitingId = 0;
    const holdOneCall = async (): Promise<void> => {
      held = client.callTool({ name: 'echo', arguments: { message: 'x'.repeat(1024) } });
      waitingId = await waitFor(
        async () => {
          const res = await runCli(['pending', '--json', '--data-dir', dataDir]);
          const calls = JSON.parse(res.stdout) as { id: number }[];
          return calls[0]?.id;
        },
        10_000,
        'a waiting call',
      );
    };

    /** The decide/status commands of one build of the CLI; `tag` names a build other than this. */
    const commands = (cli: string, tag: string): Variant[] => [
      {
        label: `\`airlock status\` (no gate)${tag}`,
        run: () => timeProcess([cli, 'status', '--data-dir', noGateDir], 3),
      },
      {
        label: `\`airlock status\` (gate running)${tag}`,
        run: () => timeProcess([cli, 'status', '--data-dir', dataDir], 0),
      },
      {
        label: `\`airlock pending\`${tag}`,
        run: () => timeProcess([cli, 'pending', '--data-dir', dataDir], 0),
      },
      {
        label: `\`airlock approve ID\` (a waiting call)${tag}`,
        prepare: holdOneCall,
        run: async () => {
          const took = await timeProcess(
            [cli, 'approve', String(waitingId), '--data-dir', dataDir],
            0,
          );
          await held;
          return took;
        },
      },
    ];
    const variants: Variant[] = [
      { label: '`node -e 0`', run: () => timeProcess(['-e', '0'], 0) },
      {
        label: 'floor: `node` with node:crypto + node:net, connect, read the challenge, one HMAC',
        run: () => timeProcess([FLOOR, socketLocation(dataDir).path], 0),
      },
      ...commands(CLI, ''),
      // Another build (e.g. the commit before a change), interleaved with this one in the same
      // rounds: before and after measured in the same minutes on a shared machine.
      ...(BEFORE ? commands(BEFORE, ' — build before') : []),
    ];

    // samples[run][variant] = times of that run
    const samples: Sample[][][] = [];
    for (let r = 0; r < RUNS; r++) {
      const times: Sample[][] = variants.map(() => []);
      for (let round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
        const offset = ((round % variants.length) + variants.length) % variants.length;
        for (let k = 0; k < variants.length; k++) {
          const i = (k + offset) % variants.length;
          const v = variants[i]!;
          await v.prepare?.();
          const took = await v.run();
          if (round >= 0) times[i]!.push(took);
        }
      }
      samples.push(times);
    }

    const range = (xs: number[], f: (x: number) => string): string =>
      `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
    const ratio = (xs: number[]): string =>
      `**×${median(xs).toFixed(2)}** (${range(xs, (x) => x.toFixed(2))})`;
    const of = (run: Sample[][], k: number, key: keyof Sample): number =>
      median(run[k]!.map((x) => x[key]));
    /** CPU of variant i vs `node -e 0`, one ratio per run. */
    const cpuRatios = (i: number): number[] =>
      samples.map((run) => of(run, i, 'cpuMs') / of(run, 0, 'cpuMs'));
    const rows = variants.map((v, i) => {
      const wall = samples.map((run) => of(run, i, 'wallMs'));
      const wallRatio = samples.map((run) => of(run, i, 'wallMs') / of(run, 0, 'wallMs'));
      const cpu = samples.map((run) => of(run, i, 'cpuMs'));
      const cpuRatio = cpuRatios(i);
      const over = samples.map((run) => of(run, i, 'cpuMs') - of(run, 0, 'cpuMs'));
      return `| ${v.label} | ${wall.map(ms).join(' / ')} | ${ratio(wallRatio)} | ${cpu.map(ms).join(' / ')} | ${ratio(cpuRatio)} | ${ms(median(over))} |`;
    });
    const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
    writeSection(
      'cli',
      `## CLI start-up: decide and status commands (issue 13)

Each command as a whole process, spawn to exit (Node start, loading the command, connecting
to the gate, the handshake, the request and its answer), against \`node -e 0\` in the same run.
The ${variants.length} variants are interleaved, ${ROUNDS} rounds per run after ${WARMUP_ROUNDS} warm-up rounds (the
order rotates every round), and the whole set runs ${RUNS} times. \`airlock gate\` runs as its own
process; \`approve\` approves a call that is really waiting (a 1 KB echo held by a shim in front
of server-everything, an ask rule for \`echo\`). CPU is the process's own user + system time
as it exits (a \`--require\` hook in every variant, \`node -e 0\` included); the gate's share of
the work is not in it. On a busy machine wall time mostly measures waiting for a core; CPU
time is steadier, though it too grows with the load (cache and frequency).
Times in ms. Target: ≤ ×1.15 of \`node -e 0\`.

| command | wall, median per run (ms) | wall vs \`node -e 0\`: median of runs (range) | CPU, median per run (ms) | CPU vs \`node -e 0\` | CPU over \`node -e 0\` (ms) |
|---|---|---|---|---|---|
${rows.join('\n')}

${BEFORE ? `Rows marked "build before" run ${process.env.AIRLOCK_BENCH_CLI_BEFORE_LABEL ?? 'another build'} against the same gate, interleaved with this build.\n\n` : ''}These commands load neither zod, better-sqlite3 nor the gate service
(\`src/cli/startup.integration.test.ts\` checks the built command); what is left over \`node -e 0\`
is mostly Node's own \`node:net\`, streams and \`node:crypto\` (the handshake and the sealed
lines): the floor row does only that much. ${
        process.env.NODE_EXTRA_CA_CERTS
          ? 'NODE_EXTRA_CA_CERTS was set for this run: every Node process, `node -e 0` included, builds its certificate store at start, which raises the baseline of every ratio. '
          : ''
      }Load average (1 min) at the end of the run: ${load}.`,
    );
    const at = (label: string): number => variants.findIndex((v) => v.label === label);
    saveRows('cli', {
      cliStartup: [
        { label: 'pending', values: cpuRatios(at('`airlock pending`')) },
        { label: 'approve', values: cpuRatios(at('`airlock approve ID` (a waiting call)')) },
      ],
    });
  } finally {
    await client.close();
    gate.kill('SIGTERM');
  }
});
