import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allServers, scanHosts } from './scan';
import { makeHome } from './testHome';
import { HOST_IDS, type ServerEntry } from './types';

function find(servers: ServerEntry[], host: string, name: string): ServerEntry {
  const s = servers.find((x) => x.host === host && x.name === name);
  if (!s) throw new Error(`${host}/${name} not found`);
  return s;
}

describe('scanHosts on a fixture HOME', () => {
  const t = makeHome();
  const scan = scanHosts({ env: t.ctx.env, platform: 'linux', projects: [t.project] });
  const servers = allServers(scan);

  it('finds every host (Visual Studio only on Windows)', () => {
    expect(scan.hosts.filter((h) => h.found).map((h) => h.host)).toEqual(
      HOST_IDS.filter((h) => h !== 'visual-studio'),
    );
  });

  it('finds every server with its transport', () => {
    const names = servers.map((s) => `${s.host}/${s.name}:${s.transport}`).sort();
    expect(names).toEqual(
      [
        'claude-desktop/filesystem:stdio',
        'claude-desktop/github:stdio',
        'claude-desktop/Notes:extension',
        'claude-code/everything:stdio',
        'claude-code/sentry:http',
        'claude-code/db:stdio',
        'claude-code/project-tools:stdio',
        'cursor/playwright:stdio',
        'cursor/remote-docs:http',
        'vscode/Perplexity:stdio',
        'vscode/memory:stdio',
        'vscode/github:http',
        'windsurf/git:stdio',
        'windsurf/zapier:http',
        'cline/weather:stdio',
        'gemini/pythonTools:stdio',
        'gemini/httpServer:http',
        'codex/docs:stdio',
        'codex/context-7:stdio',
        'codex/figma:http',
        'codex/bare:stdio',
        'zed/local-mcp-server:stdio',
        'zed/old-style:stdio',
        'zed/mcp-server-github:extension',
        'zed/remote-mcp-server:http',
        // Other places these hosts keep servers, and the hosts added since.
        'claude-code/db-inline:stdio',
        'claude-code/db-query:stdio',
        'cline/git:stdio',
        'cline/sqlite:stdio',
        'gemini/github:stdio',
        'vscode/fetch:stdio',
        'vscode/memory:stdio',
        'vscode/time:stdio',
        'windsurf/puppeteer:stdio',
        'zed/flat-fs:stdio',
        'amazon-q/git:stdio',
        'continue/Filesystem:stdio',
        'continue/Project SQLite:stdio',
        'continue/Remote:sse',
        'continue/SQLite:stdio',
        'continue/Time:stdio',
        'copilot-cli/github:http',
        'copilot-cli/playwright:stdio',
        'crush/filesystem:stdio',
        'crush/github:http',
        'goose/developer:extension',
        'goose/fetch:stdio',
        'goose/github:stdio',
        'goose/remote:http',
        'kiro/aws-docs:stdio',
        'lm-studio/memory:stdio',
        'opencode/everything:stdio',
        'opencode/remote:http',
        'opencode/solo:stdio',
        'roo-code/context7:http',
        'roo-code/filesystem:stdio',
      ].sort(),
    );
  });

  it('reports remote servers and extensions as unguardable, with a reason', () => {
    for (const s of servers.filter((x) => x.transport !== 'stdio')) {
      expect(s.guardable, s.name).toBe(false);
      expect(s.note, s.name).toMatch(/cannot guard|out of the shim's reach/);
    }
    expect(find(servers, 'claude-desktop', 'Notes').note).toMatch(/\.mcpb/);
  });

  it('reads command and args from every stdio form, Zed legacy included', () => {
    expect(find(servers, 'zed', 'old-style')).toMatchObject({
      shape: 'zed-legacy',
      command: '/usr/bin/old-mcp',
      args: ['--stdio'],
    });
    expect(find(servers, 'codex', 'bare')).toMatchObject({
      command: '/usr/local/bin/bare-mcp',
      args: [],
    });
    expect(find(servers, 'vscode', 'memory').args).toEqual([
      '-y',
      '@modelcontextprotocol/server-memory@2025.4.25',
    ]);
  });

  it('attributes per-project blocks and project files to their project', () => {
    expect(find(servers, 'claude-code', 'db').project).toBe('/home/user/work/app');
    expect(find(servers, 'claude-code', 'project-tools').project).toBe(t.project);
    expect(find(servers, 'claude-code', 'everything').project).toBeUndefined();
  });

  it('grades every server with reasons', () => {
    expect(find(servers, 'claude-desktop', 'github').posture.deductions.map((d) => d.code)).toEqual(
      ['unguarded', 'secret'],
    );
    expect(find(servers, 'claude-code', 'db').posture.deductions.map((d) => d.code)).toEqual([
      'unguarded',
      'shell',
      'secret',
    ]);
    expect(find(servers, 'cursor', 'remote-docs').posture.deductions.map((d) => d.code)).toEqual([
      'unguarded',
      'plainHttp',
      'noAuth',
    ]);
    expect(find(servers, 'gemini', 'pythonTools').posture.deductions.map((d) => d.code)).toEqual([
      'unguarded',
    ]);
  });

  it('reports a malformed file with its error instead of skipping it', () => {
    const bad = makeHome();
    writeFileSync(bad.path('.cursor/mcp.json'), '{ "mcpServers": { "x": { "command": "a" } ');
    const s = scanHosts({ env: bad.ctx.env, platform: 'linux' });
    const cursor = s.hosts.find((h) => h.host === 'cursor')!.configs.find((c) => c.exists)!;
    expect(cursor.error).toMatch(/Expected/);
    expect(cursor.servers).toEqual([]);
  });
});
