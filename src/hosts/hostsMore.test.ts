// The hosts and locations added after the first nine: each fixture is found where the host keeps
// it, its servers guarded with the launch the shim expects, and restored byte for byte.
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hostsCommand, type HostsIo } from './command';
import { launchValues } from './entry';
import { allServers, getAt, openDocument, scanHosts } from './scan';
import { makeHome, type TestHome } from './testHome';
import type { ConfigFormat, HostId, Platform, ServerEntry } from './types';

interface Case {
  host: HostId;
  rel: string;
  server: string;
  /** Path of the entry in the file, when not [location…, server]. */
  entryPath: string[];
  platform?: Platform;
}

function envFor(t: TestHome, platform: Platform): NodeJS.ProcessEnv {
  return platform === 'win32' ? { USERPROFILE: t.home } : t.ctx.env;
}

async function run(t: TestHome, argv: string[], platform: Platform = 'linux') {
  let out = '';
  let err = '';
  const io: HostsIo = {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    env: envFor(t, platform),
    dataDir: t.ctx.dataDir,
    dataDirIsDefault: false,
    shimLauncher: t.ctx.shimLauncher,
    platform,
    systemRoot: t.systemRoot,
  };
  const code = await hostsCommand(argv, io);
  return { code, out, err };
}

function scan(t: TestHome, platform: Platform = 'linux'): ServerEntry[] {
  return allServers(scanHosts({ env: envFor(t, platform), platform, systemRoot: t.systemRoot }));
}

function formatOf(rel: string): ConfigFormat {
  return rel.endsWith('.yaml') ? 'yaml' : rel.endsWith('.toml') ? 'toml' : 'json';
}

const CASES: Case[] = [
  {
    host: 'roo-code',
    rel: '.config/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json',
    server: 'filesystem',
    entryPath: ['mcpServers', 'filesystem'],
  },
  {
    host: 'continue',
    rel: '.continue/config.yaml',
    server: 'Filesystem',
    entryPath: ['mcpServers', '0'],
  },
  {
    host: 'continue',
    rel: '.continue/config.yaml',
    server: 'SQLite',
    entryPath: ['mcpServers', '1'],
  },
  {
    host: 'continue',
    rel: '.continue/config.yaml',
    server: 'Time',
    entryPath: ['mcpServers', '2'],
  },
  {
    host: 'goose',
    rel: '.config/goose/config.yaml',
    server: 'github',
    entryPath: ['extensions', 'github'],
  },
  {
    host: 'goose',
    rel: '.config/goose/config.yaml',
    server: 'fetch',
    entryPath: ['extensions', 'fetch'],
  },
  {
    host: 'kiro',
    rel: '.kiro/settings/mcp.json',
    server: 'aws-docs',
    entryPath: ['mcpServers', 'aws-docs'],
  },
  {
    host: 'opencode',
    rel: '.config/opencode/opencode.jsonc',
    server: 'everything',
    entryPath: ['mcp', 'everything'],
  },
  {
    host: 'opencode',
    rel: '.config/opencode/opencode.jsonc',
    server: 'solo',
    entryPath: ['mcp', 'solo'],
  },
  {
    host: 'copilot-cli',
    rel: '.copilot/mcp-config.json',
    server: 'playwright',
    entryPath: ['mcpServers', 'playwright'],
  },
  {
    host: 'visual-studio',
    rel: '.mcp.json',
    server: 'nuget',
    entryPath: ['servers', 'nuget'],
    platform: 'win32',
  },
  {
    host: 'lm-studio',
    rel: '.lmstudio/mcp.json',
    server: 'memory',
    entryPath: ['mcpServers', 'memory'],
  },
  {
    host: 'crush',
    rel: '.config/crush/crush.json',
    server: 'filesystem',
    entryPath: ['mcp', 'filesystem'],
  },
  {
    host: 'amazon-q',
    rel: '.aws/amazonq/mcp.json',
    server: 'git',
    entryPath: ['mcpServers', 'git'],
  },
  {
    host: 'cline',
    rel: '.cline/data/settings/cline_mcp_settings.json',
    server: 'git',
    entryPath: ['mcpServers', 'git'],
  },
  {
    host: 'cline',
    rel: '.config/Cursor/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json',
    server: 'sqlite',
    entryPath: ['mcpServers', 'sqlite'],
  },
  {
    host: 'vscode',
    rel: '.config/Code/User/settings.json',
    server: 'fetch',
    entryPath: ['mcp', 'servers', 'fetch'],
  },
  {
    host: 'vscode',
    rel: '.config/Code/User/profiles/-4a5b6c7d/mcp.json',
    server: 'time',
    entryPath: ['servers', 'time'],
  },
  {
    host: 'vscode',
    rel: '.config/VSCodium/User/mcp.json',
    server: 'memory',
    entryPath: ['servers', 'memory'],
  },
  {
    host: 'zed',
    rel: '.var/app/dev.zed.Zed/config/zed/settings.json',
    server: 'flat-fs',
    entryPath: ['context_servers', 'flat-fs'],
  },
  {
    host: 'windsurf',
    rel: '.codeium/mcp_config.json',
    server: 'puppeteer',
    entryPath: ['mcpServers', 'puppeteer'],
  },
];

