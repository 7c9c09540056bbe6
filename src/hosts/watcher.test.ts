import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan, planInstall } from './plan';
import { makeHome, type TestHome } from './testHome';
import type { ScanEvent } from './watch';
import { HostWatcher } from './watcher';

const watchers: HostWatcher[] = [];
afterEach(() => {
  for (const w of watchers.splice(0)) w.stop();
});

/** A watcher whose events arrive on a queue the test can wait on. */
function watchHome(t: TestHome, opts: { pollMs?: number; debounceMs?: number } = {}) {
  const batches: ScanEvent[][] = [];
  let wake: (() => void) | null = null;
  const w = new HostWatcher({
    env: t.ctx.env,
    platform: 'linux',
    debounceMs: opts.debounceMs ?? 50,
    pollMs: opts.pollMs ?? 0,
    onEvents: (events) => {
      batches.push(events);
      wake?.();
    },
  });
  watchers.push(w);
  const next = async (): Promise<ScanEvent[]> => {
    // Generous: only a watcher that never reports makes this wait the whole time.
    const deadline = Date.now() + 10_000;
    while (batches.length === 0 && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 200);
      });
    }
    const batch = batches.shift();
    if (!batch) throw new Error('no events within 10 s');
    return batch;
  };
  return { w, batches, next };
}

const cursorWith = (servers: Record<string, unknown>): string =>
  JSON.stringify({ mcpServers: servers }, null, 2);

describe('HostWatcher', () => {
  it('reports one new-unguarded event when a server is written into the Cursor config', async () => {
    const t = makeHome();
    const { w, next } = watchHome(t);
    w.start();
    expect(w.watchedDirs()).toContain(t.path('.cursor'));
    writeFileSync(
      t.path('.cursor/mcp.json'),
      cursorWith({
        playwright: { command: 'npx', args: ['@playwright/mcp@latest'] },
        'remote-docs': { url: 'http://docs.example.com/mcp' },
        fresh: { command: 'fresh-mcp', args: ['--stdio'] },
      }),
    );
    const events = await next();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'new-unguarded',
      host: 'cursor',
      server: 'fresh',
      configPath: t.path('.cursor/mcp.json'),
      message: "New MCP server 'fresh' in Cursor is not guarded — Guard it?",
    });
  });

  it('reports wrap-removed when a guarded entry is rewritten unguarded', async () => {
    const t = makeHome();
    const original = t.read('.cursor/mcp.json');
    const plan = planInstall(t.ctx, { host: 'cursor', servers: ['playwright'] });
    expect(applyPlan(t.ctx, plan).errors).toEqual([]);
    expect(t.read('.cursor/mcp.json')).toContain('shim');
    const { w, next } = watchHome(t);
    w.start();
    writeFileSync(t.path('.cursor/mcp.json'), original);
    const events = await next();
    expect(events.map((e) => [e.kind, e.server])).toEqual([['wrap-removed', 'playwright']]);
  });

  it('raises unguarded-auto-approved first when a Claude Code wrap goes and its allow rule stays', async () => {
    const t = makeHome();
    const original = t.read('.claude.json');
    const plan = planInstall(t.ctx, {
      host: 'claude-code',
      servers: ['everything'],
      singleConsent: true,
    });
    expect(applyPlan(t.ctx, plan).errors).toEqual([]);
    expect(t.read('.claude/settings.json')).toContain('mcp__everything__*');
    const { w, next } = watchHome(t);
    w.start();
    // `claude mcp add` (or a sync tool) rewrites ~/.claude.json; the settings file keeps the rule.
    writeFileSync(t.path('.claude.json'), original);
    const events = await next();
    expect(events[0]).toMatchObject({ kind: 'unguarded-auto-approved', server: 'everything' });
    expect(events[0]!.message).toMatch(/^URGENT/);
  });

  it('notices an allow rule added to the settings file of an unguarded server', async () => {
    const t = makeHome();
    const { w, next } = watchHome(t);
    w.start();
    mkdirSync(t.path('.claude'), { recursive: true });
    writeFileSync(
      t.path('.claude/settings.json'),
      JSON.stringify({ permissions: { allow: ['mcp__everything'] } }),
    );
    const events = await next();
    expect(events.map((e) => [e.kind, e.server])).toEqual([
      ['unguarded-auto-approved', 'everything'],
    ]);
  });

  it('notices a config whose folder did not exist when it started', async () => {
    const t = makeHome();
    rmSync(t.path('.cursor'), { recursive: true });
    const { w, next } = watchHome(t);
    w.start();
    expect(w.watchedDirs()).not.toContain(t.path('.cursor'));
    mkdirSync(t.path('.cursor'));
    writeFileSync(t.path('.cursor/mcp.json'), cursorWith({ late: { command: 'late-mcp' } }));
    const events = await next();
    expect(events.map((e) => [e.kind, e.server])).toEqual([['new-unguarded', 'late']]);
    expect(w.watchedDirs()).toContain(t.path('.cursor'));
  });

  it('falls back to polling: with file events held back, the poll still finds the change', async () => {
    const t = makeHome();
    // A debounce longer than the test: only the poll can report.
    const { w, next } = watchHome(t, { pollMs: 100, debounceMs: 3_600_000 });
    w.start();
    writeFileSync(t.path('.cursor/mcp.json'), cursorWith({ polled: { command: 'p' } }));
    const events = await next();
    expect(events.map((e) => [e.kind, e.server])).toEqual([['new-unguarded', 'polled']]);
  });

  it('resync takes the current state as the baseline: the app’s own unguard is not reported', () => {
    const t = makeHome();
    const plan = planInstall(t.ctx, { host: 'cursor', servers: ['playwright'] });
    applyPlan(t.ctx, plan);
    const guarded = readFileSync(t.path('.cursor/mcp.json'), 'utf8');
    const { w } = watchHome(t);
    w.start();
    writeFileSync(
      t.path('.cursor/mcp.json'),
      guarded.replace(/"command": "[^"]*"/, '"command": "x"'),
    );
    w.resync();
    expect(w.rescan()).toEqual([]);
  });

  it('stop closes every watch and a stopped watcher reports nothing', () => {
    const t = makeHome();
    const { w } = watchHome(t);
    w.start();
    expect(w.watchedDirs().length).toBeGreaterThan(0);
    w.stop();
    expect(w.watchedDirs()).toEqual([]);
    writeFileSync(t.path('.cursor/mcp.json'), cursorWith({ after: { command: 'a' } }));
    expect(w.rescan()).toEqual([]);
  });
});
