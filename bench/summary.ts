// Issue 13's targets in one table. Each benchmark that measures a row of it saves its figures
// (one value per repeat, so the spread shows) as JSON in bench/results/, next to the section it
// writes in BENCHMARKS.md; after a benchmark run this module reads every saved file and writes
// the "Issue 13 targets" table: measure, figure with spread, target, met?, and whether the
// figure reproduced the run before it (the ranges of the two runs overlap).
//
// The JSON files are committed: the table in BENCHMARKS.md is rebuilt from them, and each keeps
// the run before it, so a second run can be held against the first without the first's machine.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ms, writeSection } from './report';

const RESULTS_DIR = join(__dirname, 'results');

/**
 * The rows of issue 13's table, in its order, and those the issue did not set: the yardsticks
 * beside the two ask rows (the floor no design that asks another process can beat) and gateCpu.
 */
export type Issue13Row =
  | 'askOverObserve'
  | 'askOverObserveFloor'
  | 'askInFlight'
  | 'askInFlightFloor'
  | 'observeBurst'
  | 'shimsDecisionP99'
  | 'shimCpu'
  | 'shimRss'
  | 'scanPerMb'
  | 'recordPerCall'
  | 'cliStartup'
  | 'gateCpu';

/** One figure of a row: a value per repeat; `limit` per repeat when the target moves with the run. */
export interface Part {
  /** Names the part when a row has several ("pending", "2,000 × 1 KB"). */
  label?: string;
  values: number[];
  limit?: number[];
}

export type Figures = Partial<Record<Issue13Row, Part | Part[]>>;

interface Run {
  at: string;
  load: number;
  figures: Figures;
}

export interface SavedResults extends Run {
  bench: string;
  node: string;
  /** The run before this one, to judge whether a figure reproduces. */
  previous: Run | null;
}

type Unit = 'ms' | 'percent' | 'ratio' | 'MiB';

interface RowSpec {
  row: Issue13Row;
  measure: string;
  unit: Unit;
  /** Met when the median is at most (lower) or at least (higher) the limit. */
  better: 'lower' | 'higher';
  /** A row the issue set no target for (what bounds other rows): never judged met or not. */
  untargeted?: true;
  /** The fixed limit; a part's own `limit` (per repeat) takes its place. */
  limit?: number;
  /** The target in the issue's words. */
  target: string;
  /** Which benchmark measures it: its section and its file. */
  bench: string;
  file: string;
}

export const ISSUE_13: readonly RowSpec[] = [
  {
    row: 'askOverObserve',
    measure: 'ask + allow rule, 1 KB, sequential, over observe mode (ms)',
    unit: 'ms',
    better: 'lower',
    target: '≤ one fsync + 0.3 ms',
    bench: 'decision-13',
    file: 'bench/decision.bench.ts',
  },
  {
    // Not a target: what the row above cannot go below. A line proxy that sends each tools/call
    // line to a process that echoes it (and, in the second part, first appends it to a file and
    // fdatasyncs), decides nothing, then forwards it; over the same proxy without the round trip.
    row: 'askOverObserveFloor',
    measure:
      'floor: line proxy + round trip (+ durable note), 1 KB, sequential, over the plain line proxy (ms)',
    unit: 'ms',
    better: 'lower',
    untargeted: true,
    target: 'none (a yardstick: nothing decided)',
    bench: 'decision-13',
    file: 'bench/decision.bench.ts',
  },
  {
    row: 'askInFlight',
    measure: 'ask + allow rule, 32 in flight, vs direct calls/s',
    unit: 'percent',
    better: 'higher',
    limit: 0.5,
    target: '≥ 50 %',
    bench: 'decision-13',
    file: 'bench/decision.bench.ts',
  },
  {
    // Not a target: the same yardsticks with 32 calls in flight, their round trips pipelined.
    row: 'askInFlightFloor',
    measure:
      'floor: line proxy + pipelined round trip (+ durable note, group-committed), 32 in flight, vs direct calls/s',
    unit: 'percent',
    better: 'higher',
    untargeted: true,
    target: 'none (a yardstick: nothing decided)',
    bench: 'decision-13',
    file: 'bench/decision.bench.ts',
  },
  {
    row: 'observeBurst',
    measure: 'observe mode, 20,000-call burst: recorded when the burst ends',
    unit: 'percent',
    better: 'higher',
    limit: 0.95,
    target: '≥ 95 %',
    bench: 'decision-13',
    file: 'bench/decision.bench.ts',
  },
  {
    row: 'shimsDecisionP99',
    measure:
      '20 shims calling at once: decision p99 (ms; ask sent → decision in, as the shims trace it)',
    unit: 'ms',
    better: 'lower',
    limit: 20,
    target: '≤ 20 ms',
    bench: 'shim-13',
    file: 'bench/shim13.bench.ts',
  },
  {
    row: 'shimCpu',
    measure: 'shim CPU per gated call vs a plain line proxy',
    unit: 'ratio',
    better: 'lower',
    limit: 1.3,
    target: '≤ ×1.3',
    bench: 'shim-13',
    file: 'bench/shim13.bench.ts',
  },
  {
    row: 'shimRss',
    measure: 'shim peak RSS',
    unit: 'MiB',
    better: 'lower',
    target: '≤ 50 MiB / ≤ 2 × largest message + 48 MiB',
    bench: 'shim-13',
    file: 'bench/shim13.bench.ts',
  },
  {
    row: 'scanPerMb',
    measure: 'risk scan per MB of arguments, worst shape (CPU ms)',
    unit: 'ms',
    better: 'lower',
    limit: 15,
    target: '≤ 15 ms',
    bench: 'scan',
    file: 'bench/scan.bench.ts',
  },
  {
    row: 'recordPerCall',
    measure: 'record per call, 1 KB arguments, full-text search kept, vs the arguments',
    unit: 'ratio',
    better: 'lower',
    limit: 1.5,
    target: '≤ ×1.5',
    bench: 'decision-13',
    file: 'bench/decision.bench.ts',
  },
  {
    row: 'cliStartup',
    measure: '`airlock pending` / `approve` start-up vs `node -e 0` (CPU)',
    unit: 'ratio',
    better: 'lower',
    limit: 1.15,
    target: '≤ ×1.15',
    bench: 'cli',
    file: 'bench/cli.bench.ts',
  },
  {
    // Not one of the issue's targets: the gate's own CPU per call, which bounds the sequential,
    // 32-in-flight and 20-shim rows, and which the load of the machine barely moves.
    row: 'gateCpu',
    measure:
      'gate CPU per call, 1 KB echo, sequential (ms; user + system of the gate process, every write the call causes included)',
    unit: 'ms',
    better: 'lower',
    untargeted: true,
    target: 'none (what bounds the rows above)',
    bench: 'decision-13',
    file: 'bench/decision.bench.ts',
  },
];

