// `airlock hosts …`: scan, install, uninstall. The CLI passes everything in (env, data dir, the
// shim launcher), so the command runs the same in tests with a temporary HOME.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { unifiedDiff } from './unifiedDiff';
import { CONSENT, consentSummary } from './consent';
import { describeBudget } from './startup';
import { maskArgs, maskConfigText, maskMap, maskText } from './mask';
import { HOST_LABELS } from './paths';
import { applyPlan, planInstall, planUninstall, type Plan } from './plan';
import { allServers, scanHosts } from './scan';
import { openKeychain, type SecretStore } from './keychain';
import { hasKeychainRef } from './keychainRef';
import { applySecure, maskedOld, plainBackups, planSecure, planUnsecure } from './secure';
import type {
  HostId,
  HostsContext,
  Platform,
  ScanResult,
  ServerEntry,
  ShimLauncher,
  ToolFacts,
} from './types';
import { HOST_IDS } from './types';

export interface HostsIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  dataDir: string;
  dataDirIsDefault: boolean;
  shimLauncher: ShimLauncher;
  /** Defaults to the running OS; tests pass another to exercise its layout. */
  platform?: Platform;
  /** Prefix of system-wide files (/etc, /Library, Program Files); tests point it at a folder. */
  systemRoot?: string;
  /** What the gate's registry knows of a server's tools, for the posture grade. */
  toolFacts?: (host: HostId, server: string) => ToolFacts | undefined;
  /** The OS keychain (`secure`); loaded only when that command runs. */
  keychain?: () => Promise<SecretStore>;
}

/** The registry's tool names for a server, for allow entries that list every tool. */
function toolNamesFrom(io: HostsIo): HostsContext['toolNames'] {
  const facts = io.toolFacts;
  return facts && ((host, server) => facts(host, server)?.tools);
}

export const HOSTS_HELP = `Usage:
  airlock hosts scan [--json] [--project DIR]...
  airlock hosts install   --host H (--server S... | --all) [--project DIR]... [--dry-run]
                          [--single-consent | --no-single-consent] [--startup-timeout SEC]
  airlock hosts uninstall --host H (--server S... | --all) [--project DIR]... [--dry-run]
  airlock hosts secure    --host H (--server S... | --all) [--project DIR]... [--dry-run] [--undo]

Hosts: ${HOST_IDS.join(', ')}

scan       lists every host config found, each server, whether it is guarded, and its posture grade.
install    rewrites the chosen servers' command/args so the host starts them through the Airlock
           shim (absolute paths; env, other keys, comments and formatting are kept). The file is
           backed up into the data directory and replaced atomically; --dry-run prints the diff.
--single-consent
           also writes the host's own allow entry for each guarded server (Claude Code
           permissions.allow, Cline/Kiro autoApprove, Roo Code alwaysAllow, Gemini trust, Codex
           default_tools_approval_mode, Zed agent.tool_permissions, Crush allowed_tools, Amazon Q
           agent allowedTools), so only Airlock asks. Uninstall removes it with the wrap, byte for
           byte.
--no-single-consent
           takes back only the allow entries Airlock wrote (byte for byte) and keeps the wraps: the
           host asks again, and so does Airlock.
--startup-timeout SEC
           where the host limits a server's start (Codex startup_timeout_sec, 10 s by default),
           raises it to SEC in the same edit; uninstall takes it back with the wrap.
uninstall  restores the original command/args exactly (and any allow entry Airlock wrote).
secure     moves each plain-text secret of the chosen guarded servers (env values, tokens and
           passwords in args) into the OS keychain and leaves a reference (airlock-keychain:…) in
           its place, which only the shim resolves when it starts the server. Remote servers'
           headers stay (the host sends them itself). No backup is made (it would hold the
           secrets); --undo is the way back.
--undo     (secure) puts each value back where its reference is, byte for byte, and deletes the
           keychain items.
--project  adds a project's files (.mcp.json, .cursor/mcp.json, .vscode/mcp.json, …); with install
           and uninstall it chooses that project's servers instead of the user-level ones.
`;

interface Parsed {
  sub: string | undefined;
  json: boolean;
  dryRun: boolean;
  undo: boolean;
  all: boolean;
  /** true: --single-consent; false: --no-single-consent; undefined: neither. */
  singleConsent?: boolean;
  startupTimeout?: number;
  host?: string;
  servers: string[];
  projects: string[];
  help: boolean;
}

