// The issue 13 summary: every row of the issue's table in its order, a figure with its spread,
// met judged on the median against the target (fixed or measured in the same run), and whether
// a second run reproduces the first. Real files in a temporary directory.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ISSUE_13,
  issue13Markdown,
  issue13Rows,
  loadResults,
  median,
  reproduces,
  saveRows,
  type Issue13Row,
  type SummaryRow,
} from './summary';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-summary-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const row = (rows: SummaryRow[], which: Issue13Row): SummaryRow => {
  const found = rows.find((r) => r.row === which);
  if (!found) throw new Error(`no row ${which}`);
  return found;
};

describe('issue13Rows', () => {
  it('lists all nine rows in the issue order, a floor beside each ask row, then the gate CPU; one not measured names the bench to run', () => {
    const rows = issue13Rows([]);
    expect(rows.map((r) => r.measure)).toEqual(ISSUE_13.map((s) => s.measure));
    expect(rows.map((r) => r.row)).toEqual([
      'askOverObserve',
      'askOverObserveFloor',
      'askInFlight',
      'askInFlightFloor',
      'observeBurst',
      'shimsDecisionP99',
      'shimCpu',
      'shimRss',
      'scanPerMb',
      'recordPerCall',
      'cliStartup',
      'gateCpu',
    ]);
    expect(row(rows, 'gateCpu')).toMatchObject({
      figure: 'not measured (run bench/decision.bench.ts)',
      met: null,
    });
    expect(row(rows, 'cliStartup')).toMatchObject({
      figure: 'not measured (run bench/cli.bench.ts)',
      met: null,
    });
  });

  it('shows the median with its spread, and judges met on the median against the target', () => {
    const dir = tempDir();
    saveRows(
      'decision-13',
      {
        askOverObserve: { values: [4.06, 3.56, 4.4], limit: [0.569, 0.525, 0.617] },
        askInFlight: { values: [0.215, 0.115, 0.219] },
        observeBurst: { values: [0.988, 0.964, 0.99] },
      },
      dir,
    );
    saveRows(
      'cli',
      {
        cliStartup: [
          { label: 'pending', values: [1.1, 1.12, 1.14] },
          { label: 'approve', values: [1.13, 1.2, 1.16] },
        ],
      },
      dir,
    );
    const rows = issue13Rows(loadResults(dir));
    expect(row(rows, 'askOverObserve')).toMatchObject({
      figure: '4.06 (3.56–4.40)',
      target: '≤ one fsync + 0.3 ms = ≤ 0.569 (0.525–0.617)',
      met: false,
      reproduced: 'no run before',
    });
    expect(row(rows, 'askInFlight')).toMatchObject({
      figure: '21.5 % (11.5 %–21.9 %)',
      met: false,
    });
    expect(row(rows, 'observeBurst')).toMatchObject({
      figure: '98.8 % (96.4 %–99.0 %)',
      met: true,
    });
    // Every part must meet it: approve's median ×1.16 does not.
    expect(row(rows, 'cliStartup')).toMatchObject({
      figure: 'pending: ×1.12 (×1.10–×1.14) / approve: ×1.16 (×1.13–×1.20)',
      met: false,
    });
    expect(row(rows, 'shimsDecisionP99').figure).toMatch(/^not measured/);
    const markdown = issue13Markdown(rows);
    expect(markdown).toContain(
      '| 4.06 (3.56–4.40) | ≤ one fsync + 0.3 ms = ≤ 0.569 (0.525–0.617) | **no** |',
    );
    expect(markdown.split('\n').filter((l) => l.startsWith('| ')).length).toBe(13);
  });

  it('the gate CPU row shows both modes and is never judged met: the issue set no target', () => {
    const dir = tempDir();
    saveRows(
      'decision-13',
      {
        gateCpu: [
          { label: 'ask + allow rule', values: [2.4, 2.5, 2.7] },
          { label: 'observe', values: [0.9, 1.0, 1.1] },
        ],
      },
      dir,
    );
    expect(row(issue13Rows(loadResults(dir)), 'gateCpu')).toMatchObject({
      figure: 'ask + allow rule: 2.50 (2.40–2.70) / observe: 1.00 (0.900–1.10)',
      target: 'none (what bounds the rows above)',
      met: null,
    });
  });

  it('the floor rows sit beside the ask rows, show each yardstick and are never judged met', () => {
    const dir = tempDir();
    saveRows(
      'decision-13',
      {
        askInFlight: { values: [0.14, 0.16, 0.13] },
        askInFlightFloor: [
          { label: 'proxy + round trip', values: [0.42, 0.45, 0.4] },
          { label: '+ durable note', values: [0.3, 0.33, 0.31] },
        ],
        askOverObserveFloor: [
          { label: 'round trip', values: [0.09, 0.1, 0.11] },
          { label: 'round trip + durable note', values: [0.6, 0.55, 0.7] },
        ],
      },
      dir,
    );
    const rows = issue13Rows(loadResults(dir));
    const at = (which: Issue13Row): number => rows.findIndex((r) => r.row === which);
    expect(at('askInFlightFloor')).toBe(at('askInFlight') + 1);
    expect(at('askOverObserveFloor')).toBe(at('askOverObserve') + 1);
    expect(row(rows, 'askInFlightFloor')).toMatchObject({
      figure: 'proxy + round trip: 42.0 % (40.0 %–45.0 %) / + durable note: 31.0 % (30.0 %–33.0 %)',
      target: 'none (a yardstick: nothing decided)',
      met: null,
    });
    expect(row(rows, 'askOverObserveFloor')).toMatchObject({
      figure: 'round trip: 0.100 (0.090–0.110) / round trip + durable note: 0.600 (0.550–0.700)',
      met: null,
    });
    expect(issue13Markdown(rows)).toMatch(/\| none \(a yardstick: nothing decided\) \| — \|/);
  });

  it('a second run reproduces the first when their ranges overlap; one value cannot tell', () => {
    const dir = tempDir();
    saveRows('scan', { scanPerMb: { values: [14, 15.9, 16.1] } }, dir);
    saveRows('scan', { scanPerMb: { values: [15.5, 16.5, 17] } }, dir);
    expect(row(issue13Rows(loadResults(dir)), 'scanPerMb').reproduced).toMatch(/^yes \(vs /);
    saveRows('scan', { scanPerMb: { values: [8, 9, 10] } }, dir);
    expect(row(issue13Rows(loadResults(dir)), 'scanPerMb').reproduced).toMatch(/^no \(vs /);
    saveRows('shim-13', { shimCpu: { values: [5.16] } }, dir);
    saveRows('shim-13', { shimCpu: { values: [5.1] } }, dir);
    const saved = JSON.parse(readFileSync(join(dir, 'shim-13.json'), 'utf8')) as {
      previous: { figures: unknown };
    };
    expect(saved.previous.figures).toEqual({ shimCpu: { values: [5.16] } });
    expect(row(issue13Rows(loadResults(dir)), 'shimCpu')).toMatchObject({
      figure: '×5.10 (1 run, no spread)',
      met: false,
      reproduced: 'one value per run: no spread to judge',
    });
  });
});

describe('helpers', () => {
  it('median of an even count is the mean of the middle two', () => {
    expect(median([3, 1, 2, 4])).toBe(2.5);
    expect(median([5])).toBe(5);
  });

  it('reproduces: overlapping ranges agree, touching ones too, disjoint ones do not', () => {
    expect(reproduces([1, 2], [2, 3])).toBe(true);
    expect(reproduces([1, 2], [2.1, 3])).toBe(false);
    // Ranges of no width, a page apart (peak RSS in MiB): within 1 % of each other, they agree.
    expect(reproduces([48.3, 48.3, 48.3], [48.4, 48.4, 48.4])).toBe(true);
    expect(reproduces([48.3, 48.3, 48.3], [49.4, 49.4, 49.4])).toBe(false);
    expect(reproduces([1], [1, 2])).toBeNull();
  });
});
