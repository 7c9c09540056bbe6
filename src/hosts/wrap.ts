// The shape of a guarded entry, and how to recognise one written by any Airlock install (another
// Node path, another checkout, the packaged app), so re-installing re-wraps the original instead
// of wrapping the shim in itself.
import type { HostId, ShimLauncher } from './types';

export interface WrapOptions {
  server: string;
  host: HostId;
  launcher: ShimLauncher;
  dataDir: string;
}

export interface Unwrapped {
  command: string;
  args: string[];
  node: string;
  cli: string;
  server?: string;
  host?: string;
  dataDir?: string;
}

export function wrapLaunch(
  original: { command: string; args: string[] },
  o: WrapOptions,
): { command: string; args: string[] } {
  return {
    command: o.launcher.node,
    args: [
      o.launcher.cli,
      'shim',
      '--server',
      o.server,
      '--host',
      o.host,
      // Always named, even when it is the default: a host may start servers with a handful of
      // environment variables (Codex passes no XDG_CONFIG_HOME), and a shim that resolved another
      // data directory would deny every call against a gate nobody runs.
      '--data-dir',
      o.dataDir,
      '--',
      original.command,
      ...original.args,
    ],
  };
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return (parts[parts.length - 1] ?? '').toLowerCase();
}

function looksLikeAirlockCli(p: string): boolean {
  return /^airlock(\.(c|m)?js|\.exe)?$/.test(baseName(p));
}

/** Returns the original launch when command/args run the Airlock shim, else undefined. */
export function unwrapLaunch(command: string, args: readonly string[]): Unwrapped | undefined {
  // The cli is either the first arg (node airlock.js shim …) or the command itself (airlock shim …).
  let shimAt: number;
  let cli: string;
  if (args[0] !== undefined && looksLikeAirlockCli(args[0]) && args[1] === 'shim') {
    shimAt = 1;
    cli = args[0];
  } else if (looksLikeAirlockCli(command) && args[0] === 'shim') {
    shimAt = 0;
    cli = command;
  } else {
    return undefined;
  }
  const sep = args.indexOf('--', shimAt + 1);
  if (sep < 0) return undefined;
  const rest = args.slice(sep + 1);
  const origCommand = rest[0];
  if (origCommand === undefined) return undefined;
  const opts = args.slice(shimAt + 1, sep);
  const opt = (name: string): string | undefined => {
    const i = opts.indexOf(name);
    if (i >= 0) return opts[i + 1];
    const inline = opts.find((a) => a.startsWith(`${name}=`));
    return inline?.slice(name.length + 1);
  };
  return {
    command: origCommand,
    args: rest.slice(1),
    node: shimAt === 1 ? command : '',
    cli,
    server: opt('--server'),
    host: opt('--host'),
    dataDir: opt('--data-dir'),
  };
}