function parseArgs(argv: string[]): Parsed | string {
  const p: Parsed = {
    sub: undefined,
    json: false,
    dryRun: false,
    undo: false,
    all: false,
    servers: [],
    projects: [],
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--help':
      case '-h':
        p.help = true;
        break;
      case '--json':
        p.json = true;
        break;
      case '--dry-run':
        p.dryRun = true;
        break;
      case '--undo':
        p.undo = true;
        break;
      case '--all':
        p.all = true;
        break;
      case '--single-consent':
      case '--no-single-consent': {
        const want = flag === '--single-consent';
        if (p.singleConsent === !want)
          return '--single-consent and --no-single-consent exclude each other';
        p.singleConsent = want;
        break;
      }
      case '--startup-timeout': {
        const v = Number(value());
        if (!Number.isInteger(v) || v < 1 || v > 600)
          return '--startup-timeout needs whole seconds between 1 and 600';
        p.startupTimeout = v;
        break;
      }
      case '--host': {
        const v = value();
        if (!v) return '--host needs a value';
        p.host = v;
        break;
      }
      case '--server': {
        const v = value();
        if (!v) return '--server needs a value';
        p.servers.push(v);
        break;
      }
      case '--project': {
        const v = value();
        if (!v) return '--project needs a directory';
        p.projects.push(v);
        break;
      }
      default:
        if (a.startsWith('-') || p.sub !== undefined) return `unexpected argument: ${a}`;
        p.sub = a;
    }
  }
  return p;
}

function currentPlatform(): Platform {
  return process.platform === 'win32' || process.platform === 'darwin' ? process.platform : 'linux';
}

export async function hostsCommand(argv: string[], io: HostsIo): Promise<number> {
  const parsed = parseArgs(argv);
  if (typeof parsed === 'string') {
    io.stderr(`airlock hosts: ${parsed} (see airlock hosts --help)`);
    return 2;
  }
  if (parsed.help || parsed.sub === undefined || parsed.sub === 'help') {
    io.stdout(HOSTS_HELP);
    return parsed.sub === undefined && !parsed.help ? 2 : 0;
  }
  const ctx: HostsContext = {
    env: io.env,
    platform: io.platform ?? currentPlatform(),
    ...(io.systemRoot !== undefined ? { systemRoot: io.systemRoot } : {}),
    dataDir: io.dataDir,
    dataDirIsDefault: io.dataDirIsDefault,
    shimLauncher: io.shimLauncher,
    ...(io.toolFacts ? { toolNames: toolNamesFrom(io) } : {}),
  };
  try {
    if (parsed.sub === 'scan') return scanCommand(parsed, ctx, io);
    if (parsed.undo && parsed.sub !== 'secure') {
      io.stderr('airlock hosts: --undo is for secure (uninstall undoes install)\n');
      return 2;
    }
    if (parsed.sub === 'install' || parsed.sub === 'uninstall')
      return changeCommand(parsed.sub, parsed, ctx, io);
    if (parsed.sub === 'secure') return await secureCommand(parsed, ctx, io);
  } catch (e) {
    io.stderr(`airlock hosts: ${(e as Error).message}\n`);
    return 1;
  }
  io.stderr(`airlock hosts: unknown command "${parsed.sub}" (see airlock hosts --help)`);
  return 2;
}

function scanCommand(p: Parsed, ctx: HostsContext, io: HostsIo): number {
  const result = scanHosts({
    env: ctx.env,
    platform: ctx.platform,
    ...(ctx.systemRoot !== undefined ? { systemRoot: ctx.systemRoot } : {}),
    projects: p.projects,
    toolFacts: io.toolFacts,
  });
  if (p.json) {
    io.stdout(`${JSON.stringify(redact(result), null, 2)}\n`);
    return 0;
  }
  io.stdout(renderScan(result));
  return 0;
}

/** Scan output never repeats a secret: env and header values, passwords and tokens in args or URLs. */
export function redact(result: ScanResult): ScanResult {
  const launch = (l: { command: string; args: string[] } | undefined) =>
    l && { command: maskText(l.command), args: maskArgs(l.args) };
  return {
    hosts: result.hosts.map((h) => ({
      ...h,
      configs: h.configs.map((c) => ({
        ...c,
        servers: c.servers.map((s) => ({
          ...s,
          env: maskMap(s.env),
          headers: maskMap(s.headers),
          ...(s.command !== undefined ? { command: maskText(s.command) } : {}),
          ...(s.args !== undefined ? { args: maskArgs(s.args) } : {}),
          ...(s.original !== undefined ? { original: launch(s.original) } : {}),
          ...(s.url !== undefined ? { url: maskText(s.url) } : {}),
        })),
      })),
    })),
  };
}

