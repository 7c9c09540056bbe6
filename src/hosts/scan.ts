// Finding every host config and every server in it. Read-only: a file that does not parse is
// reported with its error and never touched.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listNote, readClaudeLists } from './allowlists';
import { claudeAllows, claudeSettingsFiles, entryAutoApproved } from './consent';
import { fileAutoApproved } from './fileConsent';
import { readEntry, regrade } from './entry';
import { startupBudget } from './startup';
import { openJson } from './jsonDoc';
import {
  allTargets,
  claudeExtensionsDir,
  claudePluginTargets,
  geminiExtensionTargets,
  HOST_LABELS,
  type ConfigTarget,
} from './paths';
import { openToml } from './tomlDoc';
import { openYaml } from './yamlDoc';
import type { ConfigDocument } from './document';
import type {
  ConfigFormat,
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
  /** Prefix of system-wide files; tests point it at a folder. */
  systemRoot?: string;
  /** What the registry knows about a server's tools, once the gate has seen it. */
  toolFacts?: (host: HostId, server: string) => ToolFacts | undefined;
}

export function openDocument(format: ConfigFormat, text: string): ConfigDocument {
  if (format === 'toml') return openToml(text);
  if (format === 'yaml') return openYaml(text);
  return openJson(text);
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
    { location: target.serversPath, project: target.project },
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
    const container = getAt(doc.value, location);
    // A list (Continue) is keyed by position; its items carry their own names.
    const items: [string, string, unknown][] =
      target.list && Array.isArray(container)
        ? container.map((raw, i) => [
            String(i),
            isRecord(raw) && typeof raw.name === 'string' ? raw.name : `#${i + 1}`,
            raw,
          ])
        : isRecord(container)
          ? Object.entries(container).map(([k, raw]) => [k, k, raw])
          : [];
    for (const [key, name, raw] of items) {
      const entry = readEntry(
        {
          host: target.host,
          name,
          configPath: target.path,
          location,
          ...(project !== undefined ? { project } : {}),
          ...(key !== name ? { key } : {}),
          ...(target.readOnly !== undefined ? { source: target.readOnly } : {}),
        },
        raw,
        toolFacts?.(target.host, name),
        target.dialect,
      );
      const budget = entry.transport === 'stdio' ? startupBudget(target.host, raw) : undefined;
      if (budget) entry.startup = budget;
      if (
        entryAutoApproved(target.host, raw) ||
        (entry.transport === 'stdio' && fileAutoApproved(target.host, doc.value, name))
      ) {
        entry.autoApproved = true;
        Object.assign(entry, regrade(entry, toolFacts?.(target.host, name)));
      }
      out.push(target.readOnly === undefined ? entry : readOnlyEntry(entry, target.readOnly));
    }
  }
  return out;
}

/** Listed with its source; never a candidate for install (its file is not the user's to edit). */
function readOnlyEntry(e: ServerEntry, source: string): ServerEntry {
  return {
    ...e,
    guardable: false,
    note: `From ${source}: listed, never rewritten by Airlock.${e.guarded ? '' : ' To guard it, change it at its source.'}`,
  };
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
  const targets = [
    ...allTargets(opts.env, opts.platform, opts.projects ?? [], {
      ...(opts.systemRoot !== undefined ? { systemRoot: opts.systemRoot } : {}),
    }),
    ...claudePluginTargets(opts.env, opts.platform),
    ...geminiExtensionTargets(opts.env, opts.platform),
  ];
  for (const target of targets) {
    const loaded = loadConfig(target);
    // Plugin and extension files that do not exist are not worth a line each.
    if (!loaded.exists && target.readOnly !== undefined && target.scope === 'user') {
      if (!/managed|system/.test(target.readOnly)) continue;
    }
    const base = {
      host: target.host,
      kind: 'config' as const,
      path: target.path,
      format: target.format,
      scope: target.scope,
      ...(target.project !== undefined ? { project: target.project } : {}),
      ...(target.readOnly !== undefined ? { readOnly: target.readOnly } : {}),
    };
    let scan: ConfigScan;
    if (!loaded.exists) scan = { ...base, exists: false, servers: [] };
    else if (loaded.error !== undefined)
      scan = { ...base, exists: true, error: loaded.error, servers: [] };
    else scan = { ...base, exists: true, servers: entriesOf(target, loaded.doc, opts.toolFacts) };
    byHost.get(target.host)!.push(scan);
  }
  markClaudeAllowed(byHost.get('claude-code') ?? [], opts);
  notePolicies(byHost.get('claude-code') ?? [], opts);
  const ext = scanExtensions(opts);
  if (ext) byHost.get('claude-desktop')!.push(ext);
  const hosts: HostScan[] = HOST_IDS.map((host) => {
    const configs = byHost.get(host) ?? [];
    return { host, label: HOST_LABELS[host], configs, found: configs.some((c) => c.exists) };
  });
  return { hosts };
}

/** Claude Code's allow rules live in its settings files, apart from the servers. */
function markClaudeAllowed(configs: ConfigScan[], opts: ScanOptions): void {
  const cache = new Map<string, unknown[]>();
  const allowIn = (path: string): unknown[] => {
    let allow = cache.get(path);
    if (!allow) {
      const loaded = loadConfig({
        host: 'claude-code',
        path,
        format: 'json',
        scope: 'user',
        serversPath: [],
      });
      const v =
        loaded.exists && loaded.doc ? getAt(loaded.doc.value, ['permissions', 'allow']) : [];
      allow = Array.isArray(v) ? v : [];
      cache.set(path, allow);
    }
    return allow;
  };
  for (const c of configs)
    c.servers = c.servers.map((e) =>
      claudeSettingsFiles(e, opts.env, opts.platform).some((f) => claudeAllows(allowIn(f), e.name))
        ? regrade({ ...e, autoApproved: true }, opts.toolFacts?.('claude-code', e.name))
        : e,
    );
}

/** Claude Code's enterprise lists, as they bear on guarding each of its stdio entries. */
function notePolicies(configs: ConfigScan[], opts: ScanOptions): void {
  const lists = readClaudeLists(opts.env, opts.platform, opts.systemRoot);
  if (!lists.allowed && lists.denied.length === 0) return;
  for (const c of configs)
    for (const e of c.servers) {
      if (!e.original) continue;
      const note = listNote(lists, [e.original.command, ...e.original.args]);
      if (note) e.policy = note;
    }
}

/** All servers of a scan, flat. */
export function allServers(scan: ScanResult): ServerEntry[] {
  return scan.hosts.flatMap((h) => h.configs.flatMap((c) => c.servers));
}
