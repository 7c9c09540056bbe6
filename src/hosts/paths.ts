// Where each host keeps its MCP configuration, from each host's own documentation and source.
// Paths come from the passed env and platform (plus a listing of a few folders whose names vary:
// profiles, store packages, plugins), so a temporary HOME is a complete sandbox and every OS
// layout can be exercised on any machine.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ConfigFormat, EntryDialect, HostId, Platform } from './types';

export interface ConfigTarget {
  host: HostId;
  path: string;
  format: ConfigFormat;
  scope: 'user' | 'project';
  project?: string;
  /** Path of the object (or list, see `list`) holding the servers, e.g. ["mcpServers"]. */
  serversPath: string[];
  /** Servers are a list of `{name, …}` items (Continue), not a map keyed by name. */
  list?: boolean;
  /** How one entry spells its launch; "standard" is `{command, args, env}`. */
  dialect?: EntryDialect;
  /** ~/.claude.json also holds per-project server blocks under projects[dir].mcpServers. */
  perProjectBlocks?: boolean;
  /**
   * Set for configuration Airlock lists but never rewrites: what manages it (a plugin, an
   * administrator's managed file, an extension), shown as the entry's source.
   */
  readOnly?: string;
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
  'roo-code': 'Roo Code',
  continue: 'Continue',
  goose: 'Goose',
  kiro: 'Kiro',
  opencode: 'opencode',
  'copilot-cli': 'GitHub Copilot CLI',
  'visual-studio': 'Visual Studio',
  'lm-studio': 'LM Studio',
  crush: 'Crush',
  'amazon-q': 'Amazon Q Developer',
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

/** ~/.config (XDG) on Linux and macOS alike: where the terminal tools keep theirs. */
function xdgConfig(env: NodeJS.ProcessEnv, platform: Platform): string {
  return env.XDG_CONFIG_HOME || join(homeDir(env, platform), '.config');
}

function localAppData(env: NodeJS.ProcessEnv, platform: Platform): string {
  return env.LOCALAPPDATA || join(homeDir(env, platform), 'AppData', 'Local');
}

/** Subfolders of `dir` whose names pass `keep`; none when it does not exist. */
function subdirs(dir: string, keep: (name: string) => boolean = () => true): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && keep(d.name))
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

/** Files in `dir` whose names match, sorted; none when it does not exist. */
function files(dir: string, match: RegExp): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isFile() && match.test(d.name))
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

export function claudeDesktopDir(env: NodeJS.ProcessEnv, platform: Platform): string {
  return join(appDataDir(env, platform), 'Claude');
}

/**
 * The Microsoft Store (MSIX) build of Claude Desktop is virtualised: its %APPDATA%\Claude lives in
 * %LOCALAPPDATA%\Packages\Claude_<publisher id>\LocalCache\Roaming\Claude.
 */
function claudeMsixDirs(env: NodeJS.ProcessEnv, platform: Platform): string[] {
  if (platform !== 'win32') return [];
  const packages = join(localAppData(env, platform), 'Packages');
  return subdirs(packages, (n) => n.startsWith('Claude_')).map((n) =>
    join(packages, n, 'LocalCache', 'Roaming', 'Claude'),
  );
}

/** CLAUDE_CONFIG_DIR moves everything Claude Code keeps per user, ~/.claude.json included. */
export function claudeCodeDir(env: NodeJS.ProcessEnv, platform: Platform): string {
  return env.CLAUDE_CONFIG_DIR || join(homeDir(env, platform), '.claude');
}

function claudeCodeUserConfig(env: NodeJS.ProcessEnv, platform: Platform): string {
  return env.CLAUDE_CONFIG_DIR
    ? join(env.CLAUDE_CONFIG_DIR, '.claude.json')
    : join(homeDir(env, platform), '.claude.json');
}

