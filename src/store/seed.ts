// Synthetic but plausible history, for benchmarks and UI tests at 100k–1M rows. Goes through
// the real write path (chain events included), in one transaction.
import type { DecidedBy, DecisionKind, RiskLevel, RiskReason } from '../contract/types';
import type { Store } from './store';
import type { CallDecision } from './types';

export type Rng = () => number;

/** Small deterministic generator (mulberry32) so seeded stores are reproducible. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;

const WORDS = [
  'report',
  'notes',
  'invoice',
  'draft',
  'config',
  'deploy',
  'budget',
  'readme',
  'todo',
  'backup',
];
const DIRS = [
  '/home/ana/project',
  '/home/ana/project/src',
  '/home/ana/Documents',
  '/tmp',
  '/etc',
  '/home/ana/.ssh',
];
const DOMAINS = [
  'example.com',
  'api.github.com',
  'docs.python.org',
  'pastebin.com',
  'news.ycombinator.com',
];

interface ToolKind {
  tool: string;
  args: (rng: Rng) => unknown;
  risk: RiskLevel;
}

const SERVERS: { name: string; host: string; tools: ToolKind[] }[] = [
  {
    name: 'filesystem',
    host: 'claude-desktop',
    tools: [
      {
        tool: 'read_file',
        risk: 'low',
        args: (g) => ({ path: `${pick(g, DIRS)}/${pick(g, WORDS)}.md` }),
      },
      { tool: 'list_directory', risk: 'low', args: (g) => ({ path: pick(g, DIRS) }) },
      {
        tool: 'write_file',
        risk: 'medium',
        args: (g) => ({
          path: `${pick(g, DIRS)}/${pick(g, WORDS)}.txt`,
          content: `${pick(g, WORDS)} ${pick(g, WORDS)} ${Math.floor(g() * 1e6)}`,
        }),
      },
      {
        tool: 'move_file',
        risk: 'high',
        args: (g) => ({
          source: `${pick(g, DIRS)}/${pick(g, WORDS)}`,
          destination: `${pick(g, DIRS)}/${pick(g, WORDS)}`,
        }),
      },
    ],
  },
  {
    name: 'shell',
    host: 'cursor',
    tools: [
      {
        tool: 'run_command',
        risk: 'high',
        args: (g) => ({
          command: pick(g, [
            'ls -la',
            'git status',
            'npm test',
            'rm -rf build',
            'curl -s https://' + pick(g, DOMAINS),
          ]),
          cwd: pick(g, DIRS),
        }),
      },
    ],
  },
  {
    name: 'fetch',
    host: 'claude-code',
    tools: [
      {
        tool: 'fetch',
        risk: 'medium',
        args: (g) => ({
          url: `https://${pick(g, DOMAINS)}/${pick(g, WORDS)}?q=${Math.floor(g() * 1e4)}`,
        }),
      },
    ],
  },
  {
    name: 'github',
    host: 'vscode',
    tools: [
      {
        tool: 'search_issues',
        risk: 'low',
        args: (g) => ({ repo: `ana/${pick(g, WORDS)}`, query: `${pick(g, WORDS)} is:open` }),
      },
      {
        tool: 'create_pull_request',
        risk: 'medium',
        args: (g) => ({
          repo: `ana/${pick(g, WORDS)}`,
          title: `Update ${pick(g, WORDS)}`,
          base: 'main',
        }),
      },
      {
        tool: 'delete_branch',
        risk: 'critical',
        args: (g) => ({ repo: `ana/${pick(g, WORDS)}`, branch: `feature/${pick(g, WORDS)}` }),
      },
    ],
  },
];

const REASONS: Record<RiskLevel, RiskReason[]> = {
  low: [],
  medium: [
    { code: 'name.verb', level: 'medium', text: 'The tool name suggests it changes something' },
  ],
  high: [{ code: 'args.shell', level: 'high', text: 'The arguments contain a shell command' }],
  critical: [{ code: 'name.destructive', level: 'critical', text: 'The tool deletes data' }],
};

function decisionFor(rng: Rng, risk: RiskLevel, at: number): CallDecision {
  const x = rng();
  let kind: DecisionKind;
  let by: DecidedBy | null;
  if (risk === 'low' && x < 0.8) [kind, by] = ['auto-approved', 'policy'];
  else if (x < 0.55) [kind, by] = ['approved', 'user'];
  else if (x < 0.7) [kind, by] = ['auto-approved', 'rule'];
  else if (x < 0.82) [kind, by] = ['denied', 'user'];
  else if (x < 0.88) [kind, by] = ['auto-denied', 'rule'];
  else if (x < 0.94) [kind, by] = ['timed-out', 'timeout'];
  else if (x < 0.98) [kind, by] = ['cancelled', 'host'];
  else [kind, by] = ['interrupted', 'gate'];
  const asked = by === 'user' || by === 'timeout' || by === 'host';
  return {
    kind,
    decidedBy: by,
    ruleId: by === 'rule' ? 1 + Math.floor(rng() * 5) : null,
    message: kind === 'denied' && rng() < 0.3 ? 'Not in this folder, please' : null,
    at: at + (asked ? Math.floor(500 + rng() * 20_000) : Math.floor(rng() * 3)),
  };
}

/**
 * Inserts n decided calls (with outcomes for the forwarded ones), spread evenly over the
 * `spanDays` before `now`, oldest first. Returns the first and last call ids.
 */
export function seedCalls(
  store: Store,
  n: number,
  rng: Rng = seededRng(1),
  opts: { now?: number; spanDays?: number } = {},
): { firstId: number; lastId: number } {
  const now = opts.now ?? Date.now();
  const span = (opts.spanDays ?? 90) * 86_400_000;
  let firstId = 0;
  let lastId = 0;
  store.transaction(() => {
    for (let i = 0; i < n; i++) {
      const server = pick(rng, SERVERS);
      const kind = pick(rng, server.tools);
      const at = Math.floor(now - span + (span * i) / Math.max(1, n));
      const risk = rng() < 0.1 && kind.risk !== 'critical' ? 'high' : kind.risk;
      const d = decisionFor(rng, risk, at);
      const forwarded = d.kind === 'approved' || d.kind === 'auto-approved';
      const id = store.calls.record(
        {
          at,
          sessionId: `s${Math.floor(i / 500)}`,
          host: server.host,
          serverId: null,
          server: server.name,
          tool: kind.tool,
          arguments: kind.args(rng),
          risk: { level: risk, reasons: REASONS[risk] },
        },
        d,
        forwarded
          ? {
              isError: rng() < 0.05,
              durationMs: Math.floor(rng() * 800),
              size: Math.floor(rng() * 50_000),
            }
          : undefined,
      );
      if (i === 0) firstId = id;
      lastId = id;
    }
    // The charts' counts and the full-text index with them, as the gate's next batch would
    // (migrations 010 and 011).
    store.calls.catchUpStats();
    store.calls.catchUpSearch();
  });
  return { firstId, lastId };
}
