// Risk scan over big arguments (issue 13): `assessRisk` on one `tools/call` whose argument is
// 1, 5 or 10 MB of text of several shapes, against `JSON.parse` of the same request line (the
// least any proxy does with it) in the same run. Target: ≤ 15 ms per MB, linear in size.
import { loadavg } from 'node:os';
import { expect, it } from 'vitest';
import type { ToolDefinition } from '../src/contract/types';
import { assessRisk, type SessionFacts, type ToolState } from '../src/policy/risk';
import { exposedGc } from '../src/shim/memory';
import { ms, writeSection } from './report';
import { saveRows } from './summary';

const MB = 1024 * 1024;
const SIZES = [1, 5, 10];
/** Measured rounds, after a first, cold round that is shown apart. */
const ROUNDS = 5;

/** Deterministic pseudo-random base64, so every run scans the same bytes. */
function base64(bytes: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const chunks: string[] = [];
  let x = 12345;
  let chunk = '';
  for (let i = 0; i < bytes; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    chunk += alphabet[x % 64];
    if (chunk.length === 65536) {
      chunks.push(chunk);
      chunk = '';
    }
  }
  chunks.push(chunk);
  return chunks.join('');
}

const fill = (unit: string, bytes: number): string =>
  unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);

/** Shapes of a big argument; the secret at the end must still be found. */
const SHAPES: { name: string; make: (bytes: number) => string }[] = [
  { name: 'prose, one line', make: (b) => fill('Lorem ipsum dolor sit amet, consectetur. ', b) },
  {
    name: 'source code, many lines',
    make: (b) => fill('  const total = items.reduce((a, b) => a + b.price, 0);\n', b),
  },
  { name: 'base64 blob', make: (b) => base64(b) },
  {
    name: 'JSON-like text',
    make: (b) => fill('{"id": 12345, "name": "item", "tags": ["a", "b"], "ok": true}, ', b),
  },
  { name: 'huge password= value', make: (b) => `password=${fill('x', b - 9)}` },
  { name: 'long URL', make: (b) => `https://example.com/${fill('a/b?c=d&', b - 20)}` },
  { name: 'blank lines', make: (b) => fill('\n', b) },
  {
    // Each line is one run of token characters with both cases and digits: read as a path.
    name: 'file listing',
    make: (b) => fill('/home/Jane/Projects2024/airlockApp/src/policy/secretScanner.test.ts\n', b),
  },
  {
    // One unbroken run of names: random-looking as a whole, read as a path to its end.
    name: 'path of names, one line',
    make: (b) => fill('/home/Jane/XMLHttp/Win32/Year2024/quickBrownFox/jumpsOver/lazyDog', b),
  },
  { name: 'non-ASCII text', make: (b) => fill('Grüße aus Köln, 東京と🌍. ', b) },
  {
    // A page of links: to a site seen before, to one not, and broken ones. Each is parsed; a host
    // is graded and looked up among the domains the session knows (as many as the gate keeps)
    // once per call.
    name: 'many links',
    make: (b) =>
      fill(
        'see https://docs.site12.example.org/guide?x=1 or https://new.example.net/a, ftp://[x ',
        b,
      ),
  },
  {
    // The same page with every host a new one: each is graded and looked up (a hostile server
    // that would make the scan slow writes this, not the page above).
    name: 'links, every host new',
    make: (b) => {
      const page: string[] = [];
      for (let i = 0, size = 0; size < b; i++) {
        const line = `see https://docs.site${i}.example.org/guide?x=1 or https://new${i}.example.net/a, ftp://[x `;
        page.push(line);
        size += line.length;
      }
      return page.join('').slice(0, b);
    },
  },
];

const SECRET = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0'.repeat(2);

const definition: ToolDefinition = {
  name: 'write_file',
  description: 'Create a new file or completely overwrite an existing file with new content.',
  inputSchema: { type: 'object' },
  annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: false },
};
const tool: ToolState = { definition, isNew: false, changed: false, poison: [] };
const session: SessionFacts = {
  roots: ['/home/user/project'],
  env: { home: '/home/user', cwd: '/home/user/project', caseInsensitive: false, sep: '/' },
  readSensitiveEarlier: false,
  // As many as the gate keeps (knownDomains.ts): a link's look-up must not grow with them.
  knownDomains: ['example.com', ...Array.from({ length: 1999 }, (_, i) => `site${i}.example.org`)],
};

/** The request line as the gate receives it. */
function requestLine(content: string): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: {
      name: 'write_file',
      arguments: { path: '/home/user/project/big.txt', content: `${content} ${SECRET}` },
    },
  });
}

interface Sample {
  wallMs: number;
  cpuMs: number;
}

function measure(work: () => void): Sample {
  const cpu = process.cpuUsage();
  const start = performance.now();
  work();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};
const spread = (values: number[]): string =>
  `${ms(Math.min(...values))}–${ms(Math.max(...values))}`;

