// Which runtime the CLI is running under, for what it writes into host configs and for the
// children it starts. The packaged app runs the CLI with its own Electron binary as Node
// (resources/bin/airlock-node sets ELECTRON_RUN_AS_NODE=1 and AIRLOCK_RUNTIME): a host config
// must name that helper, because the bare binary without the variable starts the desktop app.
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The command a host should run to get this very runtime. The helper is believed only when it
 * sits where the packaged app puts it relative to this CLI script (resources/bin beside
 * resources/app.asar.unpacked/out/cli/airlock.js), so a stray variable cannot redirect hosts.
 */
export function shimRuntime(
  execPath: string,
  env: NodeJS.ProcessEnv,
  cliScript: string,
  realpath: (p: string) => string = realpathSync,
): string {
  const helper = env.AIRLOCK_RUNTIME;
  if (!env.ELECTRON_RUN_AS_NODE || !helper) return execPath;
  try {
    const expected = join(
      dirname(dirname(realpath(helper))),
      'app.asar.unpacked',
      'out',
      'cli',
      'airlock.js',
    );
    return realpath(cliScript) === expected ? helper : execPath;
  } catch {
    return execPath;
  }
}

/**
 * The variables that made Electron act as Node are for this process only: an MCP server the
 * shim starts (possibly an Electron app itself) must not inherit them.
 */
export function forgetRuntimeVariables(env: NodeJS.ProcessEnv): void {
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.AIRLOCK_RUNTIME;
}

let decided: string | null = null;

/** At startup, before anything else reads the environment: decide, then forget the variables. */
export function settleRuntime(): void {
  decided = shimRuntime(process.execPath, process.env, process.argv[1] ?? '');
  forgetRuntimeVariables(process.env);
}

/** What `hosts install` writes as the command: this runtime, as a host can start it. */
export function hostRuntime(): string {
  return decided ?? process.execPath;
}
