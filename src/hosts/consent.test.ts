import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { hostsCommand, type HostsIo } from './command';
import { claudeAllows, claudeRule, entryAutoApproved } from './consent';
import { allServers, scanHosts } from './scan';
import { makeHome, type TestHome } from './testHome';
import type { ServerEntry, ToolFacts } from './types';
import { diffScans } from './watch';

const TOOLS: Record<string, string[]> = {
  weather: ['get_forecast', 'get_alerts'],
  filesystem: ['write_file', 'read_file'],
  'aws-docs': ['search_documentation'],
  'local-mcp-server': ['search', 'create_issue'],
  'old-style': ['run'],
};

function facts(_host: string, server: string): ToolFacts | undefined {
  const tools = TOOLS[server];
  return tools && { tools, destructiveTools: [], poisoned: [], changed: [] };
}

async function run(t: TestHome, argv: string[], over: Partial<HostsIo> = {}) {
  let out = '';
  let err = '';
  const code = await hostsCommand(argv, {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    env: t.ctx.env,
    dataDir: t.ctx.dataDir,
    dataDirIsDefault: false,
    shimLauncher: t.ctx.shimLauncher,
    platform: 'linux',
    toolFacts: facts,
    ...over,
  });
  return { code, out, err };
}

function entry(t: TestHome, host: string, name: string, projects: string[] = []): ServerEntry {
  const s = allServers(scanHosts({ env: t.ctx.env, platform: 'linux', projects })).find(
    (x) => x.host === host && x.name === name && x.source === undefined,
  );
  if (!s) throw new Error(`${host}/${name} missing`);
  return s;
}

const json = (t: TestHome, rel: string): Record<string, Record<string, Record<string, unknown>>> =>
  JSON.parse(t.read(rel)) as Record<string, Record<string, Record<string, unknown>>>;