/** Where an administrator's managed files live (managed-settings.json, managed-mcp.json). */
export function claudeManagedDir(
  env: NodeJS.ProcessEnv,
  platform: Platform,
  systemRoot = '',
): string {
  if (platform === 'darwin')
    return join(systemRoot || '/', 'Library', 'Application Support', 'ClaudeCode');
  if (platform === 'win32')
    return join(systemRoot || env.ProgramFiles || 'C:\\Program Files', 'ClaudeCode');
  return join(systemRoot || '/', 'etc', 'claude-code');
}

function zedSettings(env: NodeJS.ProcessEnv, platform: Platform): string[] {
  const home = homeDir(env, platform);
  if (platform === 'win32')
    return [join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Zed', 'settings.json')];
  // Zed keeps ~/.config/zed on macOS too.
  if (platform === 'darwin') return [join(home, '.config', 'zed', 'settings.json')];
  return [
    join(xdgConfig(env, platform), 'zed', 'settings.json'),
    // The Flatpak build sees its own XDG_CONFIG_HOME inside the sandbox.
    join(home, '.var', 'app', 'dev.zed.Zed', 'config', 'zed', 'settings.json'),
  ];
}

const CLINE_EXT = 'saoudrizwan.claude-dev';
const ROO_EXT = 'rooveterinaryinc.roo-cline';
/** VS Code and the editors built on it that run its extensions (Cline, Roo Code). */
const VSCODE_FAMILY = ['Code', 'Code - Insiders', 'Cursor', 'Windsurf', 'VSCodium'];

/** The Cline CLI and extension honour these before their defaults (Cline's own source). */
function clineFromEnv(env: NodeJS.ProcessEnv, platform: Platform): string[] {
  const file = ['settings', 'cline_mcp_settings.json'];
  if (env.CLINE_MCP_SETTINGS_PATH) return [env.CLINE_MCP_SETTINGS_PATH];
  if (env.CLINE_DATA_DIR) return [join(env.CLINE_DATA_DIR, ...file)];
  return [join(env.CLINE_DIR || join(homeDir(env, platform), '.cline'), 'data', ...file)];
}

/** GEMINI_CLI_HOME stands in for the home folder that holds .gemini. */
export function geminiDir(env: NodeJS.ProcessEnv, platform: Platform): string {
  return join(env.GEMINI_CLI_HOME || homeDir(env, platform), '.gemini');
}

/** System-wide Gemini CLI files: `system-defaults.json` under the settings, `settings.json` over them. */
function geminiSystemFile(
  env: NodeJS.ProcessEnv,
  platform: Platform,
  root: string,
  file: 'settings.json' | 'system-defaults.json',
): string {
  const override =
    file === 'settings.json'
      ? env.GEMINI_CLI_SYSTEM_SETTINGS_PATH
      : env.GEMINI_CLI_SYSTEM_DEFAULTS_PATH;
  if (override) return override;
  return join(geminiSystemDir(env, platform, root), file);
}

function geminiSystemDir(env: NodeJS.ProcessEnv, platform: Platform, root: string): string {
  if (platform === 'darwin')
    return join(root || '/', 'Library', 'Application Support', 'GeminiCli');
  if (platform === 'win32') return join(root || env.ProgramData || 'C:\\ProgramData', 'gemini-cli');
  return join(root || '/', 'etc', 'gemini-cli');
}

function gooseConfig(env: NodeJS.ProcessEnv, platform: Platform): string {
  if (platform === 'win32')
    return join(appDataDir(env, platform), 'Block', 'goose', 'config', 'config.yaml');
  return join(xdgConfig(env, platform), 'goose', 'config.yaml');
}

/**
 * Crush's user config (internal/config/load.go GlobalConfig): $CRUSH_GLOBAL_CONFIG/crush.json, else
 * $XDG_CONFIG_HOME or ~/.config on every OS, Windows included (not %LOCALAPPDATA%).
 */
function crushConfig(env: NodeJS.ProcessEnv, platform: Platform): string {
  if (env.CRUSH_GLOBAL_CONFIG) return join(env.CRUSH_GLOBAL_CONFIG, 'crush.json');
  return join(xdgConfig(env, platform), 'crush', 'crush.json');
}

/**
 * The JSON Crush itself writes its own changes to, loaded after the user config
 * (GlobalConfigData): $CRUSH_GLOBAL_DATA/crush.json, $XDG_DATA_HOME/crush, %LOCALAPPDATA%\crush
 * on Windows, else ~/.local/share/crush.
 */
function crushData(env: NodeJS.ProcessEnv, platform: Platform): string {
  if (env.CRUSH_GLOBAL_DATA) return join(env.CRUSH_GLOBAL_DATA, 'crush.json');
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'crush', 'crush.json');
  if (platform === 'win32') return join(localAppData(env, platform), 'crush', 'crush.json');
  return join(homeDir(env, platform), '.local', 'share', 'crush', 'crush.json');
}

