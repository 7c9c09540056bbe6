import {
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { createScanner } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { hostsCommand, type HostsIo } from './command';
import { ledgerPath } from './ledger';
import { allServers, getAt, scanHosts } from './scan';
import { openJson } from './jsonDoc';
import { openToml } from './tomlDoc';
import { makeHome, PROJECT, type TestHome } from './testHome';
import { HOST_IDS, type HostId, type ServerEntry } from './types';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(t: TestHome, argv: string[], over: Partial<HostsIo> = {}): Promise<Run> {
  let out = '';
  let err = '';
  const code = await hostsCommand(argv, {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    env: t.ctx.env,
    dataDir: t.ctx.dataDir,
    dataDirIsDefault: t.ctx.dataDirIsDefault,
    shimLauncher: t.ctx.shimLauncher,
    platform: 'linux',
    ...over,
  });
  return { code, out, err };
}

function entry(t: TestHome, host: HostId, name: string, projects: string[] = []): ServerEntry {
  const s = allServers(scanHosts({ env: t.ctx.env, platform: 'linux', projects })).find(
    (x) => x.host === host && x.name === name,
  );
  if (!s) throw new Error(`${host}/${name} missing`);
  return s;
}

function parse(rel: string, text: string): Record<string, unknown> {
  return (rel.endsWith('.toml') ? openToml(text).value : openJson(text).value) as Record<
    string,
    unknown
  >;
}

interface Case {
  host: HostId;
  rel: string;
  server: string;
  location: string[];
  project?: boolean;
}

const CASES: Case[] = [
  {
    host: 'claude-desktop',
    rel: '.config/Claude/claude_desktop_config.json',
    server: 'filesystem',
    location: ['mcpServers'],
  },
  { host: 'claude-code', rel: '.claude.json', server: 'everything', location: ['mcpServers'] },
  {
    host: 'claude-code',
    rel: `${PROJECT}/.mcp.json`,
    server: 'project-tools',
    location: ['mcpServers'],
    project: true,
  },
  { host: 'cursor', rel: '.cursor/mcp.json', server: 'playwright', location: ['mcpServers'] },
  { host: 'vscode', rel: '.config/Code/User/mcp.json', server: 'memory', location: ['servers'] },
  {
    host: 'windsurf',
    rel: '.codeium/windsurf/mcp_config.json',
    server: 'git',
    location: ['mcpServers'],
  },
  {
    host: 'cline',
    rel: '.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json',
    server: 'weather',
    location: ['mcpServers'],
  },
  { host: 'gemini', rel: '.gemini/settings.json', server: 'pythonTools', location: ['mcpServers'] },
  { host: 'codex', rel: '.codex/config.toml', server: 'docs', location: ['mcp_servers'] },
  { host: 'codex', rel: '.codex/config.toml', server: 'context-7', location: ['mcp_servers'] },
  { host: 'codex', rel: '.codex/config.toml', server: 'bare', location: ['mcp_servers'] },
  {
    host: 'zed',
    rel: '.config/zed/settings.json',
    server: 'local-mcp-server',
    location: ['context_servers'],
  },
  {
    host: 'zed',
    rel: '.config/zed/settings.json',
    server: 'old-style',
    location: ['context_servers'],
  },
];

/** Every comment in the file, in order (JSONC through jsonc-parser's scanner; TOML outside strings). */
function comments(rel: string, text: string): string[] {
  if (rel.endsWith('.toml')) {
    return text
      .split('\n')
      .map((l) => l.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '""'))
      .filter((l) => l.includes('#'))
      .map((l) => l.slice(l.indexOf('#')));
  }
  const sc = createScanner(text, false);
  const out: string[] = [];
  // SyntaxKind is a const enum (unusable under isolatedModules): EOF 17, line/block comment 12/13.
  for (let k: number = sc.scan(); k !== 17; k = sc.scan())
    if (k === 12 || k === 13) out.push(sc.getTokenValue());
  return out;
}

