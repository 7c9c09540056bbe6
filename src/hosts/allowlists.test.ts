import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wrapVerdict } from './allowlists';
import { hostsCommand } from './command';
import { makeHome, type TestHome } from './testHome';

const ORIGINAL = ['node', '/opt/mcp/everything/dist/index.js'];
const WRAPPED = ['/usr/bin/node', '/opt/airlock/out/cli/airlock.js', 'shim', '--', ...ORIGINAL];

describe('wrapVerdict', () => {
  it('refuses when a deny list names the exact command (the wrap would slip past it)', () => {
    expect(
      wrapVerdict({ denied: [{ serverCommand: ORIGINAL }] }, 'everything', ORIGINAL, WRAPPED)
        .refuse,
    ).toMatch(/slip past the deny list/);
  });
  it('a deny by name is no reason to refuse: the wrap keeps the name', () => {
    expect(
      wrapVerdict({ denied: [{ serverName: 'everything' }] }, 'everything', ORIGINAL, WRAPPED),
    ).toEqual({});
  });
  it('warns when an allowlist admits the original command but not the wrapped one', () => {
    const v = wrapVerdict(
      { allowed: [{ serverCommand: ORIGINAL }], denied: [] },
      'everything',
      ORIGINAL,
      WRAPPED,
    );
    expect(v.blocked).toMatch(/would block it/);
    expect(v.blocked).toContain(JSON.stringify(WRAPPED));
  });
  it('is content when the wrapped command is allowed too, or the list allows by name only', () => {
    expect(
      wrapVerdict(
        { allowed: [{ serverCommand: ORIGINAL }, { serverCommand: WRAPPED }], denied: [] },
        'e',
        ORIGINAL,
        WRAPPED,
      ),
    ).toEqual({});
    expect(
      wrapVerdict({ allowed: [{ serverName: 'e' }], denied: [] }, 'e', ORIGINAL, WRAPPED),
    ).toEqual({});
  });
});

async function install(t: TestHome): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await hostsCommand(['install', '--host', 'claude-code', '--server', 'everything'], {
    stdout: (s) => (out += s),
    stderr: (s) => (out += s),
    env: t.ctx.env,
    dataDir: t.dataDir,
    dataDirIsDefault: false,
    shimLauncher: t.ctx.shimLauncher,
    platform: 'linux',
    systemRoot: t.systemRoot,
  });
  return { code, out };
}

function managed(t: TestHome, settings: object): void {
  const dir = join(t.systemRoot, 'etc', 'claude-code');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'managed-settings.json'), JSON.stringify(settings));
}

describe('hosts install against Claude Code managed settings', () => {
  it('refuses to wrap a server the managed deny list names by command, and changes nothing', async () => {
    const t = makeHome();
    managed(t, { deniedMcpServers: [{ serverCommand: ORIGINAL }] });
    const before = t.snapshot();
    const r = await install(t);
    expect(r.out).toContain(
      'everything: skipped (refused: deniedMcpServers names this exact command',
    );
    expect(t.snapshot()).toEqual(before);
  });

  it('a deny list in the user settings counts too', async () => {
    const t = makeHome();
    mkdirSync(t.path('.claude'), { recursive: true });
    writeFileSync(
      t.path('.claude/settings.json'),
      JSON.stringify({ deniedMcpServers: [{ serverCommand: ORIGINAL }] }),
    );
    const before = t.snapshot();
    expect((await install(t)).out).toContain('refused');
    expect(t.snapshot()).toEqual(before);
  });

  it('leaves an allowlisted command alone and says what to ask for', async () => {
    const t = makeHome();
    managed(t, {
      allowedMcpServers: [{ serverCommand: ORIGINAL }],
      allowManagedMcpServersOnly: true,
    });
    const before = t.snapshot();
    const r = await install(t);
    expect(r.out).toContain('not wrapped: allowedMcpServers');
    expect(t.snapshot()).toEqual(before);
  });

  it('scan says what the lists mean for each entry', async () => {
    const t = makeHome();
    managed(t, { deniedMcpServers: [{ serverCommand: ORIGINAL }] });
    let out = '';
    await hostsCommand(['scan'], {
      stdout: (s) => (out += s),
      stderr: (s) => (out += s),
      env: t.ctx.env,
      dataDir: t.dataDir,
      dataDirIsDefault: false,
      shimLauncher: t.ctx.shimLauncher,
      platform: 'linux',
      systemRoot: t.systemRoot,
    });
    expect(out).toContain('policy: deniedMcpServers names this exact command');
  });

  it('wraps as usual without lists', async () => {
    const t = makeHome();
    expect((await install(t)).out).toContain('guarded everything');
  });
});