function formatOf(path: string): ConfigFormat {
  if (path.endsWith('.toml')) return 'toml';
  if (path.endsWith('.yaml') || path.endsWith('.yml')) return 'yaml';
  return 'json';
}

function target(
  host: HostId,
  path: string,
  serversPath: string[],
  extra: Partial<ConfigTarget> = {},
): ConfigTarget {
  return { host, path, format: formatOf(path), scope: 'user', serversPath, ...extra };
}

export interface TargetOptions {
  /** Prefix for system-wide files (/etc, /Library, Program Files); tests point it at a folder. */
  systemRoot?: string;
}

export function userTargets(
  env: NodeJS.ProcessEnv,
  platform: Platform,
  opts: TargetOptions = {},
): ConfigTarget[] {
  const home = homeDir(env, platform);
  const appData = appDataDir(env, platform);
  const root = opts.systemRoot ?? '';
  const codexHome = env.CODEX_HOME || join(home, '.codex');
  const vscodeUsers = ['Code', 'Code - Insiders', 'VSCodium'].map((app) =>
    join(appData, app, 'User'),
  );
  const inVsCodeFamily = (ext: string, file: string): string[] =>
    VSCODE_FAMILY.map((app) => join(appData, app, 'User', 'globalStorage', ext, 'settings', file));
  return [
    ...[claudeDesktopDir(env, platform), ...claudeMsixDirs(env, platform)].map((dir) =>
      target('claude-desktop', join(dir, 'claude_desktop_config.json'), ['mcpServers']),
    ),
    target('claude-code', claudeCodeUserConfig(env, platform), ['mcpServers'], {
      perProjectBlocks: true,
    }),
    target(
      'claude-code',
      join(claudeManagedDir(env, platform, root), 'managed-mcp.json'),
      ['mcpServers'],
      {
        readOnly: 'managed-mcp.json (set by an administrator)',
      },
    ),
    target('cursor', join(home, '.cursor', 'mcp.json'), ['mcpServers']),
    ...vscodeUsers.flatMap((user) => [
      target('vscode', join(user, 'mcp.json'), ['servers']),
      // Every non-default profile keeps its own mcp.json.
      ...subdirs(join(user, 'profiles')).map((id) =>
        target('vscode', join(user, 'profiles', id, 'mcp.json'), ['servers']),
      ),
      // Before mcp.json, VS Code read servers from "mcp" in settings.json; it still does.
      target('vscode', join(user, 'settings.json'), ['mcp', 'servers']),
    ]),
    target('windsurf', join(home, '.codeium', 'windsurf', 'mcp_config.json'), ['mcpServers']),
    // The Windsurf (Codeium) plugin for JetBrains IDEs.
    target('windsurf', join(home, '.codeium', 'mcp_config.json'), ['mcpServers']),
    ...inVsCodeFamily(CLINE_EXT, 'cline_mcp_settings.json').map((p) =>
      target('cline', p, ['mcpServers']),
    ),
    ...clineFromEnv(env, platform).map((p) => target('cline', p, ['mcpServers'])),
    target('gemini', join(geminiDir(env, platform), 'settings.json'), ['mcpServers']),
    target('gemini', geminiSystemFile(env, platform, root, 'settings.json'), ['mcpServers'], {
      readOnly: 'Gemini CLI system settings (set by an administrator)',
    }),
    target(
      'gemini',
      geminiSystemFile(env, platform, root, 'system-defaults.json'),
      ['mcpServers'],
      {
        readOnly: 'Gemini CLI system defaults (set by an administrator)',
      },
    ),
    target('codex', join(codexHome, 'config.toml'), ['mcp_servers']),
    ...zedSettings(env, platform).map((p) => target('zed', p, ['context_servers'])),
    ...inVsCodeFamily(ROO_EXT, 'mcp_settings.json').map((p) =>
      target('roo-code', p, ['mcpServers']),
    ),
    target('continue', join(home, '.continue', 'config.yaml'), ['mcpServers'], { list: true }),
    target('goose', gooseConfig(env, platform), ['extensions'], { dialect: 'goose' }),
    target('kiro', join(home, '.kiro', 'settings', 'mcp.json'), ['mcpServers']),
    ...['opencode.json', 'opencode.jsonc'].map((f) =>
      target('opencode', join(xdgConfig(env, platform), 'opencode', f), ['mcp'], {
        dialect: 'opencode',
      }),
    ),
    target('copilot-cli', join(env.COPILOT_HOME || join(home, '.copilot'), 'mcp-config.json'), [
      'mcpServers',
    ]),
    ...(platform === 'win32'
      ? [target('visual-studio', join(home, '.mcp.json'), ['servers'])]
      : []),
    target('lm-studio', join(home, '.lmstudio', 'mcp.json'), ['mcpServers']),
    target('crush', crushConfig(env, platform), ['mcp']),
    target('crush', crushData(env, platform), ['mcp']),
    target('amazon-q', join(home, '.aws', 'amazonq', 'mcp.json'), ['mcpServers']),
    // Agent files (aws/amazon-q-developer-cli docs/agent-format.md): each has its own mcpServers.
    ...files(join(home, '.aws', 'amazonq', 'cli-agents'), /\.json$/).map((f) =>
      target('amazon-q', join(home, '.aws', 'amazonq', 'cli-agents', f), ['mcpServers']),
    ),
    ...files(join(home, '.aws', 'amazonq', 'agents'), /\.json$/).map((f) =>
      target('amazon-q', join(home, '.aws', 'amazonq', 'agents', f), ['mcpServers']),
    ),
  ];
}

