// Test support: a temporary HOME laid out like a Linux desktop with every host's fixture config.
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { madeTempDir } from '../testing/tempDirs';
import type { HostsContext } from './types';

const FIX = join(__dirname, 'fixtures');

export const PROJECT = 'work/app';

/** fixture file → path under HOME (Linux layout). */
export const LAYOUT: Record<string, string> = {
  'claude-desktop/claude_desktop_config.json': '.config/Claude/claude_desktop_config.json',
  'claude-desktop/extensions/ant.dir.gh.example.notes/manifest.json':
    '.config/Claude/Claude Extensions/ant.dir.gh.example.notes/manifest.json',
  'claude-code.json': '.claude.json',
  'claude-code-project.mcp.json': `${PROJECT}/.mcp.json`,
  'new/continue-block.yaml': `${PROJECT}/.continue/mcpServers/sqlite.yaml`,
  'cursor-mcp.json': '.cursor/mcp.json',
  'vscode-mcp.json': '.config/Code/User/mcp.json',
  'windsurf-mcp_config.json': '.codeium/windsurf/mcp_config.json',
  'cline_mcp_settings.json':
    '.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json',
  'gemini-settings.json': '.gemini/settings.json',
  'codex-config.toml': '.codex/config.toml',
  'zed-settings.json': '.config/zed/settings.json',
  // Hosts added later, and the other places the first ones keep servers.
  'new/roo-mcp_settings.json':
    '.config/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json',
  'new/continue-config.yaml': '.continue/config.yaml',
  'new/goose-config.yaml': '.config/goose/config.yaml',
  'new/kiro-mcp.json': '.kiro/settings/mcp.json',
  'new/opencode.jsonc': '.config/opencode/opencode.jsonc',
  'new/copilot-mcp-config.json': '.copilot/mcp-config.json',
  // Visual Studio is Windows-only: tests run it with USERPROFILE = HOME.
  'new/visual-studio.mcp.json': '.mcp.json',
  'new/lmstudio-mcp.json': '.lmstudio/mcp.json',
  'new/crush.json': '.config/crush/crush.json',
  'new/amazonq-mcp.json': '.aws/amazonq/mcp.json',
  'new/cline-cli-transport.json': '.cline/data/settings/cline_mcp_settings.json',
  'new/cline-in-cursor.json':
    '.config/Cursor/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json',
  'new/vscode-settings.json': '.config/Code/User/settings.json',
  'new/vscode-profile-mcp.json': '.config/Code/User/profiles/-4a5b6c7d/mcp.json',
  'new/vscodium-mcp.json': '.config/VSCodium/User/mcp.json',
  'new/zed-flatpak-settings.json': '.var/app/dev.zed.Zed/config/zed/settings.json',
  'new/windsurf-jetbrains-mcp_config.json': '.codeium/mcp_config.json',
  'new/gemini-extension.json': '.gemini/extensions/github-ext/gemini-extension.json',
  'new/claude-plugin.json':
    '.claude/plugins/cache/acme-market/db-tools/1.2.0/.claude-plugin/plugin.json',
  'new/claude-plugin.mcp.json': '.claude/plugins/cache/acme-market/db-tools/1.2.0/.mcp.json',
};

/** fixture file → path under the system root (administrators' files). */
export const SYSTEM_LAYOUT: Record<string, string> = {
  'new/claude-managed-mcp.json': 'etc/claude-code/managed-mcp.json',
  'new/gemini-system-settings.json': 'etc/gemini-cli/settings.json',
};

export interface TestHome {
  home: string;
  dataDir: string;
  systemRoot: string;
  project: string;
  ctx: HostsContext;
  path(rel: string): string;
  read(rel: string): string;
  /** Every file under HOME except the data dir, with its bytes. */
  snapshot(): Map<string, string>;
}

export function makeHome(): TestHome {
  const root = madeTempDir('airlock-hosts-');
  const home = join(root, 'home');
  const dataDir = join(root, 'data');
  const systemRoot = join(root, 'system');
  const place = (layout: Record<string, string>, base: string): void => {
    for (const [fixture, rel] of Object.entries(layout)) {
      const dest = join(base, rel);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(join(FIX, fixture), dest);
      chmodSync(dest, 0o640);
    }
  };
  place(LAYOUT, home);
  place(SYSTEM_LAYOUT, systemRoot);
  const ctx: HostsContext = {
    env: { HOME: home },
    platform: 'linux',
    systemRoot,
    dataDir,
    dataDirIsDefault: false,
    shimLauncher: { node: '/usr/bin/node', cli: '/opt/airlock/out/cli/airlock.js' },
  };
  const path = (rel: string): string => join(home, rel);
  const snapshot = (): Map<string, string> => {
    const out = new Map<string, string>();
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else out.set(p, readFileSync(p, 'utf8'));
      }
    };
    walk(home);
    return out;
  };
  return {
    home,
    dataDir,
    systemRoot,
    project: join(home, PROJECT),
    ctx,
    path,
    read: (rel) => readFileSync(path(rel), 'utf8'),
    snapshot,
  };
}
