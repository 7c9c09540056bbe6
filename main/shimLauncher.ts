// What a guarded host entry runs: a Node runtime and the shim's script, by absolute path.
// - Packaged app: the app's own binary, run as Node through `resources/bin/airlock-node`
//   (ELECTRON_RUN_AS_NODE), and the CLI unpacked from the asar. Nothing else needs to be
//   installed: a Finder-launched macOS app has almost no PATH, and many users have no Node.
// - From a checkout (`npm start`): the first `node` on PATH (or $AIRLOCK_NODE) and out/cli.
//   `process.execPath` is Electron there, which would start the app, not the shim.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface LauncherFacts {
  packaged: boolean;
  /** Electron's process.resourcesPath (the packaged app's resources folder). */
  resourcesPath: string;
  /** The folder of the built app (`out/` parent) when running from a checkout. */
  appRoot: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  exists?: (path: string) => boolean;
}

export function findNodeOnPath(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  exists: (path: string) => boolean = existsSync,
): string | null {
  const names = platform === 'win32' ? ['node.exe'] : ['node'];
  for (const dir of (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = join(dir, name);
      if (exists(candidate)) return candidate;
    }
  }
  return null;
}

/** The packaged app's command-line helpers (see assets/bin/). */
export function bundledCommands(resourcesPath: string, platform: NodeJS.Platform) {
  const ext = platform === 'win32' ? '.cmd' : '';
  const bin = join(resourcesPath, 'bin');
  return {
    /** The app's binary as Node: `airlock-node script.js args…`. */
    node: join(bin, `airlock-node${ext}`),
    /** The `airlock` command, for the user's PATH. */
    airlock: join(bin, `airlock${ext}`),
    cli: join(resourcesPath, 'app.asar.unpacked', 'out', 'cli', 'airlock.js'),
  };
}

/** null when no runtime is found: guarding from the app then says so. */
export function shimLauncherFor(f: LauncherFacts): { node: string; cli: string } | null {
  const exists = f.exists ?? existsSync;
  if (f.packaged) {
    const bundled = bundledCommands(f.resourcesPath, f.platform);
    return exists(bundled.node) && exists(bundled.cli)
      ? { node: bundled.node, cli: bundled.cli }
      : null;
  }
  const node = f.env.AIRLOCK_NODE || findNodeOnPath(f.env, f.platform, exists);
  if (!node) return null;
  return { node, cli: join(f.appRoot, 'out', 'cli', 'airlock.js') };
}