/** Save a benchmark's figures for the summary; the file it replaces becomes `previous`. */
export function saveRows(bench: string, figures: Figures, dir = RESULTS_DIR): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${bench}.json`);
  let previous: Run | null = null;
  try {
    const before = JSON.parse(readFileSync(file, 'utf8')) as SavedResults;
    previous = { at: before.at, load: before.load, figures: before.figures };
  } catch {
    // No run before this one (or an unreadable file): nothing to hold this run against.
  }
  const saved: SavedResults = {
    bench,
    at: new Date().toISOString(),
    node: process.version,
    load: Number(loadavg()[0]!.toFixed(1)),
    figures,
    previous,
  };
  writeFileSync(file, `${JSON.stringify(saved, null, 2)}\n`);
}

export function loadResults(dir = RESULTS_DIR): SavedResults[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.sort().map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as SavedResults);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const FORMAT: Record<Unit, (v: number) => string> = {
  ms,
  percent: (v) => `${(v * 100).toFixed(1)} %`,
  ratio: (v) => `×${v.toFixed(2)}`,
  MiB: (v) => `${v.toFixed(1)} MiB`,
};

const asParts = (p: Part | Part[]): Part[] => (Array.isArray(p) ? p : [p]);

/** "×1.12 (1.09–1.15)"; one value: "×1.12 (1 run)". */
function withSpread(values: number[], unit: Unit): string {
  const f = FORMAT[unit];
  if (values.length < 2) return `${f(median(values))} (1 run, no spread)`;
  return `${f(median(values))} (${f(Math.min(...values))}–${f(Math.max(...values))})`;
}

function partMet(part: Part, spec: RowSpec): boolean {
  const limit = part.limit ? median(part.limit) : spec.limit;
  if (limit === undefined || part.values.length === 0) return false;
  const m = median(part.values);
  return spec.better === 'lower' ? m <= limit : m >= limit;
}

/**
 * Two runs agree when their ranges overlap, each widened by REPRODUCE_SLACK of its own value: a
 * figure whose repeats all agree (peak RSS: 48.3, 48.3, 48.3 MiB) has a range of no width, and
 * would otherwise fail to reproduce when the next run's differs by a page. Null when either run
 * gave one value (no spread).
 */
export function reproduces(now: number[], before: number[]): boolean | null {
  if (now.length < 2 || before.length < 2) return null;
  const low = (v: number[]): number => Math.min(...v) * (1 - REPRODUCE_SLACK);
  const high = (v: number[]): number => Math.max(...v) * (1 + REPRODUCE_SLACK);
  return low(now) <= high(before) && low(before) <= high(now);
}

/** How far apart two runs' ranges may be and still agree: 1 % of each. */
export const REPRODUCE_SLACK = 0.01;

export interface SummaryRow {
  row: Issue13Row;
  measure: string;
  figure: string;
  target: string;
  met: boolean | null;
  reproduced: string;
  bench: string;
}

const label = (part: Part, text: string): string => (part.label ? `${part.label}: ${text}` : text);

/** Issue 13's table from the saved results: a row nobody measured says which bench to run. */
export function issue13Rows(results: SavedResults[]): SummaryRow[] {
  return ISSUE_13.map((spec) => {
    const saved = results.find((r) => r.figures[spec.row] !== undefined);
    const got = saved?.figures[spec.row];
    if (!saved || !got)
      return {
        row: spec.row,
        measure: spec.measure,
        figure: `not measured (run ${spec.file})`,
        target: spec.target,
        met: null,
        reproduced: '—',
        bench: spec.bench,
      };
    const parts = asParts(got);
    const before = saved.previous?.figures[spec.row];
    const beforeParts = before ? asParts(before) : [];
    const figure = parts.map((p) => label(p, withSpread(p.values, spec.unit))).join(' / ');
    const limitText = (p: Part): string =>
      `${spec.better === 'lower' ? '≤' : '≥'} ${withSpread(p.limit!, spec.unit).replace(' (1 run, no spread)', '')}`;
    const target = !parts.some((p) => p.limit)
      ? spec.target
      : parts.length === 1
        ? `${spec.target} = ${limitText(parts[0]!)}`
        : parts.map((p) => label(p, p.limit ? limitText(p) : spec.target)).join(' / ');
    const agreement = parts.map((p, i) => {
      const old = beforeParts.find((b) => b.label === p.label) ?? beforeParts[i];
      return old ? reproduces(p.values, old.values) : undefined;
    });
    const reproduced = agreement.some((a) => a === undefined)
      ? 'no run before'
      : agreement.some((a) => a === null)
        ? 'one value per run: no spread to judge'
        : agreement.every(Boolean)
          ? `yes (vs ${saved.previous!.at.slice(0, 16).replace('T', ' ')}Z)`
          : `no (vs ${saved.previous!.at.slice(0, 16).replace('T', ' ')}Z)`;
    return {
      row: spec.row,
      measure: spec.measure,
      figure,
      target,
      met: spec.untargeted ? null : parts.every((p) => partMet(p, spec)),
      reproduced,
      bench: `${saved.bench}, ${saved.at.slice(0, 16).replace('T', ' ')}Z, load ${saved.load}`,
    };
  });
}

const metText = (met: boolean | null): string => (met === null ? '—' : met ? 'yes' : '**no**');

export function issue13Markdown(rows: SummaryRow[]): string {
  const lines = rows.map(
    (r) =>
      `| ${r.measure} | ${r.figure} | ${r.target} | ${metText(r.met)} | ${r.reproduced} | ${r.bench} |`,
  );
  return `## Issue 13 targets

