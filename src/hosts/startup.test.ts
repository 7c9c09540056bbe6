import { describe, expect, it } from 'vitest';
import { hostsCommand } from './command';
import { allServers, scanHosts } from './scan';
import { startupBudget } from './startup';
import { makeHome, type TestHome } from './testHome';
import { parse } from 'smol-toml';

async function run(t: TestHome, argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await hostsCommand(argv, {
    stdout: (s) => (out += s),
    stderr: (s) => (out += s),
    env: t.ctx.env,
    dataDir: t.dataDir,
    dataDirIsDefault: false,
    shimLauncher: t.ctx.shimLauncher,
    platform: 'linux',
  });
  return { code, out };
}

const servers = (t: TestHome) =>
  (parse(t.read('.codex/config.toml')) as { mcp_servers: Record<string, Record<string, unknown>> })
    .mcp_servers;

describe('startup budgets', () => {
  it('reads Codex startup_timeout_sec (10 s by default) and opencode timeout', () => {
    expect(startupBudget('codex', {})).toMatchObject({
      seconds: 10,
      isDefault: true,
      raisable: true,
    });
    expect(startupBudget('codex', { startup_timeout_sec: 20 })).toMatchObject({
      seconds: 20,
      isDefault: false,
    });
    expect(startupBudget('codex', { startup_timeout_ms: 3000 })).toMatchObject({
      seconds: 3,
      raisable: false,
    });
    expect(startupBudget('opencode', { timeout: 8000 })).toMatchObject({
      seconds: 8,
      raisable: false,
    });
    expect(startupBudget('cursor', {})).toBeUndefined();
  });

  it('scan says so and offers to raise it', async () => {
    const t = makeHome();
    const r = await run(t, ['scan']);
    expect(r.out).toContain(
      'startup budget: 10 s to start (startup_timeout_sec, the default); the shim adds about 0.1–0.25 s (install --startup-timeout 20 raises it with the wrap)',
    );
    expect(r.out).toContain('startup budget: 20 s to start (startup_timeout_sec)');
  });

  it.each([
    ['bare', undefined],
    ['context-7', undefined],
    ['docs', 20],
  ])(
    'install --startup-timeout raises %s in the same edit; uninstall takes it back byte for byte',
    async (name, had) => {
      const t = makeHome();
      const original = t.read('.codex/config.toml');
      const before = t.snapshot();
      expect(servers(t)[name]!.startup_timeout_sec).toBe(had);
      const r = await run(t, [
        'install',
        '--host',
        'codex',
        '--server',
        name,
        '--startup-timeout',
        '30',
      ]);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain('startup_timeout_sec = 30');
      expect(servers(t)[name]!.startup_timeout_sec).toBe(30);
      const e = allServers(scanHosts({ env: t.ctx.env, platform: 'linux' })).find(
        (s) => s.host === 'codex' && s.name === name,
      );
      expect(e).toMatchObject({ guarded: true, startup: { seconds: 30 } });
      const un = await run(t, ['uninstall', '--host', 'codex', '--server', name]);
      expect(un.out).not.toContain('structural');
      expect(t.read('.codex/config.toml')).toBe(original);
      expect(t.snapshot()).toEqual(before);
    },
  );

  it('never lowers a budget, and rejects a nonsense value', async () => {
    const t = makeHome();
    await run(t, ['install', '--host', 'codex', '--server', 'docs', '--startup-timeout', '15']);
    expect(servers(t).docs!.startup_timeout_sec).toBe(20);
    expect(
      (await run(t, ['install', '--host', 'codex', '--all', '--startup-timeout', 'soon'])).code,
    ).toBe(2);
  });
});
