import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import * as nodePath from 'node:path';

// Path conditions guard file access, so they compare what the OS will open, component by
// component: `/p/project-evil` is not under `/p/project`, and neither is a symlink inside the
// project that points out of it.

export interface PathEnv {
  home: string;
  cwd: string;
  caseInsensitive: boolean;
  sep: '/' | '\\';
  /** null when the path does not exist */
  realpath?: (p: string) => string | null;
}

interface Parsed {
  /** '/' on POSIX; 'C:' or '\\server\share' on Windows. */
  root: string;
  parts: string[];
}

const MAX_LINKS = 40;

/** The real environment of this process, resolving symlinks on disk. */
export function nodePathEnv(cwd: string = process.cwd()): PathEnv {
  const windows = process.platform === 'win32';
  return {
    home: homedir(),
    cwd,
    caseInsensitive: windows || process.platform === 'darwin',
    sep: windows ? '\\' : '/',
    realpath: (p) => realpathLongestPrefix(p, 0),
  };
}

// Resolves the longest existing prefix, so a symlinked parent of a file that does not exist
// yet is still resolved; a dangling symlink is followed to where a write would land.
function realpathLongestPrefix(p: string, depth: number): string | null {
  const rest: string[] = [];
  let current = p;
  for (;;) {
    try {
      const real = realpathSync.native(current);
      return rest.length > 0 ? nodePath.join(real, ...rest.reverse()) : real;
    } catch {
      const target = danglingTarget(current);
      if (target !== null && depth < MAX_LINKS) {
        const resolved = nodePath.resolve(nodePath.dirname(current), target);
        const real = realpathLongestPrefix(resolved, depth + 1);
        if (real !== null) return rest.length > 0 ? nodePath.join(real, ...rest.reverse()) : real;
      }
      const parent = nodePath.dirname(current);
      if (parent === current) return null;
      rest.push(nodePath.basename(current));
      current = parent;
    }
  }
}

function danglingTarget(p: string): string | null {
  try {
    return lstatSync(p).isSymbolicLink() ? readlinkSync(p) : null;
  } catch {
    return null;
  }
}

function fromFileUrl(p: string, env: PathEnv): string {
  const match = /^file:\/\/([^/]*)(\/.*)?$/i.exec(p);
  if (!match) return p;
  let path = match[2] ?? '/';
  try {
    path = decodeURIComponent(path);
  } catch {
    // A malformed escape stays as written; it then matches nothing it should not.
  }
  const host = match[1] ?? '';
  if (env.sep === '\\') {
    if (/^\/[A-Za-z]:/.test(path)) return path.slice(1);
    if (host !== '' && host.toLowerCase() !== 'localhost') return `\\\\${host}${path}`;
  }
  return path;
}

function expandHome(p: string, env: PathEnv): string {
  if (p === '~') return env.home;
  if (p.startsWith('~/') || (env.sep === '\\' && p.startsWith('~\\'))) return env.home + p.slice(1);
  return p;
}

function cleanPart(part: string, env: PathEnv): string {
  // Win32 drops trailing dots and spaces: `project. ` opens `project`.
  if (env.sep !== '\\' || part === '.' || part === '..') return part;
  const trimmed = part.replace(/[. ]+$/, '');
  return trimmed === '' ? '.' : trimmed;
}

function splitParts(rest: string, env: PathEnv): string[] {
  return rest
    .split(env.sep === '\\' ? /[\\/]/ : '/')
    .map((part) => cleanPart(part, env))
    .filter((part) => part !== '' && part !== '.');
}