describe.each(CASES)('$host / $server in $rel', (c) => {
  it('is found, guarded with exactly the shim launch, and restored byte for byte', async () => {
    const t = makeHome();
    const platform = c.platform ?? 'linux';
    const path = t.path(c.rel);
    const before = t.snapshot();
    const original = t.read(c.rel);
    const find = (): ServerEntry => {
      const e = scan(t, platform).find(
        (x) => x.host === c.host && x.name === c.server && x.configPath === path,
      );
      if (!e) throw new Error(`${c.host}/${c.server} not found in ${path}`);
      return e;
    };
    const orig = find();
    expect(orig.guardable, orig.note).toBe(true);
    expect(orig.guarded).toBe(false);

    const inst = await run(t, ['install', '--host', c.host, '--server', c.server], platform);
    expect(inst.err).toBe('');
    expect(inst.code).toBe(0);
    const installed = t.read(c.rel);
    const e = find();
    expect(e.guarded).toBe(true);
    expect(e.original).toEqual(orig.original);
    expect(e.env).toEqual(orig.env);
    const desiredArgs = [
      '/opt/airlock/out/cli/airlock.js',
      'shim',
      '--server',
      c.server,
      '--host',
      c.host,
      '--data-dir',
      t.dataDir,
      '--',
      orig.original!.command,
      ...orig.original!.args,
    ];
    expect(e.command).toBe('/usr/bin/node');
    expect(e.args).toEqual(desiredArgs);

    // The new file means the old one with only this entry's launch changed.
    const format = formatOf(c.rel);
    const expected = openDocument(format, original).value as Record<string, unknown>;
    // getAt walks objects only; a list entry (Continue) is reached by index here.
    const entryObj = c.entryPath.reduce<unknown>(
      (cur, k) => (Array.isArray(cur) ? cur[Number(k)] : getAt(cur, [k])),
      expected,
    ) as Record<string, unknown>;
    for (const [rel, v] of launchValues(orig.shape ?? 'flat', '/usr/bin/node', desiredArgs)) {
      let cur = entryObj;
      for (const k of rel.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
      cur[rel[rel.length - 1]!] = v;
    }
    expect(isDeepStrictEqual(openDocument(format, installed).value, expected)).toBe(true);
    // Comments survive (JSONC and YAML fixtures carry some).
    const commentLines = (s: string): string[] =>
      s.split('\n').filter((l) => /(^|\s)(#|\/\/)/.test(l) && !l.includes('://'));
    expect(commentLines(installed).length).toBe(commentLines(original).length);

    const again = await run(t, ['install', '--host', c.host, '--server', c.server], platform);
    expect(again.out).toContain('already guarded');
    expect(t.read(c.rel)).toBe(installed);

    const un = await run(t, ['uninstall', '--host', c.host, '--server', c.server], platform);
    expect(un.err).toBe('');
    expect(un.code).toBe(0);
    expect(un.out).not.toContain('structural');
    expect(t.read(c.rel)).toBe(original);
    expect(t.snapshot()).toEqual(before);
  });
});

describe('a Continue block file in a project', () => {
  it('is found with --project, guarded in place and restored byte for byte', async () => {
    const t = makeHome();
    const rel = 'work/app/.continue/mcpServers/sqlite.yaml';
    const original = t.read(rel);
    const before = t.snapshot();
    const inst = await run(t, [
      'install',
      '--host',
      'continue',
      '--server',
      'Project SQLite',
      '--project',
      t.project,
    ]);
    expect(inst.code, inst.err).toBe(0);
    const installed = t.read(rel);
    expect(installed).toContain('      - "--data-dir"\n');
    expect(installed).toContain('      - ./data/app.db # relative to the workspace\n');
    const un = await run(t, ['uninstall', '--host', 'continue', '--all', '--project', t.project]);
    expect(un.code, un.err).toBe(0);
    expect(t.read(rel)).toBe(original);
    expect(t.snapshot()).toEqual(before);
  });
});

describe('read-only listings', () => {
  const t = makeHome();
  const servers = scan(t);
  const of = (name: string): ServerEntry => {
    const s = servers.find((x) => x.name === name);
    if (!s) throw new Error(`${name} not listed`);
    return s;
  };

  it.each([
    ['db-inline', 'claude-code', 'Claude Code plugin "db-tools"'],
    ['db-query', 'claude-code', 'Claude Code plugin "db-tools"'],
    ['company-wiki', 'claude-code', 'managed-mcp.json (set by an administrator)'],
    ['github', 'gemini', 'Gemini CLI extension "github-ext"'],
    ['corp-search', 'gemini', 'Gemini CLI system settings (set by an administrator)'],
  ])('%s (%s) is listed with its source and cannot be chosen', (name, host, source) => {
    const s = servers.find((x) => x.name === name && x.source !== undefined);
    expect(s?.host).toBe(host);
    expect(s?.source).toBe(source);
    expect(s?.guardable).toBe(false);
    expect(s?.note).toContain('never rewritten');
  });

  it('install --all never touches them', async () => {
    const t2 = makeHome();
    const before = t2.snapshot();
    for (const host of ['claude-code', 'gemini'] as const) {
      await run(t2, ['install', '--host', host, '--all']);
      await run(t2, ['uninstall', '--host', host, '--all']);
    }
    expect(t2.snapshot()).toEqual(before);
    expect(of('company-wiki').guarded).toBe(false);
  });

  it('scan text names the source', async () => {
    const r = await run(t, ['scan']);
    expect(r.out).toContain('Claude Code plugin "db-tools"');
    expect(r.out).toContain('managed-mcp.json');
  });
});

describe('entries that cannot be guarded say why', () => {
  const servers = scan(makeHome());
  it.each([
    ['goose', 'developer', 'extension'],
    ['goose', 'remote', 'http'],
    ['opencode', 'remote', 'http'],
    ['continue', 'Remote', 'sse'],
    ['copilot-cli', 'github', 'http'],
    ['crush', 'github', 'http'],
    ['roo-code', 'context7', 'http'],
  ])('%s / %s is %s', (host, name, transport) => {
    const s = servers.find((x) => x.host === host && x.name === name);
    expect(s?.transport).toBe(transport);
    expect(s?.guardable).toBe(false);
  });
});
