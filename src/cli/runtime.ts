// Which runtime the CLI is running under, for what it writes into host configs and for the
// children it starts. The packaged app runs the CLI with its own Electron binary as Node
// (resources/bin/airlock-node sets ELECTRON_RUN_AS_NODE=1 and AIRLOCK_RUNTIME): a host config
// must name that helper, because the bare binary without the variable starts the desktop app.

/** The command a host should run to get this very runtime. */
export function shimRuntime(
  execPath: string,
  env: NodeJS.ProcessEnv,
  versions: NodeJS.ProcessVersions,
): string {
  if (versions.electron && env.ELECTRON_RUN_AS_NODE && env.AIRLOCK_RUNTIME)
    return env.AIRLOCK_RUNTIME;
  return execPath;
}

/**
 * The variables that made Electron act as Node are for this process only: an MCP server the
 * shim starts (possibly an Electron app itself) must not inherit them.
 */
export function forgetRuntimeVariables(env: NodeJS.ProcessEnv): void {
  delete env.ELECTRON_RUN_AS_NODE;
}

let decided: string | null = null;

/** At startup, before anything else reads the environment: decide, then forget the variables. */
export function settleRuntime(): void {
  decided = shimRuntime(process.execPath, process.env, process.versions);
  forgetRuntimeVariables(process.env);
}

/** What `hosts install` writes as the command: this runtime, as a host can start it. */
export function hostRuntime(): string {
  return decided ?? process.execPath;
}
