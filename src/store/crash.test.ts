// A gate killed with SIGKILL right after `decide` returned keeps the decision: the store is
// bundled and run in a real child process that is killed mid-stream.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from './store';
import { removeTempDirs, tempDir } from './testSupport';

const ROOT = path.resolve(__dirname, '../..');
let dir: string;

beforeAll(async () => {
  dir = tempDir();
  await build({
    configFile: false,
    logLevel: 'silent',
    root: ROOT,
    build: {
      ssr: path.join(__dirname, 'store.ts'),
      outDir: dir,
      emptyOutDir: false,
      minify: false,
      rollupOptions: { output: { format: 'cjs', entryFileNames: 'store.cjs' } },
    },
  });
  fs.writeFileSync(
    path.join(dir, 'gate.cjs'),
    `
const { openStore } = require('./store.cjs');
const store = openStore(process.argv[2]);
const start = (at) => ({ at, sessionId: 's', host: 'h', serverId: null, server: 'fs', tool: 'write_file',
  argumentsRaw: JSON.stringify({ path: '/p/' + at }), risk: { level: 'high', reasons: [] } });
const waiting = store.calls.begin(start(1));
process.stdout.write('pending ' + waiting + '\\n');
for (let at = 2; ; at++) {
  const id = store.calls.begin(start(at));
  store.calls.decide(id, { kind: 'approved', decidedBy: 'user', ruleId: null, message: null, at });
  // stdout to a pipe is synchronous on Linux: the parent can read this only after decide returned.
  process.stdout.write('decided ' + id + '\\n');
}
`,
  );
});
afterAll(removeTempDirs);

/** Runs the child until it has acknowledged `n` decisions, then SIGKILLs it. */
function runAndKill(file: string, n: number): Promise<{ pending: number; decided: number[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(dir, 'gate.cjs'), file], {
      env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = -1;
    const decided: number[] = [];
    let buf = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) {
        const [what, id] = line.split(' ');
        if (what === 'pending') pending = Number(id);
        else if (what === 'decided' && decided.length < n) decided.push(Number(id));
      }
      if (decided.length >= n && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL'
        ? resolve({ pending, decided })
        : reject(new Error(`child exited: ${err}`)),
    );
  });
}

describe('crash safety', () => {
  it('keeps every decision acknowledged before SIGKILL and marks the waiting call interrupted', async () => {
    const file = path.join(tempDir(), 'airlock.db');
    const { pending, decided } = await runAndKill(file, 200);
    expect(decided).toHaveLength(200);

    const store = openStore(file);
    for (const id of decided) expect(store.history.get(id)?.decision).toBe('approved');
    expect(store.calls.pendingIds()).toContain(pending);
    expect(store.calls.markInterrupted(10_000_000)).toBeGreaterThanOrEqual(1);
    expect(store.history.get(pending)?.decision).toBe('interrupted');
    expect(store.calls.pendingIds()).toEqual([]);
    expect(store.audit.verify()).toMatchObject({ ok: true });
    store.close();
  });
});
