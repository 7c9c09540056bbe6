// Posture grade of one server: a pure function of its config entry and, once the gate has seen the
// server, what the registry knows of its tools. Every point taken off comes with a sentence.
import { hasKeychainRef, neutraliseRefs } from './keychainRef';
import type { Deduction, Grade, Posture, ToolFacts, Transport } from './types';

export interface PostureInput {
  transport: Transport;
  guarded: boolean;
  /** What actually runs (behind the shim when guarded). */
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  url?: string;
  headers?: Record<string, string>;
  hasAuth?: boolean;
  /** The host's own allow entry auto-approves this server's tools. */
  autoApproved?: boolean;
}

export const POINTS = {
  /** Unguarded AND auto-approved by the host: nothing asks before a call runs. Always an F. */
  autoApprovedUnguarded: 100,
  unguarded: 30,
  unpinned: 15,
  secret: 20,
  shell: 15,
  destructive: 10,
  poisoned: 40,
  changed: 15,
  plainHttp: 25,
  noAuth: 10,
  keychainUnguarded: 5,
} as const;

export function gradeFor(score: number): Grade {
  if (score >= 90) return 'A';
  if (score >= 80) return 'B';
  if (score >= 65) return 'C';
  if (score >= 50) return 'D';
  return 'F';
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return (parts[parts.length - 1] ?? '').toLowerCase().replace(/\.(exe|cmd|bat)$/, '');
}

/**
 * `${X}`, `$X`, `${env:X}`, `${input:x}`, an Airlock keychain reference: the value is looked up
 * at start, not stored here.
 */
export function isReference(raw: string): boolean {
  // "Bearer ${TOKEN}" is a reference too.
  const v = neutraliseRefs(raw).replace(/^\s*(Bearer|Basic|Token)\s+/i, '');
  return /^\s*\$(\{[^}]+\}|[A-Za-z_][A-Za-z0-9_]*)\s*$/.test(v) || /^\{env:[^}]+\}$/.test(v);
}

const SECRET_NAME =
  /(token|secret|passw(or)?d|passwd|pwd|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential|auth)/i;
