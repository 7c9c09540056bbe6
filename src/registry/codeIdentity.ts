// What decides the code a server runs, beyond the command line the host wrote: the command
// resolved the way the shim spawns it, script arguments resolved against the working
// directory, the environment variables that change code loading, and what the server says it
// is at initialize. These "facts" are compared with the ones the user last accepted; any
// difference suspends the server's allow rules until reviewed. Pure except for the file
// system look-ups in resolveCommandPath / resolveArgs (no network, no child processes): the
// shim calls resolveCommandPath at start, so it must stay cheap.
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, resolve } from 'node:path';

/** Fact name → value. Values are what a person reviews, so they are kept readable. */
export type IdentityFacts = Record<string, string>;

export interface FactChange {
  fact: string;
  /** null: the fact was not there before (or is gone now). */
  before: string | null;
  after: string | null;
}

/** Variables whose value changes which code a process loads or where it fetches it from. */
const CODE_ENV_KEYS = new Set([
  'NODE_OPTIONS',
  'NODE_PATH',
  'NODE_PRESERVE_SYMLINKS',
  'NODE_REPL_EXTERNAL_MODULE',
  'NPM_CONFIG_REGISTRY',
  'NPM_CONFIG_PREFIX',
  'NPM_CONFIG_USERCONFIG',
  'NPM_CONFIG_GLOBALCONFIG',
  'BUN_OPTIONS',
  'DENO_DIR',
  'PYTHONPATH',
  'PYTHONSTARTUP',
  'PYTHONHOME',
  'PYTHONUSERBASE',
  'PYTHONNOUSERSITE',
  'PYTHONSAFEPATH',
  'PYTHONPLATLIBDIR',
  'PYTHONEXECUTABLE',
  'VIRTUAL_ENV',
  'PIP_INDEX_URL',
  'PIP_EXTRA_INDEX_URL',
  'UV_INDEX_URL',
  'UV_EXTRA_INDEX_URL',
  'UV_INDEX',
  'UV_DEFAULT_INDEX',
  'PERL5LIB',
  'PERL5OPT',
  'PERLLIB',
  'RUBYLIB',
  'RUBYOPT',
  'GEM_HOME',
  'GEM_PATH',
  'BUNDLE_GEMFILE',
  'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS',
  'JDK_JAVA_OPTIONS',
  'CLASSPATH',
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
  'LD_AUDIT',
  'GCONV_PATH',
]);

/** Case-insensitive (Windows), and every DYLD_* (macOS's loader). */
export function isCodeEnvKey(name: string): boolean {
  const upper = name.toUpperCase();
  return CODE_ENV_KEYS.has(upper) || upper.startsWith('DYLD_');
}

const MAX_ENV_VALUE = 8192;

/** The code-loading variables of an environment, by name, sorted. */
export function codeEnvOf(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value !== undefined && isCodeEnvKey(name)) out[name] = value.slice(0, MAX_ENV_VALUE);
  }
  return out;
}

function isExecutableFile(path: string, windows: boolean): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (!windows) accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The file a command runs, found as spawning it finds it: a command with a path separator
 * relative to `cwd`, else the first match on PATH (with PATHEXT on Windows); symlinks resolved,
 * so switching what `node` points at is a change. null when nothing is found.
 */
export function resolveCommandPath(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): string | null {
  const windows = platform === 'win32';
  const candidates: string[] = [];
  const exts = windows
    ? ['', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)]
    : [''];
  if (/[\\/]/.test(command) || isAbsolute(command)) {
    for (const ext of exts) candidates.push(resolve(cwd, command + ext));
  } else {
    const path = env.PATH ?? env.Path ?? '';
    for (const dir of path.split(windows ? ';' : delimiter)) {
      if (!dir) continue;
      for (const ext of exts) candidates.push(resolve(cwd, dir, command + ext));
    }
  }
  for (const c of candidates) {
    if (!isExecutableFile(c, windows)) continue;
    try {
      return realpathSync(c);
    } catch {
      return c;
    }
  }
  return null;
}

/**
 * Arguments with relative paths to existing files made absolute against `cwd`, so the same
 * `node server.js` started from another folder is a different server.
 */
export function resolveArgs(args: readonly string[], cwd: string): string[] {
  return args.map((arg) => {
    if (arg.startsWith('-') || isAbsolute(arg) || !/[\\/.]/.test(arg)) return arg;
    const full = resolve(cwd, arg);
    try {
      statSync(full);
      return full;
    } catch {
      return arg;
    }
  });
}

export interface FactSources {
  commandPath: string | null | undefined;
  args: readonly string[];
  cwd: string;
  codeEnv: Record<string, string> | undefined;
  /** What the server said at initialize, once it did. */
  serverInfo: { name: string; version: string } | null;
}

export const SERVER_INFO_FACT = 'server reports';

export function identityFacts(s: FactSources): IdentityFacts {
  const facts: IdentityFacts = {
    'command path': s.commandPath ?? '(not found on PATH)',
    'resolved args': JSON.stringify(resolveArgs(s.args, s.cwd)),
  };
  for (const [name, value] of Object.entries(s.codeEnv ?? {})) facts[`env ${name}`] = value;
  if (s.serverInfo) facts[SERVER_INFO_FACT] = `${s.serverInfo.name} ${s.serverInfo.version}`;
  return facts;
}

/**
 * What differs between the accepted facts and the current ones. The server's own report is
 * compared only once it arrived (it comes at initialize, after the session starts).
 */
export function diffFacts(reviewed: IdentityFacts, current: IdentityFacts): FactChange[] {
  const changes: FactChange[] = [];
  const names = new Set([...Object.keys(reviewed), ...Object.keys(current)]);
  for (const fact of [...names].sort()) {
    const before = Object.hasOwn(reviewed, fact) ? (reviewed[fact] as string) : null;
    const after = Object.hasOwn(current, fact) ? (current[fact] as string) : null;
    if (fact === SERVER_INFO_FACT && after === null) continue;
    if (before !== after) changes.push({ fact, before, after });
  }
  return changes;
}

/** One line per change, for the popup, the CLI and the log. */
export function describeChange(c: FactChange): string {
  const show = (v: string | null): string =>
    v === null ? '(not set)' : v.length > 200 ? `${v.slice(0, 200)}…` : v;
  return `${c.fact}: ${show(c.before)} → ${show(c.after)}`;
}
