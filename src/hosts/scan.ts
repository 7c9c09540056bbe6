// Finding every host config and every server in it. Read-only: a file that does not parse is
// reported with its error and never touched.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEntry } from './entry';
import { openJson } from './json-doc';
import { allTargets, claudeExtensionsDir, HOST_LABELS, type ConfigTarget } from './paths';
import { openToml } from './toml-doc';
import type { ConfigDocument } from './document';
import type {
  ConfigScan,
  HostId,
  HostScan,
  Platform,
  ScanResult,
  ServerEntry,
  ToolFacts,
} from './types';
import { HOST_IDS } from './types';
import { gradeServer } from './posture';

export interface ScanOptions {
  env: NodeJS.ProcessEnv;
  platform: Platform;
  projects?: string[];
  /** What the registry knows about a server's tools, once the gate has seen it. */
  toolFacts?: (host: HostId, server: string) => ToolFacts | undefined;
}

export function openDocument(format: 'json' | 'toml', text: string): ConfigDocument {
  return format === 'toml' ? openToml(text) : openJson(text);
}

export type Loaded =
  | { exists: false }
  | { exists: true; text: string; doc: ConfigDocument; error?: undefined }
  | { exists: true; text: string; doc?: undefined; error: string };

export function loadConfig(target: ConfigTarget): Loaded {
  let text: string;
  try {
    text = readFileSync(target.path, 'utf8');
  } catch (e) {
    if (
      (e as NodeJS.ErrnoException).code === 'ENOENT' ||
      (e as NodeJS.ErrnoException).code === 'ENOTDIR'
    )
      return { exists: false };
    return { exists: true, text: '', error: (e as Error).message };
  }
  try {
    return { exists: true, text, doc: openDocument(target.format, text) };
  } catch (e) {
    return { exists: true, text, error: (e as Error).message };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function getAt(value: unknown, path: readonly string[]): unknown {
  let cur = value;
  for (const k of path) {
    if (!isRecord(cur) || !Object.prototype.hasOwnProperty.call(cur, k)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** The objects in a file that hold servers, with the project each belongs to. */
export function serverMaps(
  target: ConfigTarget,
  value: unknown,
): { location: string[]; project?: string }[] {
  const out: { location: string[]; project?: string }[] = [
    { location: [target.serversKey], project: target.project },
  ];
  const projects = getAt(value, ['projects']);
  if (target.perProjectBlocks && isRecord(projects)) {
    for (const [dir, block] of Object.entries(projects)) {
      if (isRecord(block) && isRecord(block.mcpServers))
        out.push({ location: ['projects', dir, 'mcpServers'], project: dir });
    }
  }
  return out;
}

export function entriesOf(
  target: ConfigTarget,
  doc: ConfigDocument,
  toolFacts?: ScanOptions['toolFacts'],
): ServerEntry[] {
  const out: ServerEntry[] = [];
  for (const { location, project } of serverMaps(target, doc.value)) {
    const map = getAt(doc.value, location);
    if (!isRecord(map)) continue;
    for (const [name, raw] of Object.entries(map)) {
      out.push(
        readEntry(
          {
            host: target.host,
            name,
            configPath: target.path,
            location,
            ...(project !== undefined ? { project } : {}),
          },
          raw,
          toolFacts?.(target.host, name),
        ),
      );
    }
  }
  return out;
}

function scanExtensions(opts: ScanOptions): ConfigScan | undefined {
  const dir = claudeExtensionsDir(opts.env, opts.platform);
  if (!existsSync(dir)) return undefined;
  const servers: ServerEntry[] = [];
  let error: string | undefined;
  try {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (!d.isDirectory()) continue;
      const manifestPath = join(dir, d.name, 'manifest.json');
      let name = d.name;
      try {
        const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
        if (typeof m.display_name === 'string') name = m.display_name;
        else if (typeof m.name === 'string') name = m.name;
      } catch {
        // A folder without a readable manifest is still an installed extension worth listing.
      }
      servers.push({
        host: 'claude-desktop',
        name,
        configPath: manifestPath,
        location: ['Claude Extensions', d.name],
        transport: 'extension',
        guardable: false,
        guarded: false,
        hasAuth: false,
        disabled: false,
        note: "Claude Desktop extension (.mcpb): Claude Desktop runs it with its own runtime, out of the shim's reach.",
        posture: gradeServer(
          { transport: 'extension', guarded: false },
          opts.toolFacts?.('claude-desktop', name),
        ),
      });
    }
  } catch (e) {
    error = (e as Error).message;
  }
  return {
    host: 'claude-desktop',
    kind: 'extensions',
    path: dir,
    format: 'json',
    scope: 'user',
    exists: true,
    servers,
    ...(error ? { error } : {}),
  };
}

export function scanHosts(opts: ScanOptions): ScanResult {
  const byHost = new Map<HostId, ConfigScan[]>(HOST_IDS.map((h) => [h, []]));
  for (const target of allTargets(opts.env, opts.platform, opts.projects ?? [])) {
    const loaded = loadConfig(target);
    const base = {
      host: target.host,
      kind: 'config' as const,
      path: target.path,
      format: target.format,
      scope: target.scope,
      ...(target.project !== undefined ? { project: target.project } : {}),
    };
    let scan: ConfigScan;
    if (!loaded.exists) scan = { ...base, exists: false, servers: [] };
    else if (loaded.error !== undefined)
      scan = { ...base, exists: true, error: loaded.error, servers: [] };
    else scan = { ...base, exists: true, servers: entriesOf(target, loaded.doc, opts.toolFacts) };
    byHost.get(target.host)!.push(scan);
  }
  const ext = scanExtensions(opts);
  if (ext) byHost.get('claude-desktop')!.push(ext);
  const hosts: HostScan[] = HOST_IDS.map((host) => {
    const configs = byHost.get(host) ?? [];
    return { host, label: HOST_LABELS[host], configs, found: configs.some((c) => c.exists) };
  });
  return { hosts };
}

/** All servers of a scan, flat. */
export function allServers(scan: ScanResult): ServerEntry[] {
  return scan.hosts.flatMap((h) => h.configs.flatMap((c) => c.servers));
}