function status(s: ServerEntry): string {
  if (s.transport === 'extension') return 'extension, cannot be guarded';
  if (!s.guardable)
    return s.transport === 'stdio'
      ? 'cannot be guarded'
      : `remote ${s.transport.toUpperCase()}, cannot be guarded`;
  return s.guarded ? 'guarded' : 'NOT guarded';
}

export function renderScan(result: ScanResult): string {
  const lines: string[] = [];
  for (const h of result.hosts) {
    const present = h.configs.filter((c) => c.exists);
    if (present.length === 0) {
      lines.push(`${h.label} (${h.host}): not found`);
      continue;
    }
    lines.push(`${h.label} (${h.host})`);
    lines.push(`  single consent: ${consentSummary(h.host)}`);
    for (const c of present) {
      const scope =
        c.kind === 'extensions'
          ? 'extensions'
          : c.scope === 'project'
            ? `project ${c.project}`
            : 'user';
      lines.push(`  ${c.path}  [${c.readOnly ? `${scope}, read-only: ${c.readOnly}` : scope}]`);
      if (c.error !== undefined) {
        lines.push(`    cannot parse: ${c.error} (left untouched)`);
        continue;
      }
      if (c.servers.length === 0) lines.push('    no servers');
      for (const s of c.servers) {
        const where =
          s.project !== undefined && c.project === undefined ? ` (project ${s.project})` : '';
        const runs = s.original
          ? `${maskText(s.original.command)} ${maskArgs(s.original.args).join(' ')}`.trim()
          : maskText(s.url ?? '');
        lines.push(
          `    ${s.name}${where}: ${s.transport}, ${status(s)}${s.disabled ? ', disabled' : ''}${s.autoApproved ? ', auto-approved by the host' : ''}, grade ${s.posture.grade}`,
        );
        if (runs) lines.push(`      runs: ${runs}`);
        if (s.note && !s.guardable) lines.push(`      note: ${s.note}`);
        if (s.policy) lines.push(`      policy: ${s.policy}`);
        if (s.startup)
          lines.push(
            `      startup budget: ${describeBudget(s.startup)}${
              s.startup.raisable && s.startup.seconds < 20
                ? ` (install --startup-timeout 20 raises it with the wrap)`
                : ''
            }`,
          );
        for (const d of s.posture.deductions) lines.push(`      -${d.points} ${d.text}`);
        for (const c of s.posture.credits ?? []) lines.push(`      + ${c.text}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

function isHostId(h: string): h is HostId {
  return (HOST_IDS as readonly string[]).includes(h);
}

function changeCommand(
  sub: 'install' | 'uninstall',
  p: Parsed,
  ctx: HostsContext,
  io: HostsIo,
): number {
  if (!p.host || !isHostId(p.host)) {
    io.stderr(`airlock hosts ${sub}: --host must be one of ${HOST_IDS.join(', ')}\n`);
    return 2;
  }
  if (p.all === p.servers.length > 0) {
    io.stderr(`airlock hosts ${sub}: give --server NAME (repeatable) or --all\n`);
    return 2;
  }
  if (p.singleConsent !== undefined && sub === 'uninstall') {
    io.stderr(
      'airlock hosts uninstall: --single-consent and --no-single-consent are for install (uninstall always removes what Airlock wrote)\n',
    );
    return 2;
  }
  const sel = {
    host: p.host,
    servers: p.all ? ('all' as const) : p.servers,
    projects: p.projects,
    ...(p.singleConsent !== undefined ? { singleConsent: p.singleConsent } : {}),
    ...(p.startupTimeout !== undefined ? { startupTimeoutSec: p.startupTimeout } : {}),
  };
  if (p.singleConsent !== undefined && !CONSENT[p.host])
    io.stdout(`note: ${HOST_LABELS[p.host]}: ${consentSummary(p.host)}\n`);
  const plan = sub === 'install' ? planInstall(ctx, sel) : planUninstall(ctx, sel);
  let code = 0;
  for (const e of plan.errors) {
    io.stderr(`refused: ${e.message}\n`);
    code = 1;
  }
  for (const n of plan.notFound) {
    io.stderr(
      `no server named "${n}" in ${HOST_LABELS[p.host]}${p.projects.length ? ' for the given project(s)' : ''}\n`,
    );
    code = 1;
  }
  for (const u of plan.unchanged)
    io.stdout(
      `${u.server}: ${u.action === 'skipped' ? 'skipped' : 'unchanged'} (${u.detail ?? ''})\n`,
    );
  if (p.dryRun) {
    const label = sub === 'install' ? 'guarded' : 'restored';
    const keys = secretKeysByFile(ctx, p.projects);
    for (const f of plan.files)
      io.stdout(
        maskConfigText(unifiedDiff(f.path, f.oldText, f.newText, label), keys.get(f.path) ?? []),
      );
    if (plan.files.length === 0) io.stdout('nothing to change\n');
    if (sub === 'install') io.stdout(noGateNotice(ctx.dataDir));
    return code;
  }
  const applied = applyPlan(ctx, plan);
  for (const w of applied.written) {
    for (const c of w.changes) {
      io.stdout(describe(c.action, c.server, w.path, c.detail));
      if (c.consent && c.action !== 'consent')
        io.stdout(`  and wrote the host's allow entry ${c.consent}: only Airlock asks now\n`);
      if (c.startup) io.stdout(`  and raised its startup budget: ${c.startup}\n`);
    }
    if (w.backup) io.stdout(`  backup: ${w.backup}\n`);
  }
  for (const e of applied.errors) {
    io.stderr(`failed: ${e.path}: ${e.message}\n`);
    code = 1;
  }
  if (plan.files.length === 0 && code === 0) io.stdout('nothing to change\n');
  if (sub === 'install') io.stdout(noGateNotice(ctx.dataDir));
  if (sub === 'uninstall') io.stdout(keychainNotice(ctx, p, applied.written));
  return code;
}

/** Unguarded servers that still hold keychain references: nothing resolves them any more. */
function keychainNotice(
  ctx: HostsContext,
  p: Parsed,
  written: { changes: { action: string; server: string; configPath: string }[] }[],
): string {
  const unwrapped = new Set(
    written.flatMap((w) =>
      w.changes.filter((c) => c.action === 'unwrap').map((c) => `${c.configPath}\n${c.server}`),
    ),
  );
  if (unwrapped.size === 0) return '';
  const scan = scanHosts({ env: ctx.env, platform: ctx.platform, projects: p.projects });
  return allServers(scan)
    .filter(
      (s) =>
        unwrapped.has(`${s.configPath}\n${s.name}`) &&
        [...Object.values(s.env ?? {}), ...(s.args ?? [])].some(hasKeychainRef),
    )
    .map(
      (s) =>
        `note: ${s.name} keeps its secrets in the OS keychain, which only the shim reads: unguarded, it gets the references, not the keys. Put them back with \`airlock hosts secure --undo --host ${s.host} --server ${s.name}\`, or guard it again.\n`,
    )
    .join('');
}

/** Env and header names of every server, per config file: their values are masked in diffs. */
function secretKeysByFile(ctx: HostsContext, projects: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of allServers(scanHosts({ env: ctx.env, platform: ctx.platform, projects }))) {
    const keys = [...Object.keys(s.env ?? {}), ...Object.keys(s.headers ?? {})];
    out.set(s.configPath, [...(out.get(s.configPath) ?? []), ...keys]);
  }
  return out;
}

/**
 * A guarded server talks to the gate of this data directory. Without its secret no gate or app has
 * ever run here, and every call is denied until one does: say so instead of leaving a user to
 * discover it from a model's error.
 */
export function noGateNotice(dataDir: string): string {
  if (existsSync(join(dataDir, 'secret'))) return '';
  return (
    `note: no Airlock gate or app has been set up for ${dataDir} yet (no secret file there).\n` +
    `  Until one runs, the host still starts the guarded servers and sees their tools, but every\n` +
    `  tool call is answered "Denied by Airlock: the Airlock approval service is not running".\n` +
    `  Start the Airlock app, or \`airlock gate --data-dir ${dataDir}\`.\n`
  );
}

function describe(action: string, server: string, path: string, detail?: string): string {
  if (action === 'consent') return `wrote the host's allow entry for ${server} in ${path}\n`;
  if (action === 'consent-off')
    return `removed the allow entry Airlock wrote for ${server} from ${path} (still guarded)\n`;
  if (action === 'unwrap' && detail === 'allow entry removed')
    return `removed the allow entry ${server} from ${path}\n`;
  if (action === 'wrap') return `guarded ${server} in ${path}${detail ? ` (${detail})` : ''}\n`;
  if (action === 'rewrap') return `re-guarded ${server} in ${path} (new shim path)\n`;
  return `unguarded ${server} in ${path}${detail === 'structural' ? ' (restored from the wrapped command; formatting of command/args may differ)' : ''}\n`;
}

export type { Plan };

async function secureCommand(p: Parsed, ctx: HostsContext, io: HostsIo): Promise<number> {
  const what = p.undo ? 'secure --undo' : 'secure';
  if (!p.host || !isHostId(p.host)) {
    io.stderr(`airlock hosts ${what}: --host must be one of ${HOST_IDS.join(', ')}\n`);
    return 2;
  }
  if (p.all === p.servers.length > 0) {
    io.stderr(`airlock hosts ${what}: give --server NAME (repeatable) or --all\n`);
    return 2;
  }
  if (p.singleConsent !== undefined || p.startupTimeout !== undefined) {
    io.stderr(`airlock hosts ${what}: --single-consent and --startup-timeout are for install\n`);
    return 2;
  }
  const sel = {
    host: p.host,
    servers: p.all ? ('all' as const) : p.servers,
    projects: p.projects,
  };
  // Secure plans without the keychain (a dry run never loads it); undo reads it to plan.
  let store: SecretStore | undefined;
  const keychain = async (): Promise<SecretStore> =>
    (store ??= await (io.keychain ?? openKeychain)());
  let plan;
  try {
    plan = p.undo ? await planUnsecure(ctx, sel, await keychain()) : planSecure(ctx, sel);
  } catch (e) {
    io.stderr(`airlock hosts ${what}: ${(e as Error).message}\n`);
    return 1;
  }
  let code = 0;
  for (const e of plan.errors) {
    io.stderr(`refused: ${e.message}\n`);
    code = 1;
  }
  for (const n of plan.notFound) {
    io.stderr(`no server named "${n}" in ${HOST_LABELS[p.host]}\n`);
    code = 1;
  }
  for (const s of plan.servers)
    if (s.action === 'skipped' || s.action === 'unchanged')
      io.stdout(`${s.server}: ${s.action} (${s.detail})\n`);
  const moving = plan.servers.filter((s) => s.action === 'moved' || s.action === 'restored');
  if (p.dryRun) {
    for (const f of plan.files)
      io.stdout(
        unifiedDiff(
          f.path,
          p.undo ? f.oldText : maskedOld(f),
          p.undo ? maskedOld({ ...f, oldText: f.newText }) : f.newText,
          p.undo ? 'restored' : 'secured',
        ),
      );
    for (const s of moving)
      io.stdout(
        `${s.server}: would ${p.undo ? 'restore' : 'move to the OS keychain'}: ${s.detail}\n`,
      );
    if (plan.files.length === 0) io.stdout('nothing to change\n');
    return code;
  }
  if (plan.files.length === 0) {
    if (code === 0) io.stdout('nothing to change\n');
    return code;
  }
  let result;
  try {
    result = await applySecure(ctx, plan, await keychain());
  } catch (e) {
    io.stderr(`airlock hosts ${what}: ${(e as Error).message}\n`);
    return 1;
  }
  for (const w of result.written) {
    const names = moving
      .filter((s) =>
        plan.files
          .find((f) => f.path === w.path)
          ?.items.some((i) => i.uses.some((u) => u.server === s.server)),
      )
      .map((s) => `${s.server} (${s.detail})`);
    io.stdout(
      p.undo
        ? `restored ${w.items} secret(s) in ${w.path} and deleted them from the OS keychain: ${names.join('; ')}\n`
        : `moved ${w.items} secret(s) from ${w.path} to the OS keychain: ${names.join('; ')}\n`,
    );
    const f = plan.files.find((x) => x.path === w.path)!;
    const backups = p.undo ? [] : plainBackups(ctx.dataDir, f.realPath);
    if (backups.length > 0)
      io.stdout(
        `  note: ${backups.length} earlier backup(s) of this file still hold these secrets in plain text; delete them when you no longer need them:\n${backups.map((b) => `    ${b}\n`).join('')}`,
      );
  }
  for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
  for (const e of result.errors) {
    io.stderr(`failed: ${e.path}: ${e.message}\n`);
    code = 1;
  }
  return code;
}
