// Benchmarks write their figures into BENCHMARKS.md, each in its own marked section, so one
// benchmark can be re-run without touching the others' figures.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const FILE = join(__dirname, 'BENCHMARKS.md');

export function writeSection(name: string, markdown: string): void {
  let text: string;
  try {
    text = readFileSync(FILE, 'utf8');
  } catch {
    text =
      '# Benchmarks\n\nFigures from `npm run bench` on the machine named in each section. Each compares\nAirlock with the same work done without it, in the same run.\n';
  }
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const machine = `_${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB._`;
  const block = `${start}\n${markdown.trim()}\n\n${machine}\n${end}`;
  const at = text.indexOf(start);
  const stop = text.indexOf(end);
  text =
    at !== -1 && stop !== -1
      ? text.slice(0, at) + block + text.slice(stop + end.length)
      : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(FILE, text);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface Summary {
  n: number;
  median: number;
  p99: number;
  perSecond: number;
}

/** Sample times in ms → median, p99 and throughput over the whole run. */
export function summarize(samples: number[], totalMs: number): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: samples.length,
    median: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    perSecond: (samples.length / totalMs) * 1000,
  };
}

export const ms = (v: number): string =>
  v < 1 ? v.toFixed(3) : v < 100 ? v.toFixed(2) : v.toFixed(0);