describe.each(CASES)('$host / $server', (c) => {
  it('installs exactly the specified wrap, keeps everything else, is idempotent, and uninstalls byte-identically', async () => {
    const t = makeHome();
    const projectArgs = c.project ? ['--project', t.project] : [];
    const projects = c.project ? [t.project] : [];
    const before = t.snapshot();
    const original = t.read(c.rel);
    const orig = entry(t, c.host, c.server, projects);
    expect(orig.guarded).toBe(false);

    const inst = await run(t, ['install', '--host', c.host, '--server', c.server, ...projectArgs]);
    expect(inst.err).toBe('');
    expect(inst.code).toBe(0);
    expect(inst.out).toContain(`guarded ${c.server}`);
    const installed = t.read(c.rel);
    expect(installed).not.toBe(original);

    const e = entry(t, c.host, c.server, projects);
    expect(e.guarded).toBe(true);
    expect(e.command).toBe('/usr/bin/node');
    expect(e.args).toEqual([
      '/opt/airlock/out/cli/airlock.js',
      'shim',
      '--server',
      c.server,
      '--host',
      c.host,
      '--data-dir',
      t.dataDir,
      '--',
      orig.command,
      ...(orig.args ?? []),
    ]);
    expect(e.env).toEqual(orig.env);

    // Every other key of the file is as it was; only this entry's command/args moved.
    const a = parse(c.rel, original);
    const b = parse(c.rel, installed);
    const strip = (doc: Record<string, unknown>): unknown => {
      const ent = getAt(doc, [...c.location, c.server]) as Record<string, unknown>;
      if (orig.shape === 'zed-legacy') {
        const cmd = ent.command as Record<string, unknown>;
        delete cmd.path;
        delete cmd.args;
      } else {
        delete ent.command;
        delete ent.args;
      }
      return doc;
    };
    expect(isDeepStrictEqual(strip(a), strip(b))).toBe(true);
    if (['vscode', 'zed', 'codex'].includes(c.host))
      expect(comments(c.rel, original).length).toBeGreaterThan(1);
    expect(comments(c.rel, installed)).toEqual(comments(c.rel, original));
    if (c.server === 'memory')
      expect(installed).toContain('"@modelcontextprotocol/server-memory@2025.4.25", // pinned');
    if (c.server === 'context-7') expect(installed).toContain('"@upstash/context7-mcp", # latest');

    const again = await run(t, ['install', '--host', c.host, '--server', c.server, ...projectArgs]);
    expect(again.code).toBe(0);
    expect(again.out).toContain('already guarded');
    expect(t.read(c.rel)).toBe(installed);

    const un = await run(t, ['uninstall', '--host', c.host, '--server', c.server, ...projectArgs]);
    expect(un.err).toBe('');
    expect(un.code).toBe(0);
    expect(t.read(c.rel)).toBe(original);
    // Nothing else under HOME changed or appeared (backups and the ledger live in the data dir).
    expect(t.snapshot()).toEqual(before);
  });
});

describe('install --all / uninstall --all round trip per host', () => {
  const hosts: readonly HostId[] = HOST_IDS;
  it.each(hosts)('%s', async (host) => {
    const t = makeHome();
    // Visual Studio exists on Windows only: run it there, with HOME as the user profile.
    const over: Partial<HostsIo> =
      host === 'visual-studio' ? { platform: 'win32', env: { USERPROFILE: t.home } } : {};
    const env = over.env ?? t.ctx.env;
    const platform = over.platform ?? 'linux';
    const before = t.snapshot();
    const inst = await run(t, ['install', '--host', host, '--all'], over);
    expect(inst.code).toBe(0);
    const guarded = allServers(scanHosts({ env, platform })).filter(
      (s) => s.host === host && s.project === undefined,
    );
    expect(guarded.some((s) => s.guarded)).toBe(true);
    for (const s of guarded) expect(s.guarded, s.name).toBe(s.guardable);
    expect(t.snapshot()).not.toEqual(before);
    const second = await run(t, ['install', '--host', host, '--all'], over);
    expect(second.out).toContain('nothing to change');
    const un = await run(t, ['uninstall', '--host', host, '--all'], over);
    expect(un.code).toBe(0);
    expect(t.snapshot()).toEqual(before);
  });
});