export function projectTargets(dir: string): ConfigTarget[] {
  const project = resolve(dir);
  const p = (
    host: HostId,
    rel: string[],
    serversPath: string[],
    extra: Partial<ConfigTarget> = {},
  ): ConfigTarget =>
    target(host, join(project, ...rel), serversPath, { scope: 'project', project, ...extra });
  return [
    p('claude-code', ['.mcp.json'], ['mcpServers']),
    p('cursor', ['.cursor', 'mcp.json'], ['mcpServers']),
    p('vscode', ['.vscode', 'mcp.json'], ['servers']),
    p('gemini', ['.gemini', 'settings.json'], ['mcpServers']),
    p('codex', ['.codex', 'config.toml'], ['mcp_servers']),
    p('zed', ['.zed', 'settings.json'], ['context_servers']),
    p('roo-code', ['.roo', 'mcp.json'], ['mcpServers']),
    p('kiro', ['.kiro', 'settings', 'mcp.json'], ['mcpServers']),
    p('opencode', ['opencode.json'], ['mcp'], { dialect: 'opencode' }),
    p('opencode', ['opencode.jsonc'], ['mcp'], { dialect: 'opencode' }),
    // Continue reads every block file in .continue/mcpServers (each a YAML mcpServers list).
    ...files(join(project, '.continue', 'mcpServers'), /\.ya?ml$/).map((f) =>
      p('continue', ['.continue', 'mcpServers', f], ['mcpServers'], { list: true }),
    ),
    p('visual-studio', ['.vs', 'mcp.json'], ['servers']),
    p('crush', ['crush.json'], ['mcp']),
    p('crush', ['.crush.json'], ['mcp']),
    p('amazon-q', ['.amazonq', 'mcp.json'], ['mcpServers']),
    ...files(join(project, '.amazonq', 'cli-agents'), /\.json$/).map((f) =>
      p('amazon-q', ['.amazonq', 'cli-agents', f], ['mcpServers']),
    ),
  ];
}

