import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  claudeExtensionsDir,
  claudePluginTargets,
  projectTargets,
  userTargets,
  watchTargets,
} from './paths';
import { madeTempDir } from '../testing/tempDirs';

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
    expect(byHost(t, 'claude-code')).toEqual([
      '/Users/u/.claude.json',
      '/Library/Application Support/ClaudeCode/managed-mcp.json',
    ]);
    expect(byHost(t, 'goose')).toEqual(['/Users/u/.config/goose/config.yaml']);
    expect(byHost(t, 'roo-code')[0]).toBe(
      '/Users/u/Library/Application Support/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json',
    );
    expect(byHost(t, 'visual-studio')).toEqual([]);
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
    expect(byHost(t, 'windsurf')).toEqual([
      '/w/Users/u/.codeium/windsurf/mcp_config.json',
      '/w/Users/u/.codeium/mcp_config.json',
    ]);
    expect(byHost(t, 'visual-studio')).toEqual(['/w/Users/u/.mcp.json']);
    expect(byHost(t, 'goose')).toEqual([
      '/w/Users/u/AppData/Roaming/Block/goose/config/config.yaml',
    ]);
    // Crush's user config is under ~/.config on Windows too; %LOCALAPPDATA% holds its data file.
    expect(byHost(t, 'crush')).toEqual([
      '/w/Users/u/.config/crush/crush.json',
      '/w/Users/u/AppData/Local/crush/crush.json',
    ]);
    expect(claudeExtensionsDir(env, 'win32')).toBe(
      '/w/Users/u/AppData/Roaming/Claude/Claude Extensions',
    );
  });

  it('Linux honours XDG_CONFIG_HOME and CODEX_HOME', () => {
    const t = userTargets({ HOME: '/h', XDG_CONFIG_HOME: '/h/cfg', CODEX_HOME: '/h/cx' }, 'linux');
    expect(byHost(t, 'claude-desktop')).toEqual(['/h/cfg/Claude/claude_desktop_config.json']);
    expect(byHost(t, 'vscode')[0]).toBe('/h/cfg/Code/User/mcp.json');
    expect(byHost(t, 'zed')).toEqual([
      '/h/cfg/zed/settings.json',
      '/h/.var/app/dev.zed.Zed/config/zed/settings.json',
    ]);
    expect(byHost(t, 'codex')).toEqual(['/h/cx/config.toml']);
    expect(byHost(t, 'gemini')).toEqual([
      '/h/.gemini/settings.json',
      '/etc/gemini-cli/settings.json',
      '/etc/gemini-cli/system-defaults.json',
    ]);
    expect(byHost(t, 'opencode')).toEqual([
      '/h/cfg/opencode/opencode.json',
      '/h/cfg/opencode/opencode.jsonc',
    ]);
    expect(byHost(t, 'vscode')).toEqual([
      '/h/cfg/Code/User/mcp.json',
      '/h/cfg/Code/User/settings.json',
      '/h/cfg/Code - Insiders/User/mcp.json',
      '/h/cfg/Code - Insiders/User/settings.json',
      '/h/cfg/VSCodium/User/mcp.json',
      '/h/cfg/VSCodium/User/settings.json',
    ]);
    expect(byHost(t, 'cline')).toEqual([
      ...['Code', 'Code - Insiders', 'Cursor', 'Windsurf', 'VSCodium'].map(
        (app) =>
          `/h/cfg/${app}/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json`,
      ),
      '/h/.cline/data/settings/cline_mcp_settings.json',
    ]);
  });

  it('honours CLAUDE_CONFIG_DIR, GEMINI_CLI_HOME, the Cline variables and a system root', () => {
    const t = userTargets(
      { HOME: '/h', CLAUDE_CONFIG_DIR: '/cc', GEMINI_CLI_HOME: '/g', CLINE_DIR: '/cl' },
      'linux',
      { systemRoot: '/sys' },
    );
    expect(byHost(t, 'claude-code')).toEqual([
      '/cc/.claude.json',
      '/sys/etc/claude-code/managed-mcp.json',
    ]);
    expect(byHost(t, 'gemini')).toEqual([
      '/g/.gemini/settings.json',
      '/sys/etc/gemini-cli/settings.json',
      '/sys/etc/gemini-cli/system-defaults.json',
    ]);
    expect(byHost(t, 'cline').at(-1)).toBe('/cl/data/settings/cline_mcp_settings.json');
    const d = userTargets({ HOME: '/h', CLINE_DATA_DIR: '/d' }, 'linux');
    expect(byHost(d, 'cline').at(-1)).toBe('/d/settings/cline_mcp_settings.json');
    const p = userTargets(
      { HOME: '/h', CLINE_MCP_SETTINGS_PATH: '/x/m.json', CLINE_DATA_DIR: '/d' },
      'linux',
    );
    expect(byHost(p, 'cline').at(-1)).toBe('/x/m.json');
  });

  it('finds the Microsoft Store build of Claude Desktop and every VS Code profile', () => {
    const root = madeTempDir('airlock-paths-');
    const local = join(root, 'Local');
    mkdirSync(join(local, 'Packages', 'Claude_pzs8sxrjxfjjc'), { recursive: true });
    mkdirSync(join(local, 'Packages', 'NotClaude_1'), { recursive: true });
    const appData = join(root, 'Roaming');
    mkdirSync(join(appData, 'Code', 'User', 'profiles', '-71a2b3c4'), { recursive: true });
    const t = userTargets({ USERPROFILE: root, APPDATA: appData, LOCALAPPDATA: local }, 'win32');
    expect(byHost(t, 'claude-desktop')).toEqual([
      join(appData, 'Claude', 'claude_desktop_config.json'),
      join(
        local,
        'Packages',
        'Claude_pzs8sxrjxfjjc',
        'LocalCache',
        'Roaming',
        'Claude',
        'claude_desktop_config.json',
      ),
    ]);
    expect(byHost(t, 'vscode')).toContain(
      join(appData, 'Code', 'User', 'profiles', '-71a2b3c4', 'mcp.json'),
    );
  });

  it('lists the plugins installed_plugins.json names, never the whole marketplace', () => {
    const home = madeTempDir('airlock-plugins-');
    const plugins = join(home, '.claude', 'plugins');
    const offered = join(plugins, 'marketplaces', 'm', 'plugins', 'offered');
    mkdirSync(join(offered, '.claude-plugin'), { recursive: true });
    const installed = join(plugins, 'cache', 'm', 'db-tools', '1.0.0');
    mkdirSync(join(installed, '.claude-plugin'), { recursive: true });
    writeFileSync(
      join(plugins, 'installed_plugins.json'),
      JSON.stringify({ version: 2, plugins: { 'db-tools@m': [{ installPath: installed }] } }),
    );
    const t = claudePluginTargets({ HOME: home }, 'linux');
    expect(t.map((x) => x.path)).toEqual([
      join(installed, '.mcp.json'),
      join(installed, '.claude-plugin', 'plugin.json'),
    ]);
    expect(t[0]!.readOnly).toBe('Claude Code plugin "db-tools"');
  });

  it('Crush: CRUSH_GLOBAL_CONFIG / XDG on every OS (Windows too), and its own data file', () => {
    expect(
      byHost(userTargets({ USERPROFILE: '/w/u', LOCALAPPDATA: '/w/u/L' }, 'win32'), 'crush'),
    ).toEqual([
      join('/w/u', '.config', 'crush', 'crush.json'),
      join('/w/u/L', 'crush', 'crush.json'),
    ]);
    expect(byHost(userTargets({ HOME: '/h' }, 'linux'), 'crush')).toEqual([
      '/h/.config/crush/crush.json',
      '/h/.local/share/crush/crush.json',
    ]);
    expect(
      byHost(
        userTargets({ HOME: '/h', CRUSH_GLOBAL_CONFIG: '/c', CRUSH_GLOBAL_DATA: '/d' }, 'darwin'),
        'crush',
      ),
    ).toEqual(['/c/crush.json', '/d/crush.json']);
  });

  it('Amazon Q: every agent file in cli-agents and agents, beside the legacy mcp.json', () => {
    const home = madeTempDir('airlock-q-');
    for (const d of ['cli-agents', 'agents']) {
      mkdirSync(join(home, '.aws', 'amazonq', d), { recursive: true });
      writeFileSync(join(home, '.aws', 'amazonq', d, 'default.json'), '{}');
    }
    writeFileSync(join(home, '.aws', 'amazonq', 'cli-agents', 'notes.txt'), '');
    expect(byHost(userTargets({ HOME: home }, 'linux'), 'amazon-q')).toEqual([
      join(home, '.aws', 'amazonq', 'mcp.json'),
      join(home, '.aws', 'amazonq', 'cli-agents', 'default.json'),
      join(home, '.aws', 'amazonq', 'agents', 'default.json'),
    ]);
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
      '/p/.roo/mcp.json',
      '/p/.kiro/settings/mcp.json',
      '/p/opencode.json',
      '/p/opencode.jsonc',
      '/p/.vs/mcp.json',
      '/p/crush.json',
      '/p/.crush.json',
      '/p/.amazonq/mcp.json',
    ]);
    const w = watchTargets({ HOME: '/h' }, 'linux', ['/p']);
    expect(w).toContain('/h/.cursor/mcp.json');
    expect(w).toContain('/p/.vscode/mcp.json');
    expect(w).toContain('/h/.config/Claude/Claude Extensions');
    expect(new Set(w).size).toBe(w.length);
  });
});