export const SECRET_VALUE =
  /(^|[^A-Za-z0-9])(sk-[A-Za-z0-9_-]{16,}|sk_live_[A-Za-z0-9]{10,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{16,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{30,}|npm_[A-Za-z0-9]{30,})/;
export const SECRET_FLAG =
  /^--?(token|api[-_]?key|apikey|password|passwd|secret|access[-_]?token|auth[-_]?token|key)$/i;

/** Names where plain-text secrets sit in an argument list: a flag's name, or `argument N`. */
export function secretsInArgs(rawArgs: readonly string[]): string[] {
  const found: string[] = [];
  // A keychain reference (airlock hosts secure) stands where a secret was: never a secret itself.
  const args = rawArgs.map(neutraliseRefs);
  args.forEach((a, i) => {
    const eq = a.indexOf('=');
    if (
      a.startsWith('-') &&
      eq > 0 &&
      SECRET_FLAG.test(a.slice(0, eq)) &&
      !isReference(a.slice(eq + 1))
    ) {
      found.push(a.slice(0, eq));
    } else if (
      i > 0 &&
      SECRET_FLAG.test(args[i - 1] ?? '') &&
      !a.startsWith('-') &&
      !isReference(a)
    ) {
      found.push(args[i - 1] ?? '');
    } else if (
      SECRET_VALUE.test(a) ||
      /(^|\s)Bearer\s+[^\s$]{8,}/i.test(a) ||
      /:\/\/[^/\s:@]+:[^/\s@$]+@/.test(a) ||
      // A flag inside a shell command line: `sh -c "server --password=…"`.
      /\s--?(token|api[-_]?key|apikey|password|passwd|secret|access[-_]?token|auth[-_]?token)[=\s]+[^\s$-]/i.test(
        a,
      )
    ) {
      found.push(`argument ${i + 1}`);
    }
  });
  return found;
}

/** Keys of an env/headers map whose values are plain-text secrets. */
export function secretsInMap(map: Record<string, string> | undefined): string[] {
  if (!map) return [];
  return Object.entries(map)
    .filter(([, v]) => typeof v === 'string' && v.trim() !== '' && !isReference(v))
    .filter(
      ([k, v]) => SECRET_NAME.test(k) || SECRET_VALUE.test(v) || /^Bearer\s+[^\s$]{8,}/i.test(v),
    )
    .map(([k]) => k);
}

const RUNNERS: Record<string, 'npm' | 'uv'> = { npx: 'npm', bunx: 'npm', pnpx: 'npm', uvx: 'uv' };

function npmSpecUnpinned(spec: string): boolean {
  const at = spec.lastIndexOf('@');
  if (at <= 0) return true; // "pkg" or "@scope/pkg": no version at all
  const version = spec.slice(at + 1);
  return !/^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(version);
}

/** The package a runner fetches at start, when it is not pinned to an exact version. */
export function unpinnedPackage(command: string, args: readonly string[]): string | undefined {
  let runner = RUNNERS[baseName(command)];
  let rest = [...args];
  const b = baseName(command);
  if ((b === 'pnpm' || b === 'yarn') && rest[0] === 'dlx') {
    runner = 'npm';
    rest = rest.slice(1);
  } else if (b === 'npm' && rest[0] === 'exec') {
    runner = 'npm';
    rest = rest.slice(1);
  } else if (b === 'uv' && rest[0] === 'tool' && rest[1] === 'run') {
    runner = 'uv';
    rest = rest.slice(2);
  } else if (b === 'docker' && rest[0] === 'run') {
    // The image is the first non-option word after `run`; options taking a value are common.
    const withValue = new Set([
      '-e',
      '--env',
      '-v',
      '--volume',
      '--name',
      '-p',
      '--publish',
      '--network',
      '-w',
      '--workdir',
      '--env-file',
      '-u',
      '--user',
      '--mount',
      '--platform',
      '--entrypoint',
    ]);
    for (let i = 1; i < rest.length; i++) {
      const a = rest[i] ?? '';
      if (withValue.has(a)) {
        i++;
        continue;
      }
      if (a.startsWith('-')) continue;
      if (a.includes('@sha256:')) return undefined;
      const tag = a.lastIndexOf(':') > a.lastIndexOf('/') ? a.slice(a.lastIndexOf(':') + 1) : '';
      return tag === '' || tag === 'latest' ? a : undefined;
    }
    return undefined;
  }
  if (!runner) return undefined;
  // `--package=x` / `-p x` / `--from x` name the package explicitly.
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] ?? '';
    const explicit = a.match(/^--(package|from)=(.+)$/);
    const spec = explicit
      ? explicit[2]
      : a === '-p' || a === '--package' || a === '--from'
        ? rest[i + 1]
        : undefined;
    if (spec !== undefined) return isUnpinned(runner, spec) ? spec : undefined;
  }
  const spec = rest.find((a) => !a.startsWith('-'));
  if (spec === undefined) return undefined;
  return isUnpinned(runner, spec) ? spec : undefined;
}

function isUnpinned(runner: 'npm' | 'uv', spec: string): boolean {
  if (runner === 'npm') return npmSpecUnpinned(spec);
  return !/(==|@)\s*v?\d/.test(spec) || /@latest$/.test(spec);
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'cmd', 'powershell', 'pwsh']);

export function runsThroughShell(command: string, args: readonly string[]): boolean {
  const b = baseName(command);
  if (!SHELLS.has(b)) return false;
  if (b === 'cmd') return args.some((a) => /^\/[ck]$/i.test(a));
  if (b === 'powershell' || b === 'pwsh')
    return args.some((a) => /^-(c|command|encodedcommand|e)$/i.test(a));
  return args.some((a) => /^-[a-z]*c[a-z]*$/.test(a));
}

