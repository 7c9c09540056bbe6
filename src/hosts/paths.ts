// Where each host keeps its MCP configuration, from each host's own documentation. Paths come
// from the passed env and platform only, so a temporary HOME is a complete sandbox and every OS
// layout can be exercised on any machine.
import { join, resolve } from 'node:path';
import type { HostId, Platform } from './types';

export interface ConfigTarget {
  host: HostId;
  path: string;
  format: 'json' | 'toml';
  scope: 'user' | 'project';
  project?: string;
  /** Top-level key holding the servers. */
  serversKey: 'mcpServers' | 'servers' | 'context_servers' | 'mcp_servers';
  /** ~/.claude.json also holds per-project server blocks under projects[dir].mcpServers. */
  perProjectBlocks?: boolean;
}

export const HOST_LABELS: Record<HostId, string> = {
  'claude-desktop': 'Claude Desktop',
  'claude-code': 'Claude Code',
  cursor: 'Cursor',
  vscode: 'VS Code',
  windsurf: 'Windsurf',
  cline: 'Cline',
  gemini: 'Gemini CLI',
  codex: 'Codex CLI',
  zed: 'Zed',
};

export function homeDir(env: NodeJS.ProcessEnv, platform: Platform): string {
  const home =
    platform === 'win32'
      ? env.USERPROFILE ||
        (env.HOMEDRIVE && env.HOMEPATH ? env.HOMEDRIVE + env.HOMEPATH : undefined) ||
        env.HOME
      : env.HOME;
  if (!home) throw new Error(platform === 'win32' ? 'USERPROFILE is not set' : 'HOME is not set');
  return home;
}

/** The per-user application-data folder Electron apps (Claude, VS Code) use. */
function appDataDir(env: NodeJS.ProcessEnv, platform: Platform): string {
  const home = homeDir(env, platform);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support');
  if (platform === 'win32') return env.APPDATA || join(home, 'AppData', 'Roaming');
  return env.XDG_CONFIG_HOME || join(home, '.config');
}

export function claudeDesktopDir(env: NodeJS.ProcessEnv, platform: Platform): string {
  return join(appDataDir(env, platform), 'Claude');
}

function zedSettings(env: NodeJS.ProcessEnv, platform: Platform): string {
  const home = homeDir(env, platform);
  if (platform === 'win32')
    return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Zed', 'settings.json');
  // Zed keeps ~/.config/zed on macOS too.
  if (platform === 'darwin') return join(home, '.config', 'zed', 'settings.json');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'zed', 'settings.json');
}

const CLINE_SETTINGS = [
  'globalStorage',
  'saoudrizwan.claude-dev',
  'settings',
  'cline_mcp_settings.json',
];

export function userTargets(env: NodeJS.ProcessEnv, platform: Platform): ConfigTarget[] {
  const home = homeDir(env, platform);
  const appData = appDataDir(env, platform);
  const codexHome = env.CODEX_HOME || join(home, '.codex');
  const user = (
    host: HostId,
    path: string,
    serversKey: ConfigTarget['serversKey'],
  ): ConfigTarget => ({
    host,
    path,
    format: path.endsWith('.toml') ? 'toml' : 'json',
    scope: 'user',
    serversKey,
  });
  return [
    user(
      'claude-desktop',
      join(claudeDesktopDir(env, platform), 'claude_desktop_config.json'),
      'mcpServers',
    ),
    { ...user('claude-code', join(home, '.claude.json'), 'mcpServers'), perProjectBlocks: true },
    user('cursor', join(home, '.cursor', 'mcp.json'), 'mcpServers'),
    user('vscode', join(appData, 'Code', 'User', 'mcp.json'), 'servers'),
    user('vscode', join(appData, 'Code - Insiders', 'User', 'mcp.json'), 'servers'),
    user('windsurf', join(home, '.codeium', 'windsurf', 'mcp_config.json'), 'mcpServers'),
    user('cline', join(appData, 'Code', 'User', ...CLINE_SETTINGS), 'mcpServers'),
    // The Cline CLI keeps its own copy.
    user(
      'cline',
      join(home, '.cline', 'data', 'settings', 'cline_mcp_settings.json'),
      'mcpServers',
    ),
    user('gemini', join(home, '.gemini', 'settings.json'), 'mcpServers'),
    user('codex', join(codexHome, 'config.toml'), 'mcp_servers'),
    user('zed', zedSettings(env, platform), 'context_servers'),
  ];
}

export function projectTargets(dir: string): ConfigTarget[] {
  const project = resolve(dir);
  const p = (host: HostId, rel: string[], serversKey: ConfigTarget['serversKey']): ConfigTarget => {
    const path = join(project, ...rel);
    return {
      host,
      path,
      format: path.endsWith('.toml') ? 'toml' : 'json',
      scope: 'project',
      project,
      serversKey,
    };
  };
  return [
    p('claude-code', ['.mcp.json'], 'mcpServers'),
    p('cursor', ['.cursor', 'mcp.json'], 'mcpServers'),
    p('vscode', ['.vscode', 'mcp.json'], 'servers'),
    p('gemini', ['.gemini', 'settings.json'], 'mcpServers'),
    p('codex', ['.codex', 'config.toml'], 'mcp_servers'),
    p('zed', ['.zed', 'settings.json'], 'context_servers'),
  ];
}

export function allTargets(
  env: NodeJS.ProcessEnv,
  platform: Platform,
  projects: string[] = [],
): ConfigTarget[] {
  return [...userTargets(env, platform), ...projects.flatMap(projectTargets)];
}

/** Claude Desktop installs .mcpb extensions here; the config file never lists them. */
export function claudeExtensionsDir(env: NodeJS.ProcessEnv, platform: Platform): string {
  return join(claudeDesktopDir(env, platform), 'Claude Extensions');
}

/** Files (and folders) the app should watch to notice new or unwrapped servers. */
export function watchTargets(
  env: NodeJS.ProcessEnv,
  platform: Platform,
  projects: string[] = [],
): string[] {
  return [
    ...new Set([
      ...allTargets(env, platform, projects).map((t) => t.path),
      claudeExtensionsDir(env, platform),
    ]),
  ];
}