/** Split into root and raw parts (`..` kept); null root = relative. */
function splitRoot(p: string, env: PathEnv): { root: string | null; parts: string[] } {
  if (env.sep === '/') {
    return p.startsWith('/')
      ? { root: '/', parts: splitParts(p, env) }
      : { root: null, parts: splitParts(p, env) };
  }
  let s = p.replace(/\//g, '\\');
  if (s.startsWith('\\\\?\\') || s.startsWith('\\\\.\\')) {
    s = s.slice(4);
    if (/^UNC\\/i.test(s)) s = `\\\\${s.slice(4)}`;
  }
  const unc = /^\\\\([^\\]+)\\([^\\]+)(.*)$/.exec(s);
  if (unc) return { root: `\\\\${unc[1]}\\${unc[2]}`, parts: splitParts(unc[3] ?? '', env) };
  const drive = /^([A-Za-z]):(.*)$/.exec(s);
  if (drive) {
    const letter = `${(drive[1] as string).toUpperCase()}:`;
    const rest = drive[2] ?? '';
    if (rest.startsWith('\\')) return { root: letter, parts: splitParts(rest, env) };
    // Drive-relative (`C:foo`): relative to the cwd when on its drive, else to that drive's root.
    const cwd = parseAbsolute(env.cwd, env);
    if (cwd.root.toUpperCase() === letter) return { root: null, parts: splitParts(rest, env) };
    return { root: letter, parts: splitParts(rest, env) };
  }
  if (s.startsWith('\\'))
    return { root: parseAbsolute(env.cwd, env).root, parts: splitParts(s, env) };
  return { root: null, parts: splitParts(s, env) };
}

function resolveDots(parts: string[]): string[] {
  const out: string[] = [];
  for (const part of parts) {
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out;
}

function parseAbsolute(p: string, env: PathEnv): Parsed {
  const split = splitRoot(p, { ...env, cwd: env.sep === '\\' ? 'C:\\' : '/' });
  return { root: split.root ?? (env.sep === '\\' ? 'C:' : '/'), parts: resolveDots(split.parts) };
}

/** Root and raw parts of `p` made absolute (against the cwd), `..` still in place. */
function absoluteRaw(p: string, env: PathEnv): { root: string; parts: string[] } {
  const split = splitRoot(expandHome(fromFileUrl(p, env), env), env);
  if (split.root !== null) return { root: split.root, parts: split.parts };
  const cwd = parseAbsolute(env.cwd, env);
  return { root: cwd.root, parts: [...cwd.parts, ...split.parts] };
}

function format(parsed: Parsed, env: PathEnv): string {
  if (env.sep === '/') return `/${parsed.parts.join('/')}`;
  return `${parsed.root}\\${parsed.parts.join('\\')}`;
}

function realResolve(parsed: Parsed, env: PathEnv): Parsed {
  const realpath = env.realpath;
  if (!realpath) return parsed;
  for (let keep = parsed.parts.length; keep >= 0; keep--) {
    const real = realpath(format({ root: parsed.root, parts: parsed.parts.slice(0, keep) }, env));
    if (real !== null) {
      const base = parseAbsolute(real, env);
      return { root: base.root, parts: [...base.parts, ...parsed.parts.slice(keep)] };
    }
  }
  return parsed;
}

function lexical(p: string, env: PathEnv): Parsed {
  const raw = absoluteRaw(p, env);
  return { root: raw.root, parts: resolveDots(raw.parts) };
}

/**
 * Absolute, normalised form of `p`: `file://` URLs decoded, `~` expanded, separators unified,
 * `.` and `..` resolved, then symlinks resolved where the path (or a prefix of it) exists.
 */
export function normalizePath(p: string, env: PathEnv): string {
  return format(realResolve(lexical(p, env), env), env);
}

// `..` after a symlink climbs out of the link's target when the OS opens the path, while a
// lexical resolver climbs out of the link itself; a path must be under on both readings.
function physical(p: string, env: PathEnv): Parsed {
  const raw = absoluteRaw(p, env);
  let current: Parsed = { root: raw.root, parts: [] };
  for (const part of raw.parts) {
    if (part === '..') {
      current = realResolve(current, env);
      current = { root: current.root, parts: current.parts.slice(0, -1) };
    } else {
      current = { root: current.root, parts: [...current.parts, part] };
    }
  }
  return realResolve(current, env);
}

function keyParts(parsed: Parsed, env: PathEnv): string[] {
  const all = [parsed.root, ...parsed.parts];
  return env.caseInsensitive ? all.map((s) => s.normalize('NFC').toLowerCase()) : all;
}

function startsWithParts(child: string[], parent: string[]): boolean {
  return parent.length <= child.length && parent.every((part, i) => child[i] === part);
}

/** Is `child` the directory `parent` or inside it, compared by component after normalising? */
export function isPathUnder(child: string, parent: string, env: PathEnv): boolean {
  const parentKey = keyParts(realResolve(lexical(parent, env), env), env);
  const candidates = [realResolve(lexical(child, env), env)];
  if (env.realpath && absoluteRaw(child, env).parts.includes('..'))
    candidates.push(physical(child, env));
  return candidates.every((candidate) => startsWithParts(keyParts(candidate, env), parentKey));
}

/** The components of a normalised path (root first), lower-cased on case-insensitive systems. */
export function pathKeyParts(p: string, env: PathEnv): string[] {
  return keyParts(realResolve(lexical(p, env), env), env);
}

/**
 * Why a path argument cannot be judged by a path condition, or null when it can. A rule speaks
 * of places the user named; a path whose meaning depends on something the gate cannot see (the
 * server's working directory, another user's home, the current drive, a network share, a device
 * namespace, an NTFS stream) must never satisfy it, so the call asks instead.
 */
export function unjudgeablePathReason(p: string, env: PathEnv): string | null {
  if (p.includes('\0')) return 'it contains a NUL character';
  let s = p;
  if (/^file:/i.test(s)) {
    const url = /^file:\/\/([^/]*)\//i.exec(s);
    if (!url) return 'it is a file: URL without an absolute path';
    if (url[1] !== '' && url[1]?.toLowerCase() !== 'localhost')
      return 'it is a file: URL on another host';
    s = fromFileUrl(s, env);
  }
  if (s.startsWith('~')) {
    const own = s === '~' || s.startsWith('~/') || (env.sep === '\\' && s.startsWith('~\\'));
    if (!own) return "it names another user's home (~user)";
    s = env.home + s.slice(1);
  }
  if (/^[\\/]{2}[?.][\\/]/.test(s)) return 'it is a \\\\?\\ or \\\\.\\ device path';
  if (/^[\\/]{2}/.test(s)) return 'it is a network (UNC) path';
  const drive = /^[A-Za-z]:(.*)$/s.exec(s);
  if (drive && !/^[\\/]/.test(drive[1] ?? ''))
    return "it is relative to a drive's current directory (C:foo)";
  if ((drive ? s.slice(2) : s).includes(':'))
    return 'it names an alternate data stream (name:stream)';
  if (env.sep === '\\') return drive ? null : 'it is not absolute (no drive letter)';
  return s.startsWith('/') ? null : "it is relative, so it depends on the server's directory";
}

/**
 * The components of a relative path as written (lower-cased on case-insensitive systems), with
 * an empty root: nothing is resolved against any working directory (the gate's is not the
 * server's). `..` that climbs above the start is kept, so `../.ssh/id_rsa` still reads as SSH
 * keys wherever it lands.
 */
export function relativeKeyParts(p: string, env: PathEnv): string[] {
  const parts: string[] = [];
  for (const part of splitRoot(p, env).parts) {
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(part);
  }
  const all = ['', ...parts];
  return env.caseInsensitive ? all.map((s) => s.normalize('NFC').toLowerCase()) : all;
}

/** Whether `p` names an absolute location (`~` and `file://` count). */
export function isAbsolutePath(p: string, env: PathEnv): boolean {
  return splitRoot(expandHome(fromFileUrl(p, env), env), env).root !== null;
}

/** A path for a reason text: normalised, with the home directory shown as `~`. */
export function displayPath(p: string, env: PathEnv): string {
  const normalized = normalizePath(p, env);
  const home = normalizePath(env.home, env);
  if (isPathUnder(normalized, home, { ...env, realpath: undefined }) && home.length > 1) {
    const rest = normalized.slice(home.length);
    return rest === '' ? '~' : `~${rest}`;
  }
  return normalized;
}