function isLoopback(url: URL): boolean {
  const h = url.hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

const MOVE_HINT =
  ' `airlock hosts secure` (or Servers › Move secrets to keychain) moves it to the OS keychain.';

/** Where the entry holds keychain references: `env KEY`, `argument N`. */
function keychainSites(entry: PostureInput): string[] {
  const sites = Object.entries(entry.env ?? {})
    .filter(([, v]) => hasKeychainRef(v))
    .map(([k]) => `env ${k}`);
  (entry.args ?? []).forEach((a, i) => {
    if (hasKeychainRef(a)) sites.push(`argument ${i + 1}`);
  });
  return sites;
}

export function gradeServer(entry: PostureInput, toolFacts?: ToolFacts): Posture {
  const d: Deduction[] = [];
  const add = (code: keyof typeof POINTS, text: string): void => {
    d.push({ points: POINTS[code], code, text });
  };

  if (!entry.guarded && entry.autoApproved)
    add(
      'autoApprovedUnguarded',
      "Unguarded AND auto-approved: the host allows every tool of this server without asking, and Airlock no longer sits in front of it. Guard it again, or remove the host's allow entry.",
    );
  if (!entry.guarded) {
    if (entry.transport === 'stdio')
      add('unguarded', 'Not guarded: its tool calls reach the server without Airlock.');
    else if (entry.transport === 'extension')
      add(
        'unguarded',
        "Not guarded: an extension is launched by its host app, out of the shim's reach.",
      );
    else
      add(
        'unguarded',
        'Not guarded: a remote server is reached over the network, which the stdio shim cannot guard.',
      );
  }

  if (entry.command !== undefined) {
    const args = entry.args ?? [];
    const pkg = unpinnedPackage(entry.command, args);
    if (pkg !== undefined)
      add(
        'unpinned',
        `Package "${pkg}" is not pinned to a version: whatever is published next runs at the next start.`,
      );
    if (runsThroughShell(entry.command, args))
      add(
        'shell',
        `Runs through a shell (${baseName(entry.command)}): the command line is interpreted, not executed as given.`,
      );
    const inArgs = secretsInArgs(args);
    if (inArgs.length > 0)
      add('secret', `Secret in plain text in its arguments (${inArgs.join(', ')}).${MOVE_HINT}`);
  }
  const inEnv = secretsInMap(entry.env);
  if (inEnv.length > 0)
    add('secret', `Secret in plain text in env (${inEnv.join(', ')}).${MOVE_HINT}`);
  const inHeaders = secretsInMap(entry.headers);
  if (inHeaders.length > 0)
    add('secret', `Secret in plain text in headers (${inHeaders.join(', ')}).`);

  if (entry.url !== undefined && (entry.transport === 'http' || entry.transport === 'sse')) {
    let url: URL | undefined;
    try {
      url = new URL(entry.url);
    } catch {
      url = undefined;
    }
    if (
      url &&
      (SECRET_VALUE.test(entry.url) ||
        /[?&](api[_-]?key|key|token|access_token|auth|secret)=[^&$]/i.test(url.search))
    )
      add('secret', 'Secret in plain text in the server URL.');
    if (url && url.protocol === 'http:' && !isLoopback(url))
      add(
        'plainHttp',
        `Remote server over plain HTTP (${url.host}): traffic and credentials travel unencrypted.`,
      );
    if (!entry.hasAuth)
      add(
        'noAuth',
        'Remote server configured without authentication (no Authorization header or token).',
      );
  }

  if (toolFacts) {
    if (toolFacts.destructiveTools.length > 0)
      add('destructive', `Has destructive tools: ${toolFacts.destructiveTools.join(', ')}.`);
    if (toolFacts.poisoned.length > 0)
      add(
        'poisoned',
        `Tool descriptions look poisoned (hidden instructions): ${toolFacts.poisoned.join(', ')}.`,
      );
    if (toolFacts.changed.length > 0)
      add(
        'changed',
        `Tool definitions changed since last reviewed: ${toolFacts.changed.join(', ')}.`,
      );
  }

  const kept = keychainSites(entry);
  if (kept.length > 0 && !entry.guarded && entry.transport === 'stdio')
    add(
      'keychainUnguarded',
      `Keychain reference in an unguarded entry (${kept.join(', ')}): only the Airlock shim resolves it, so the server gets the reference, not the key. Guard it again.`,
    );
  const score = Math.max(0, 100 - d.reduce((s, x) => s + x.points, 0));
  const credits =
    kept.length > 0 && entry.guarded
      ? [
          {
            code: 'keychain',
            text: `Secrets kept in the OS keychain (${kept.join(', ')}): the config holds only references the shim resolves at launch.`,
          },
        ]
      : [];
  return { grade: gradeFor(score), score, deductions: d, ...(credits.length ? { credits } : {}) };
}