Every row of issue 13's table, collected from the figures each benchmark saved in
\`bench/results/*.json\` (written again at the end of every \`npm run bench\`). Each figure is the
median of its repeats against direct in the same run, with the lowest and highest repeat in
brackets; "reproduced" says whether the range overlaps the range of the run before it (each
widened by 1 % of its value, so a figure with no spread can agree). Rows with no target are
not the issue's. The "floor" rows are yardsticks measured in the same repeats as the ask row
above each: a plain line proxy that sends each call to another process which echoes it (and,
for the second figure, first makes a durable note of it), deciding nothing; no design that asks
another process before it forwards does better on this machine. The last row is the gate's own
CPU per call, which the rows above it are bound by and which the load of the machine barely
moves (a figure to compare changes by).

| measure | figure (spread) | target | met? | reproduced? | from |
|---|---|---|---|---|---|
${lines.join('\n')}`;
}

/** Print the table and write it into BENCHMARKS.md. */
export function writeIssue13Summary(dir = RESULTS_DIR): void {
  const rows = issue13Rows(loadResults(dir));
  const width = Math.max(...rows.map((r) => r.measure.length));
  const text = rows
    .map(
      (r) =>
        `${r.measure.padEnd(width)}  ${r.figure}  target ${r.target}  met: ${metText(r.met).replace(/\*/g, '')}`,
    )
    .join('\n');
  process.stdout.write(`\nIssue 13 targets\n${text}\n`);
  writeSection('issue-13', issue13Markdown(rows));
}

/** vitest's global teardown (vitest.bench.config.mts): after the benchmarks, the summary. */
export function teardown(): void {
  writeIssue13Summary();
}
