import { describe, expect, it } from 'vitest';
import { claudeExtensionsDir, projectTargets, userTargets, watchTargets } from './paths';

const byHost = (targets: { host: string; path: string }[], host: string): string[] =>
  targets.filter((t) => t.host === host).map((t) => t.path);

describe('config paths per OS, from the passed env only', () => {
  it('macOS', () => {
    const t = userTargets({ HOME: '/Users/u' }, 'darwin');
    expect(byHost(t, 'claude-desktop')).toEqual([
      '/Users/u/Library/Application Support/Claude/claude_desktop_config.json',
    ]);
    expect(byHost(t, 'vscode')[0]).toBe('/Users/u/Library/Application Support/Code/User/mcp.json');
    expect(byHost(t, 'cline')[0]).toBe(
      '/Users/u/Library/Application Support/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json',
    );
    expect(byHost(t, 'zed')).toEqual(['/Users/u/.config/zed/settings.json']);
    expect(byHost(t, 'claude-code')).toEqual(['/Users/u/.claude.json']);
  });

  it('Windows (APPDATA, USERPROFILE)', () => {
    const env = {
      USERPROFILE: '/w/Users/u',
      APPDATA: '/w/Users/u/AppData/Roaming',
      HOME: '/ignored',
    };
    const t = userTargets(env, 'win32');
    expect(byHost(t, 'claude-desktop')).toEqual([
      '/w/Users/u/AppData/Roaming/Claude/claude_desktop_config.json',
    ]);
    expect(byHost(t, 'vscode')[0]).toBe('/w/Users/u/AppData/Roaming/Code/User/mcp.json');
    expect(byHost(t, 'zed')).toEqual(['/w/Users/u/AppData/Roaming/Zed/settings.json']);
    expect(byHost(t, 'cursor')).toEqual(['/w/Users/u/.cursor/mcp.json']);
    expect(byHost(t, 'windsurf')).toEqual(['/w/Users/u/.codeium/windsurf/mcp_config.json']);
    expect(claudeExtensionsDir(env, 'win32')).toBe(
      '/w/Users/u/AppData/Roaming/Claude/Claude Extensions',
    );
  });

  it('Linux honours XDG_CONFIG_HOME and CODEX_HOME', () => {
    const t = userTargets({ HOME: '/h', XDG_CONFIG_HOME: '/h/cfg', CODEX_HOME: '/h/cx' }, 'linux');
    expect(byHost(t, 'claude-desktop')).toEqual(['/h/cfg/Claude/claude_desktop_config.json']);
    expect(byHost(t, 'vscode')[0]).toBe('/h/cfg/Code/User/mcp.json');
    expect(byHost(t, 'zed')).toEqual(['/h/cfg/zed/settings.json']);
    expect(byHost(t, 'codex')).toEqual(['/h/cx/config.toml']);
    expect(byHost(t, 'gemini')).toEqual(['/h/.gemini/settings.json']);
  });

  it('refuses to guess a home', () => {
    expect(() => userTargets({}, 'linux')).toThrow(/HOME is not set/);
  });

  it('project files and watch list', () => {
    expect(projectTargets('/p').map((t) => t.path)).toEqual([
      '/p/.mcp.json',
      '/p/.cursor/mcp.json',
      '/p/.vscode/mcp.json',
      '/p/.gemini/settings.json',
      '/p/.codex/config.toml',
      '/p/.zed/settings.json',
    ]);
    const w = watchTargets({ HOME: '/h' }, 'linux', ['/p']);
    expect(w).toContain('/h/.cursor/mcp.json');
    expect(w).toContain('/p/.vscode/mcp.json');
    expect(w).toContain('/h/.config/Claude/Claude Extensions');
    expect(new Set(w).size).toBe(w.length);
  });
});
