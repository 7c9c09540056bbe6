// Test support: a temporary HOME laid out like a Linux desktop with every host's fixture config.
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
  'cursor-mcp.json': '.cursor/mcp.json',
  'vscode-mcp.json': '.config/Code/User/mcp.json',
  'windsurf-mcp_config.json': '.codeium/windsurf/mcp_config.json',
  'cline_mcp_settings.json':
    '.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json',
  'gemini-settings.json': '.gemini/settings.json',
  'codex-config.toml': '.codex/config.toml',
  'zed-settings.json': '.config/zed/settings.json',
};

export interface TestHome {
  home: string;
  dataDir: string;
  project: string;
  ctx: HostsContext;
  path(rel: string): string;
  read(rel: string): string;
  /** Every file under HOME except the data dir, with its bytes. */
  snapshot(): Map<string, string>;
}

export function makeHome(): TestHome {
  const root = mkdtempSync(join(tmpdir(), 'airlock-hosts-'));
  const home = join(root, 'home');
  const dataDir = join(root, 'data');
  for (const [fixture, rel] of Object.entries(LAYOUT)) {
    const dest = join(home, rel);
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(join(FIX, fixture), dest);
    chmodSync(dest, 0o640);
  }
  const ctx: HostsContext = {
    env: { HOME: home },
    platform: 'linux',
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
    project: join(home, PROJECT),
    ctx,
    path,
    read: (rel) => readFileSync(path(rel), 'utf8'),
    snapshot,
  };
}