export function allTargets(
  env: NodeJS.ProcessEnv,
  platform: Platform,
  projects: string[] = [],
  opts: TargetOptions = {},
): ConfigTarget[] {
  return [...userTargets(env, platform, opts), ...projects.flatMap(projectTargets)];
}

/** Claude Desktop installs .mcpb extensions here; the config file never lists them. */
export function claudeExtensionsDir(env: NodeJS.ProcessEnv, platform: Platform): string {
  return join(claudeDesktopDir(env, platform), 'Claude Extensions');
}

/** Gemini CLI extensions: one folder each, servers in gemini-extension.json (listed, read-only). */
export function geminiExtensionTargets(env: NodeJS.ProcessEnv, platform: Platform): ConfigTarget[] {
  const dir = join(geminiDir(env, platform), 'extensions');
  return subdirs(dir).map((name) =>
    target('gemini', join(dir, name, 'gemini-extension.json'), ['mcpServers'], {
      readOnly: `Gemini CLI extension "${name}"`,
    }),
  );
}

/**
 * Claude Code plugins bring servers in `.mcp.json` at the plugin's root or inline in
 * `.claude-plugin/plugin.json`. The installed ones are named in ~/.claude/plugins/
 * installed_plugins.json with their installPath (the marketplaces folder beside it holds every
 * plugin on offer, installed or not, so it is never walked); without that file, a bounded walk of
 * the plugin cache finds them.
 */
export function claudePluginTargets(env: NodeJS.ProcessEnv, platform: Platform): ConfigTarget[] {
  const root = join(claudeCodeDir(env, platform), 'plugins');
  const out: ConfigTarget[] = [];
  const add = (dir: string, name: string): void => {
    const readOnly = `Claude Code plugin "${name}"`;
    out.push(target('claude-code', join(dir, '.mcp.json'), ['mcpServers'], { readOnly }));
    out.push(
      target('claude-code', join(dir, '.claude-plugin', 'plugin.json'), ['mcpServers'], {
        readOnly,
      }),
    );
  };
  const installed = installedPlugins(join(root, 'installed_plugins.json'));
  if (installed) {
    for (const p of installed) add(p.path, p.name);
    return out;
  }
  const walk = (dir: string, depth: number): void => {
    for (const name of subdirs(dir, (n) => n !== 'node_modules' && n !== '.git')) {
      if (name === '.claude-plugin') add(dir, pluginName(dir));
      else if (depth > 0) walk(join(dir, name), depth - 1);
    }
  };
  walk(join(root, 'cache'), 5);
  return out;
}

/** installPath of each installed plugin (v1: one record per id; v2: a list per id). */
function installedPlugins(file: string): { name: string; path: string }[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const plugins = (parsed as { plugins?: unknown } | null)?.plugins;
  if (typeof plugins !== 'object' || plugins === null) return undefined;
  const out: { name: string; path: string }[] = [];
  for (const [id, v] of Object.entries(plugins)) {
    for (const rec of Array.isArray(v) ? v : [v]) {
      const path = (rec as { installPath?: unknown } | null)?.installPath;
      if (typeof path === 'string') out.push({ name: id.split('@')[0] ?? id, path });
    }
  }
  return out;
}

function pluginName(dir: string): string {
  const parts = dir.split(/[\\/]/).filter(Boolean);
  // …/<plugin>/<version>/ or …/<plugin>/: skip a version-looking last segment.
  const last = parts[parts.length - 1] ?? '';
  return /^v?\d+(\.\d+)*$/.test(last) || /^[0-9a-f]{12,}$/.test(last)
    ? (parts[parts.length - 2] ?? last)
    : last;
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
      join(claudeCodeDir(env, platform), 'settings.json'),
      ...projects.map((p) => join(resolve(p), '.claude', 'settings.local.json')),
    ]),
  ];
}
