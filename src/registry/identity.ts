import type { ServerIdentity } from '../contract/types';

/** Stable key for a server identity: any change to a field gives a different key. */
export function serverKey(identity: ServerIdentity): string {
  return JSON.stringify([
    identity.host,
    identity.name,
    identity.command,
    identity.args,
    identity.packageVersion ?? null,
  ]);
}

export interface PackageSpec {
  name: string;
  /** The version, range or tag as written; null when the command names none (it floats). */
  version: string | null;
  ecosystem: 'npm' | 'pypi';
}

function baseCommand(command: string): string {
  const base = command.split(/[\\/]/).pop() ?? command;
  return base.replace(/\.(cmd|exe|bat|ps1)$/i, '').toLowerCase();
}

/** `@scope/pkg@1.2.3` → {name, version}; URLs, git and file specs keep the whole spec as name. */
export function parseNpmSpec(spec: string): { name: string; version: string | null } {
  if (/^(https?:|git\+|git:|github:|file:|\.{0,2}\/)/.test(spec))
    return { name: spec, version: null };
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  if (at < 0) return { name: spec, version: null };
  return { name: spec.slice(0, at), version: spec.slice(at + 1) || null };
}

/** `pkg==1.0`, `pkg@1.0`, `pkg[extra]>=1` → {name, version}. */
export function parsePythonSpec(spec: string): { name: string; version: string | null } {
  const match =
    /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(?:(==|@)\s*(\S+)|((?:[<>!~]=?|===?)\s*\S.*))?$/.exec(
      spec,
    );
  if (!match) return { name: spec, version: null };
  return { name: match[1] as string, version: match[4] ?? match[5]?.trim() ?? null };
}

interface Runner {
  ecosystem: 'npm' | 'pypi';
  /** Options that take a value (as the next argument, or `--opt=value`). */
  valued: Set<string>;
  /** Options whose value names the package, overriding the first positional. */
  packageOptions: Set<string>;
}

const NPX: Runner = {
  ecosystem: 'npm',
  valued: new Set([
    '-p',
    '--package',
    '-c',
    '--call',
    '--registry',
    '--cache',
    '--userconfig',
    '-w',
    '--workspace',
  ]),
  packageOptions: new Set(['-p', '--package']),
};
const BUNX: Runner = {
  ecosystem: 'npm',
  valued: new Set(['-p', '--package']),
  packageOptions: new Set(['-p', '--package']),
};
const DLX: Runner = {
  ecosystem: 'npm',
  valued: new Set(['--package', '-c', '--shell-mode', '--registry', '--dir', '-C']),
  packageOptions: new Set(['--package']),
};
const UVX: Runner = {
  ecosystem: 'pypi',
  valued: new Set([
    '--from',
    '--with',
    '--with-editable',
    '--with-requirements',
    '--python',
    '-p',
    '--index',
    '--index-url',
    '--extra-index-url',
    '--default-index',
    '--directory',
    '--project',
    '--config-file',
    '--cache-dir',
  ]),
  packageOptions: new Set(['--from']),
};

function specFromRunner(args: string[], runner: Runner): PackageSpec | null {
  let fromOption: string | null = null;
  let positional: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      positional = args[i + 1] ?? null;
      break;
    }
    if (arg.startsWith('-')) {
      const eq = arg.indexOf('=');
      const option = eq > 0 ? arg.slice(0, eq) : arg;
      let value: string | undefined;
      if (eq > 0) value = arg.slice(eq + 1);
      else if (runner.valued.has(option)) value = args[++i];
      if (value !== undefined && runner.packageOptions.has(option) && fromOption === null)
        fromOption = value;
      continue;
    }
    positional = arg;
    break;
  }
  const spec = fromOption ?? positional;
  if (!spec) return null;
  const parsed = runner.ecosystem === 'npm' ? parseNpmSpec(spec) : parsePythonSpec(spec);
  return { ...parsed, ecosystem: runner.ecosystem };
}

function specFromNodeModules(args: string[]): PackageSpec | null {
  for (const arg of args) {
    if (arg.startsWith('-')) continue;
    const parts = arg.split(/[\\/]/);
    const at = parts.lastIndexOf('node_modules');
    if (at < 0) continue;
    const first = parts[at + 1];
    if (!first) return null;
    const name = first.startsWith('@') && parts[at + 2] ? `${first}/${parts[at + 2]}` : first;
    return { name, version: null, ecosystem: 'npm' };
  }
  return null;
}

/**
 * The package a server command runs, for npx / bunx / pnpm dlx / yarn dlx / uvx / uv tool run
 * forms and `node …/node_modules/<pkg>/…`; null when the command names no package.
 */
export function packageSpecFromCommand(command: string, args: string[]): PackageSpec | null {
  const base = baseCommand(command);
  // Windows configs often wrap the real command: `cmd /c npx -y pkg`.
  if (base === 'cmd' && /^\/[ck]$/i.test(args[0] ?? '') && args[1]) {
    return packageSpecFromCommand(args[1], args.slice(2));
  }
  switch (base) {
    case 'npx':
    case 'pnpx':
      return specFromRunner(args, NPX);
    case 'bunx':
      return specFromRunner(args, BUNX);
    case 'bun':
      return args[0] === 'x' ? specFromRunner(args.slice(1), BUNX) : null;
    case 'pnpm':
    case 'yarn': {
      const dlx = args.indexOf('dlx');
      return dlx >= 0 ? specFromRunner(args.slice(dlx + 1), DLX) : null;
    }
    case 'npm':
      return args[0] === 'exec' || args[0] === 'x' ? specFromRunner(args.slice(1), NPX) : null;
    case 'uvx':
      return specFromRunner(args, UVX);
    case 'uv':
      return args[0] === 'tool' && args[1] === 'run' ? specFromRunner(args.slice(2), UVX) : null;
    case 'node':
    case 'nodejs':
      return specFromNodeModules(args);
    default:
      return null;
  }
}