it('risk scan over big arguments', () => {
  const cases = SHAPES.flatMap((shape) => SIZES.map((size) => ({ shape, size })));
  const lines = new Map(cases.map((c) => [c, requestLine(c.shape.make(c.size * MB))]));
  const results = new Map(
    cases.map((c) => [
      c,
      { first: null as Sample | null, parse: [] as Sample[], scan: [] as Sample[], error: '' },
    ]),
  );
  // A full collection before each timed step, so a step pays for its own garbage only and not
  // for the megabytes of request lines parsed before it (a collection that landed in a 1 MB
  // scan could double its figure).
  const collect = exposedGc() ?? ((): void => {});
  // Round 0 is every case once, cold: V8 optimises the scan while the first megabytes go
  // through it, and each shape's first call can take a path no shape before it took. Its scan
  // figures are kept apart (the "first call" column), not hidden and not mixed into the
  // steady-state medians of the ROUNDS rounds after it.
  // Interleaved: every case once per round, so a busy moment on the machine hits all of them.
  for (let round = 0; round <= ROUNDS; round++) {
    for (const c of cases) {
      const line = lines.get(c) as string;
      const result = results.get(c)!;
      let args: unknown;
      collect();
      const parse = measure(() => {
        args = (JSON.parse(line) as { params: { arguments: unknown } }).params.arguments;
      });
      try {
        let found = false;
        collect();
        const scan = measure(() => {
          const risk = assessRisk({ tool: 'write_file', arguments: args }, tool, session);
          found = risk.reasons.some((r) => r.code === 'secret.token');
        });
        if (round === 0) result.first = scan;
        else {
          result.parse.push(parse);
          result.scan.push(scan);
        }
        if (!found) result.error = 'the token at the end was not found';
      } catch (err) {
        result.error = (err as Error).message;
      }
    }
  }

  const rows = cases.map((c) => {
    const r = results.get(c)!;
    if (r.scan.length === 0)
      return `| ${c.shape.name} | ${c.size} | failed: ${r.error} | | | | | |`;
    const perMb = (samples: Sample[], key: keyof Sample): number[] =>
      samples.map((s) => s[key] / c.size);
    const scanCpu = perMb(r.scan, 'cpuMs');
    const scanWall = perMb(r.scan, 'wallMs');
    const parseCpu = perMb(r.parse, 'cpuMs');
    const first = r.first ? ms(r.first.cpuMs / c.size) : '—';
    return `| ${c.shape.name} | ${c.size} | **${ms(median(scanCpu))}** (${spread(scanCpu)}) | ${ms(median(scanWall))} (${spread(scanWall)}) | ${first} | ${ms(median(parseCpu))} | ${(median(scanCpu) / median(parseCpu)).toFixed(1)}× |${r.error ? ` ${r.error}` : ''}`;
  });
  const worst = Math.max(
    ...cases.map((c) => median(results.get(c)!.scan.map((s) => s.cpuMs / c.size))),
  );

  writeSection(
    'scan',
    `## Risk scan over big arguments (issue 13)

\`assessRisk\` on a \`write_file\` call whose \`content\` is 1, 5 or 10 MB of the shape shown, with a
GitHub token at its very end (every row checks it was found), against \`JSON.parse\` of the same
request line in the same run (what any proxy does with the line at least). Steady state: a
first round runs every case once, cold (V8 optimises the scan during the first megabytes, and a
shape's first call may take a path no case before it took); its scan CPU per MB is the "first
call" column, in the order of the table, and is not in the medians. Then ${ROUNDS} rounds, every
case once per round, interleaved; the median with the spread (min–max) over those rounds. A full
garbage collection runs before each timed step, so a scan pays for its own garbage and not for
the request lines parsed before it. Times in ms per MB of arguments: CPU time of the process
(steadier on a shared machine) and wall time. Target: ≤ 15 ms per MB, linear in size.

| shape | MB | scan CPU ms/MB | scan wall ms/MB | first call, CPU ms/MB | JSON.parse CPU ms/MB | scan ÷ parse |
|---|---|---|---|---|---|---|
${rows.join('\n')}

Worst median: **${ms(worst)} ms per MB** (CPU). Load average (1 min) at the end of the run:
${loadavg()[0]?.toFixed(1)}.`,
  );
  // The worst case's CPU per MB in every round: the summary's figure with its spread.
  const worstCase = cases.find(
    (c) => median(results.get(c)!.scan.map((s) => s.cpuMs / c.size)) === worst,
  );
  if (worstCase)
    saveRows('scan', {
      scanPerMb: {
        label: `${worstCase.shape.name}, ${worstCase.size} MB`,
        values: results.get(worstCase)!.scan.map((s) => s.cpuMs / worstCase.size),
      },
    });
  for (const c of cases) expect(results.get(c)!.error, `${c.shape.name} ${c.size} MB`).toBe('');
});