describe.each([
  {
    host: 'gemini',
    rel: '.gemini/settings.json',
    server: 'pythonTools',
    key: 'trust',
    value: true,
  },
  {
    host: 'cline',
    rel: '.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json',
    server: 'weather',
    key: 'autoApprove',
    value: ['get_alerts', 'get_forecast'],
  },
  {
    host: 'roo-code',
    rel: '.config/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json',
    server: 'filesystem',
    key: 'alwaysAllow',
    value: ['read_file', 'write_file'],
  },
  {
    host: 'kiro',
    rel: '.kiro/settings/mcp.json',
    server: 'aws-docs',
    key: 'autoApprove',
    value: ['search_documentation'],
  },
])('single consent on the $host entry ($key)', (c) => {
  it('writes the allow entry with the wrap, and uninstall takes both back byte for byte', async () => {
    const t = makeHome();
    const before = t.snapshot();
    const original = t.read(c.rel);
    const r = await run(t, ['install', '--host', c.host, '--server', c.server, '--single-consent']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${c.key}: ${JSON.stringify(c.value)}`);
    expect(json(t, c.rel).mcpServers![c.server]![c.key]).toEqual(c.value);
    const e = entry(t, c.host, c.server);
    expect(e.guarded).toBe(true);
    expect(e.autoApproved).toBe(true);
    expect(e.posture.grade).not.toBe('F');
    const un = await run(t, ['uninstall', '--host', c.host, '--server', c.server]);
    expect(un.code).toBe(0);
    expect(un.out).not.toContain('structural');
    expect(t.read(c.rel)).toBe(original);
    expect(t.snapshot()).toEqual(before);
  });

  it('if the wrap is removed by someone else while the allow entry stays: F, and the most urgent notice', async () => {
    const t = makeHome();
    await run(t, ['install', '--host', c.host, '--all', '--single-consent']);
    const scan = () => scanHosts({ env: t.ctx.env, platform: 'linux' });
    const before = scan();
    // Another tool rewrites the entry's launch back to the original, keeping the allow entry.
    const doc = json(t, c.rel);
    const ent = doc.mcpServers![c.server]!;
    const orig = entry(t, c.host, c.server).original!;
    ent.command = orig.command;
    ent.args = orig.args;
    writeFileSync(t.path(c.rel), JSON.stringify(doc, null, 2));
    const e = entry(t, c.host, c.server);
    expect(e.guarded).toBe(false);
    expect(e.autoApproved).toBe(true);
    expect(e.posture.grade).toBe('F');
    expect(e.posture.deductions[0]!.code).toBe('autoApprovedUnguarded');
    const events = diffScans(before, scan());
    expect(events[0]).toMatchObject({ kind: 'unguarded-auto-approved', server: c.server });
    expect(events[0]!.message).toMatch(/^URGENT/);
    const text = await run(t, ['scan']);
    expect(text.out).toMatch(
      new RegExp(`${c.server}: stdio, NOT guarded, auto-approved by the host, grade F`),
    );
  });
});

describe('single consent for Claude Code (permissions.allow in its settings file)', () => {
  it('creates ~/.claude/settings.json for a user server and removes it again', async () => {
    const t = makeHome();
    const before = t.snapshot();
    const r = await run(t, [
      'install',
      '--host',
      'claude-code',
      '--server',
      'everything',
      '--single-consent',
    ]);
    expect(r.code, r.err).toBe(0);
    const settings = t.path('.claude/settings.json');
    expect(JSON.parse(readFileSync(settings, 'utf8'))).toEqual({
      permissions: { allow: ['mcp__everything__*'] },
    });
    expect(entry(t, 'claude-code', 'everything')).toMatchObject({
      guarded: true,
      autoApproved: true,
    });
    const un = await run(t, ['uninstall', '--host', 'claude-code', '--server', 'everything']);
    expect(un.code, un.err).toBe(0);
    expect(existsSync(settings)).toBe(false);
    expect(t.snapshot()).toEqual(before);
  });

  it("adds to an existing settings file, keeps the user's rules, and restores its bytes", async () => {
    const t = makeHome();
    mkdirSync(t.path('.claude'), { recursive: true });
    const own =
      '{\n    "model": "opus",\n    "permissions": {\n        "allow": ["Bash(npm test)"],\n        "deny": []\n    }\n}\n';
    writeFileSync(t.path('.claude/settings.json'), own);
    const before = t.snapshot();
    await run(t, [
      'install',
      '--host',
      'claude-code',
      '--server',
      'everything',
      '--single-consent',
    ]);
    const written = JSON.parse(t.read('.claude/settings.json')) as {
      permissions: { allow: string[] };
    };
    expect(written.permissions.allow).toEqual(['Bash(npm test)', 'mcp__everything__*']);
    await run(t, ['uninstall', '--host', 'claude-code', '--all']);
    expect(t.read('.claude/settings.json')).toBe(own);
    expect(t.snapshot()).toEqual(before);
  });

  it("a project server gets its rule in the project's settings.local.json, never the shared file", async () => {
    const t = makeHome();
    const before = t.snapshot();
    await run(t, [
      'install',
      '--host',
      'claude-code',
      '--all',
      '--project',
      t.project,
      '--single-consent',
    ]);
    const local = join(t.project, '.claude', 'settings.local.json');
    expect(JSON.parse(readFileSync(local, 'utf8'))).toEqual({
      permissions: { allow: ['mcp__project-tools__*'] },
    });
    expect(existsSync(join(t.project, '.claude', 'settings.json'))).toBe(false);
    await run(t, ['uninstall', '--host', 'claude-code', '--all', '--project', t.project]);
    expect(t.snapshot()).toEqual(before);
  });

  it('grades F and raises the urgent notice when the wrap goes and the rule stays', async () => {
    const t = makeHome();
    const original = t.read('.claude.json');
    await run(t, [
      'install',
      '--host',
      'claude-code',
      '--server',
      'everything',
      '--single-consent',
    ]);
    const scan = () => scanHosts({ env: t.ctx.env, platform: 'linux' });
    const before = scan();
    writeFileSync(t.path('.claude.json'), original); // e.g. `claude mcp add` rewrote the file
    const e = entry(t, 'claude-code', 'everything');
    expect(e).toMatchObject({ guarded: false, autoApproved: true });
    expect(e.posture.grade).toBe('F');
    expect(diffScans(before, scan())[0]).toMatchObject({
      kind: 'unguarded-auto-approved',
      server: 'everything',
    });
  });
});

describe('single consent edge cases', () => {
  it('without the tool names (server never seen by the gate) wraps but writes no allow list, and says why', async () => {
    const t = makeHome();
    const rel =
      '.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json';
    const r = await run(
      t,
      ['install', '--host', 'cline', '--server', 'weather', '--single-consent'],
      {
        toolFacts: undefined,
      },
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('tool names are not known yet');
    expect(json(t, rel).mcpServers!.weather!.autoApprove).toEqual([]);
    expect(entry(t, 'cline', 'weather').guarded).toBe(true);
    expect(entry(t, 'cline', 'weather').autoApproved).toBeFalsy();
    // Once the gate knows them, a second run adds only the allow entry.
    const again = await run(t, [
      'install',
      '--host',
      'cline',
      '--server',
      'weather',
      '--single-consent',
    ]);
    expect(again.out).toContain("wrote the host's allow entry for weather");
    expect(json(t, rel).mcpServers!.weather!.autoApprove).toEqual(['get_alerts', 'get_forecast']);
  });

  it('hosts without such a setting say so in scan and on install', async () => {
    const t = makeHome();
    const scan = await run(t, ['scan']);
    expect(scan.out).toContain("single consent: Cursor's auto-run setting lives in its UI");
    expect(scan.out).toContain('single consent: writes permissions.allow "mcp__<server>__*"');
    const r = await run(t, ['install', '--host', 'cursor', '--all', '--single-consent']);
    expect(r.out).toContain('note: Cursor:');
  });

  it('pure spellings', () => {
    expect(claudeRule('my server.v2')).toBe('mcp__my_server_v2__*');
    expect(claudeAllows(['mcp__github'], 'github')).toBe(true);
    expect(claudeAllows(['mcp__github__get_issue'], 'github')).toBe(false);
    expect(entryAutoApproved('gemini', { trust: false })).toBe(false);
    expect(entryAutoApproved('cline', { autoApprove: [] })).toBe(false);
    expect(entryAutoApproved('roo-code', { alwaysAllow: ['x'] })).toBe(true);
  });
});

describe('single consent for Codex (default_tools_approval_mode in config.toml)', () => {
  const rel = '.codex/config.toml';

  it('writes default_tools_approval_mode = "approve" with the wrap; uninstall restores the bytes', async () => {
    const t = makeHome();
    const before = t.snapshot();
    const r = await run(t, ['install', '--host', 'codex', '--all', '--single-consent']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('default_tools_approval_mode: "approve"');
    const text = t.read(rel);
    // One line per stdio server, inside its own table, after its launch lines.
    expect(text).toContain(
      '"4000"]\ndefault_tools_approval_mode = "approve"\nstartup_timeout_sec = 20\n',
    );
    expect(text.match(/default_tools_approval_mode = "approve"/g)).toHaveLength(3);
    for (const s of ['docs', 'context-7', 'bare'])
      expect(entry(t, 'codex', s)).toMatchObject({ guarded: true, autoApproved: true });
    expect(entry(t, 'codex', 'figma').autoApproved).toBeFalsy();
    const un = await run(t, ['uninstall', '--host', 'codex', '--all']);
    expect(un.code, un.err).toBe(0);
    expect(un.out).not.toContain('structural');
    expect(t.snapshot()).toEqual(before);
  });

  it('an existing "prompt" default is replaced in place and comes back with --no-single-consent', async () => {
    const t = makeHome();
    const own = t
      .read(rel)
      .replace(
        'command = "/usr/local/bin/bare-mcp"',
        'command = "/usr/local/bin/bare-mcp"\ndefault_tools_approval_mode = "prompt" # ask me',
      );
    writeFileSync(t.path(rel), own);
    await run(t, ['install', '--host', 'codex', '--server', 'bare']);
    const wrapped = t.read(rel);
    await run(t, ['install', '--host', 'codex', '--server', 'bare', '--single-consent']);
    expect(t.read(rel)).toContain('default_tools_approval_mode = "approve" # ask me');
    const off = await run(t, [
      'install',
      '--host',
      'codex',
      '--server',
      'bare',
      '--no-single-consent',
    ]);
    expect(off.code, off.err).toBe(0);
    expect(off.out).toContain('removed the allow entry Airlock wrote for bare');
    expect(t.read(rel)).toBe(wrapped);
    expect(entry(t, 'codex', 'bare').guarded).toBe(true);
    expect(entry(t, 'codex', 'bare').autoApproved).toBeFalsy();
    await run(t, ['uninstall', '--host', 'codex', '--server', 'bare']);
    expect(t.read(rel)).toBe(own);
  });

  it('an unguarded server left auto-approved by Codex grades F', async () => {
    const t = makeHome();
    await run(t, ['install', '--host', 'codex', '--server', 'bare', '--single-consent']);
    const orig = entry(t, 'codex', 'bare').original!;
    const text = t.read(rel);
    // Someone puts the launch back by hand and keeps the approval default.
    const start = text.indexOf('[mcp_servers.bare]');
    const tail = text.slice(start).replace(/^command = .*$/m, `command = "${orig.command}"`);
    writeFileSync(t.path(rel), text.slice(0, start) + tail.replace(/^args = .*\n/m, ''));
    const e = entry(t, 'codex', 'bare');
    expect(e).toMatchObject({ guarded: false, autoApproved: true });
    expect(e.posture.grade).toBe('F');
  });
});

describe('single consent off (--no-single-consent): only the allow entry goes, the wrap stays', () => {
  it.each([
    {
      host: 'cline',
      rel: '.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json',
      server: 'weather',
      key: 'autoApprove',
    },
    {
      host: 'roo-code',
      rel: '.config/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json',
      server: 'filesystem',
      key: 'alwaysAllow',
    },
    { host: 'kiro', rel: '.kiro/settings/mcp.json', server: 'aws-docs', key: 'autoApprove' },
    { host: 'gemini', rel: '.gemini/settings.json', server: 'pythonTools', key: 'trust' },
  ])('$host $key: byte-identical to the guarded file before --single-consent', async (c) => {
    const t = makeHome();
    const original = t.read(c.rel);
    await run(t, ['install', '--host', c.host, '--server', c.server]);
    const guarded = t.read(c.rel);
    await run(t, ['install', '--host', c.host, '--server', c.server, '--single-consent']);
    expect(t.read(c.rel)).not.toBe(guarded);
    const off = await run(t, [
      'install',
      '--host',
      c.host,
      '--server',
      c.server,
      '--no-single-consent',
    ]);
    expect(off.code, off.err).toBe(0);
    expect(t.read(c.rel)).toBe(guarded);
    expect(entry(t, c.host, c.server)).toMatchObject({ guarded: true });
    expect(entry(t, c.host, c.server).autoApproved).toBeFalsy();
    // Uninstall after it still restores the file exactly.
    const un = await run(t, ['uninstall', '--host', c.host, '--server', c.server]);
    expect(un.out).not.toContain('structural');
    expect(t.read(c.rel)).toBe(original);
  });

  it('wrap and allow entry in one go, then off: the allow entry goes, the wrap stays', async () => {
    const t = makeHome();
    const rel = '.kiro/settings/mcp.json';
    await run(t, ['install', '--host', 'kiro', '--all', '--single-consent']);
    await run(t, ['install', '--host', 'kiro', '--all', '--no-single-consent']);
    const e = entry(t, 'kiro', 'aws-docs');
    expect(e.guarded).toBe(true);
    // The fixture's own empty list comes back, not Airlock's tool names.
    expect(json(t, rel).mcpServers!['aws-docs']!.autoApprove).toEqual([]);
    expect(e.autoApproved).toBeFalsy();
  });

  it('never removes an allow entry the user wrote', async () => {
    const t = makeHome();
    const rel = '.gemini/settings.json';
    const doc = json(t, rel);
    doc.mcpServers!.pythonTools!.trust = true;
    writeFileSync(t.path(rel), JSON.stringify(doc, null, 2));
    await run(t, ['install', '--host', 'gemini', '--server', 'pythonTools']);
    const guarded = t.read(rel);
    const off = await run(t, [
      'install',
      '--host',
      'gemini',
      '--server',
      'pythonTools',
      '--no-single-consent',
    ]);
    expect(off.out).toContain('not written by Airlock');
    expect(t.read(rel)).toBe(guarded);
  });

  it('an allow list edited since Airlock wrote it is left as it is', async () => {
    const t = makeHome();
    const rel = '.kiro/settings/mcp.json';
    await run(t, ['install', '--host', 'kiro', '--all', '--single-consent']);
    const doc = json(t, rel);
    doc.mcpServers!['aws-docs']!.autoApprove = ['search_documentation', 'my_own_tool'];
    writeFileSync(t.path(rel), JSON.stringify(doc, null, 2));
    const edited = t.read(rel);
    const off = await run(t, ['install', '--host', 'kiro', '--all', '--no-single-consent']);
    expect(off.out).toContain('was edited since Airlock wrote it');
    expect(t.read(rel)).toBe(edited);
  });

  it('Claude Code: the rule Airlock added leaves settings.json (created file removed), the wrap stays', async () => {
    const t = makeHome();
    const wrappedOnly = await (async () => {
      await run(t, ['install', '--host', 'claude-code', '--server', 'everything']);
      return t.snapshot();
    })();
    await run(t, [
      'install',
      '--host',
      'claude-code',
      '--server',
      'everything',
      '--single-consent',
    ]);
    expect(existsSync(t.path('.claude/settings.json'))).toBe(true);
    const off = await run(t, [
      'install',
      '--host',
      'claude-code',
      '--server',
      'everything',
      '--no-single-consent',
    ]);
    expect(off.code, off.err).toBe(0);
    expect(off.out).toContain('removed the allow entry mcp__everything__*');
    expect(existsSync(t.path('.claude/settings.json'))).toBe(false);
    expect(t.snapshot()).toEqual(wrappedOnly);
    expect(entry(t, 'claude-code', 'everything')).toMatchObject({ guarded: true });
  });

  it('the two flags exclude each other, and neither goes with uninstall', async () => {
    const t = makeHome();
    const both = await run(t, [
      'install',
      '--host',
      'kiro',
      '--all',
      '--single-consent',
      '--no-single-consent',
    ]);
    expect(both.code).toBe(2);
    const un = await run(t, ['uninstall', '--host', 'kiro', '--all', '--no-single-consent']);
    expect(un.code).toBe(2);
  });
});

describe('single consent for Zed (agent.tool_permissions) and Crush (permissions.allowed_tools)', () => {
  const ZED = '.config/zed/settings.json';
  const CRUSH = '.config/crush/crush.json';

  it('Zed: one "mcp:<server>:<tool>" entry per tool with default "allow"; uninstall restores the bytes', async () => {
    const t = makeHome();
    const before = t.snapshot();
    const r = await run(t, ['install', '--host', 'zed', '--all', '--single-consent']);
    expect(r.code, r.err).toBe(0);
    const v = parseJsonc(t.read(ZED)) as {
      agent: { tool_permissions: { tools: Record<string, { default: string }> } };
    };
    expect(v.agent.tool_permissions.tools).toEqual({
      'mcp:local-mcp-server:create_issue': { default: 'allow' },
      'mcp:local-mcp-server:search': { default: 'allow' },
      'mcp:old-style:run': { default: 'allow' },
    });
    expect(t.read(ZED)).toMatch(/^\/\/ Zed settings\n/); // comments kept
    expect(entry(t, 'zed', 'local-mcp-server')).toMatchObject({
      guarded: true,
      autoApproved: true,
    });
    const un = await run(t, ['uninstall', '--host', 'zed', '--all']);
    expect(un.code, un.err).toBe(0);
    expect(t.snapshot()).toEqual(before);
  });

  it("Zed: a user's own rule for the tool is replaced and comes back exactly with --no-single-consent", async () => {
    const t = makeHome();
    const own = t
      .read(ZED)
      .replace(
        '"ui_font_size": 16,',
        '"ui_font_size": 16,\n  "agent": {\n    "tool_permissions": {\n      "tools": {\n        "mcp:local-mcp-server:search": { "default": "confirm" }, // mine\n        "terminal": { "default": "confirm" }\n      }\n    }\n  },',
      );
    writeFileSync(t.path(ZED), own);
    await run(t, ['install', '--host', 'zed', '--server', 'local-mcp-server']);
    const guarded = t.read(ZED);
    await run(t, ['install', '--host', 'zed', '--server', 'local-mcp-server', '--single-consent']);
    expect(t.read(ZED)).toContain('"mcp:local-mcp-server:search": { "default": "allow" }, // mine');
    const off = await run(t, [
      'install',
      '--host',
      'zed',
      '--server',
      'local-mcp-server',
      '--no-single-consent',
    ]);
    expect(off.code, off.err).toBe(0);
    expect(t.read(ZED)).toBe(guarded);
    await run(t, ['uninstall', '--host', 'zed', '--all']);
    expect(t.read(ZED)).toBe(own);
  });

  it('Crush: "mcp_<server>_<tool>" appended to allowed_tools; off and uninstall restore the bytes', async () => {
    const t = makeHome();
    const original = t.read(CRUSH);
    await run(t, ['install', '--host', 'crush', '--server', 'filesystem']);
    const guarded = t.read(CRUSH);
    const r = await run(t, [
      'install',
      '--host',
      'crush',
      '--server',
      'filesystem',
      '--single-consent',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("wrote the host's allow entry for filesystem");
    const v = JSON.parse(t.read(CRUSH)) as { permissions: { allowed_tools: string[] } };
    expect(v.permissions.allowed_tools).toEqual([
      'view',
      'ls',
      'mcp_filesystem_read_file',
      'mcp_filesystem_write_file',
    ]);
    expect(entry(t, 'crush', 'filesystem')).toMatchObject({ guarded: true, autoApproved: true });
    await run(t, ['install', '--host', 'crush', '--server', 'filesystem', '--no-single-consent']);
    expect(t.read(CRUSH)).toBe(guarded);
    await run(t, ['install', '--host', 'crush', '--server', 'filesystem', '--single-consent']);
    await run(t, ['uninstall', '--host', 'crush', '--all']);
    expect(t.read(CRUSH)).toBe(original);
  });

  it('Crush without a permissions block: Airlock creates it and takes it away whole', async () => {
    const t = makeHome();
    const own = t.read(CRUSH).replace(/,\n {2}"permissions": .*\n/, '\n');
    writeFileSync(t.path(CRUSH), own);
    const before = t.snapshot();
    await run(t, ['install', '--host', 'crush', '--all', '--single-consent']);
    expect(JSON.parse(t.read(CRUSH))).toMatchObject({
      permissions: { allowed_tools: ['mcp_filesystem_read_file', 'mcp_filesystem_write_file'] },
    });
    await run(t, ['uninstall', '--host', 'crush', '--all']);
    expect(t.snapshot()).toEqual(before);
  });

  it('an unguarded Crush server whose tools stay allowed grades F', async () => {
    const t = makeHome();
    const original = t.read(CRUSH);
    await run(t, ['install', '--host', 'crush', '--all', '--single-consent']);
    const scan = () => scanHosts({ env: t.ctx.env, platform: 'linux' });
    const before = scan();
    const allowed = JSON.parse(t.read(CRUSH)) as { permissions: unknown };
    const doc = JSON.parse(original) as Record<string, unknown>;
    doc.permissions = allowed.permissions;
    writeFileSync(t.path(CRUSH), JSON.stringify(doc, null, 2));
    const e = entry(t, 'crush', 'filesystem');
    expect(e).toMatchObject({ guarded: false, autoApproved: true });
    expect(e.posture.grade).toBe('F');
    expect(diffScans(before, scan())[0]).toMatchObject({
      kind: 'unguarded-auto-approved',
      server: 'filesystem',
    });
  });
});

describe('single consent for Amazon Q (allowedTools "@<server>" in the agent file)', () => {
  const AGENT = '.aws/amazonq/cli-agents/dev.json';
  const agentText =
    '{\n  "name": "dev",\n  "mcpServers": {\n    "fetch": { "command": "uvx", "args": ["mcp-server-fetch@2025.6.18"] }\n  },\n  "allowedTools": ["fs_read"]\n}\n';

  it('adds "@fetch" to the agent file, and uninstall restores it byte for byte', async () => {
    const t = makeHome();
    mkdirSync(t.path('.aws/amazonq/cli-agents'), { recursive: true });
    writeFileSync(t.path(AGENT), agentText);
    const before = t.snapshot();
    const r = await run(t, ['install', '--host', 'amazon-q', '--all', '--single-consent']);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(t.read(AGENT)) as { allowedTools: string[] }).allowedTools).toEqual([
      'fs_read',
      '@fetch',
    ]);
    expect(entry(t, 'amazon-q', 'fetch')).toMatchObject({ guarded: true, autoApproved: true });
    // The legacy mcp.json has no such field: its server is guarded, and install says why.
    expect(r.out).toContain('the legacy mcp.json has no allowedTools');
    expect(entry(t, 'amazon-q', 'git').autoApproved).toBeFalsy();
    const off = await run(t, ['install', '--host', 'amazon-q', '--all', '--no-single-consent']);
    expect(off.code, off.err).toBe(0);
    expect(entry(t, 'amazon-q', 'fetch')).toMatchObject({ guarded: true });
    expect(t.read(AGENT)).not.toContain('@fetch');
    await run(t, ['uninstall', '--host', 'amazon-q', '--all']);
    expect(t.snapshot()).toEqual(before);
  });
});