describe('install safety', () => {
  it('refuses a malformed file: same bytes, no backup, clear error', async () => {
    const t = makeHome();
    const bad = '{\n  "mcpServers": {\n    "x": { "command": "npx", "args": ["a"] }\n  \n';
    writeFileSync(t.path('.cursor/mcp.json'), bad);
    const r = await run(t, ['install', '--host', 'cursor', '--all']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/refused: cannot parse .*mcp\.json: CloseBraceExpected at line/);
    expect(t.read('.cursor/mcp.json')).toBe(bad);
    expect(existsSync(join(t.dataDir, 'backups'))).toBe(false);
    expect(readdirSync(t.path('.cursor'))).toEqual(['mcp.json']);
  });

  it('refuses malformed TOML untouched', async () => {
    const t = makeHome();
    const bad = '[mcp_servers.docs]\ncommand = "docs-server\n';
    writeFileSync(t.path('.codex/config.toml'), bad);
    const r = await run(t, ['install', '--host', 'codex', '--all']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/refused: cannot parse/);
    expect(t.read('.codex/config.toml')).toBe(bad);
  });

  it('--dry-run writes nothing and prints a diff', async () => {
    const t = makeHome();
    const before = t.snapshot();
    const r = await run(t, ['install', '--host', 'cursor', '--server', 'playwright', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`--- ${t.path('.cursor/mcp.json')}`);
    expect(r.out).toContain('-      "command": "npx",');
    expect(r.out).toContain('+      "command": "/usr/bin/node",');
    expect(r.out).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@$/m);
    expect(t.snapshot()).toEqual(before);
    expect(existsSync(t.dataDir)).toBe(false);
  });

  it('backs up the original, keeps the file mode, and writes through a symlink', async () => {
    const t = makeHome();
    const real = t.path('dotfiles/mcp.json');
    const link = t.path('.cursor/mcp.json');
    const original = readFileSync(link, 'utf8');
    writeFileSync(t.path('.cursor/tmp'), original);
    rmSync(link);
    const { mkdirSync, chmodSync } = await import('node:fs');
    mkdirSync(t.path('dotfiles'));
    renameSync(t.path('.cursor/tmp'), real);
    chmodSync(real, 0o604);
    symlinkSync(real, link);
    const r = await run(t, ['install', '--host', 'cursor', '--server', 'playwright']);
    expect(r.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toContain('"/usr/bin/node"');
    expect(statSync(real).mode & 0o777).toBe(0o604);
    const backups = readdirSync(join(t.dataDir, 'backups'));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/mcp\.json\.airlock-backup-/);
    expect(readFileSync(join(t.dataDir, 'backups', backups[0]!), 'utf8')).toBe(original);
    expect(r.out).toContain('backup: ');
  });

  it('names the data dir even when it is the default (hosts may pass the shim no XDG_CONFIG_HOME)', async () => {
    const t = makeHome();
    await run(t, ['install', '--host', 'cursor', '--server', 'playwright'], {
      dataDirIsDefault: true,
    });
    expect(entry(t, 'cursor', 'playwright').args).toEqual([
      '/opt/airlock/out/cli/airlock.js',
      'shim',
      '--server',
      'playwright',
      '--host',
      'cursor',
      '--data-dir',
      t.dataDir,
      '--',
      'npx',
      '@playwright/mcp@latest',
    ]);
  });

  it('re-installing with another node/cli path re-wraps the original instead of wrapping twice', async () => {
    const t = makeHome();
    const original = t.read('.config/Claude/claude_desktop_config.json');
    await run(t, ['install', '--host', 'claude-desktop', '--server', 'github']);
    const moved = {
      node: '/home/me/.nvm/node',
      cli: '/Applications/Airlock.app/Contents/Resources/airlock.js',
    };
    const r = await run(t, ['install', '--host', 'claude-desktop', '--server', 'github'], {
      shimLauncher: moved,
    });
    expect(r.out).toContain('re-guarded github');
    const e = entry(t, 'claude-desktop', 'github');
    expect(e.command).toBe(moved.node);
    expect(e.args?.[0]).toBe(moved.cli);
    expect(e.args?.filter((a) => a === 'shim')).toHaveLength(1);
    expect(e.original).toEqual({
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-github@2025.4.8'],
    });
    await run(t, ['uninstall', '--host', 'claude-desktop', '--server', 'github'], {
      shimLauncher: moved,
    });
    expect(t.read('.config/Claude/claude_desktop_config.json')).toBe(original);
  });

  it('restores structurally when the ledger is missing', async () => {
    const t = makeHome();
    await run(t, ['install', '--host', 'codex', '--server', 'bare']);
    rmSync(ledgerPath(t.dataDir));
    const r = await run(t, ['uninstall', '--host', 'codex', '--server', 'bare']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('restored from the wrapped command');
    const e = entry(t, 'codex', 'bare');
    expect(e.guarded).toBe(false);
    expect(e.command).toBe('/usr/local/bin/bare-mcp');
    expect(e.args).toEqual([]);
    expect(t.read('.codex/config.toml')).toContain('# Codex configuration');
  });

  it("restores structurally, keeping the user's own later edit, when the entry changed since install", async () => {
    const t = makeHome();
    const rel = '.cursor/mcp.json';
    await run(t, ['install', '--host', 'cursor', '--server', 'playwright']);
    const edited = t
      .read(rel)
      .replace(
        '"command": "/usr/bin/node",',
        '"command": "/usr/bin/node",\n      "env": { "DEBUG": "1" },',
      );
    writeFileSync(t.path(rel), edited);
    const r = await run(t, ['uninstall', '--host', 'cursor', '--server', 'playwright']);
    expect(r.code).toBe(0);
    const e = entry(t, 'cursor', 'playwright');
    expect(e).toMatchObject({
      guarded: false,
      command: 'npx',
      args: ['@playwright/mcp@latest'],
      env: { DEBUG: '1' },
    });
  });

  it('guards a per-project block of ~/.claude.json through --project', async () => {
    const t = makeHome();
    const original = t.read('.claude.json');
    const r = await run(t, [
      'install',
      '--host',
      'claude-code',
      '--server',
      'db',
      '--project',
      '/home/user/work/app',
    ]);
    expect(r.code).toBe(0);
    expect(entry(t, 'claude-code', 'db').guarded).toBe(true);
    expect(entry(t, 'claude-code', 'everything').guarded).toBe(false);
    await run(t, [
      'uninstall',
      '--host',
      'claude-code',
      '--all',
      '--project',
      '/home/user/work/app',
    ]);
    expect(t.read('.claude.json')).toBe(original);
  });

  it('skips remote servers with a reason, and reports unknown names', async () => {
    const t = makeHome();
    const before = t.snapshot();
    const r = await run(t, [
      'install',
      '--host',
      'cursor',
      '--server',
      'remote-docs',
      '--server',
      'nope',
    ]);
    expect(r.out).toContain(
      'remote-docs: skipped (Remote server: the stdio shim cannot guard it.)',
    );
    expect(r.err).toContain('no server named "nope"');
    expect(r.code).toBe(1);
    expect(t.snapshot()).toEqual(before);
  });

  it('rejects bad usage', async () => {
    const t = makeHome();
    expect((await run(t, ['install', '--host', 'nope', '--all'])).code).toBe(2);
    expect((await run(t, ['install', '--host', 'cursor'])).code).toBe(2);
    expect((await run(t, ['frobnicate'])).code).toBe(2);
    const help = await run(t, ['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('airlock hosts install');
  });

  it('scan --json lists hosts without env values', async () => {
    const t = makeHome();
    const r = await run(t, ['scan', '--json']);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz');
    const parsed = JSON.parse(r.out) as { hosts: { host: string; found: boolean }[] };
    expect(parsed.hosts.filter((h) => h.found)).toHaveLength(HOST_IDS.length - 1); // no Visual Studio on Linux
    const text = await run(t, ['scan']);
    expect(text.out).toMatch(/filesystem: stdio, NOT guarded, grade [A-F]/);
    expect(text.out).toContain('Notes: extension, extension, cannot be guarded');
    expect(text.out).toContain('sentry: http, remote HTTP, cannot be guarded');
  });
});
