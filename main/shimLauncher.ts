// What a guarded host entry runs: a Node runtime and the shim's script, by absolute path.
// Inside the app, `process.execPath` is Electron, which would start the app, not the shim;
// and a packaged app keeps its code in an asar archive that a plain Node cannot read. So:
// a Node found on PATH (hosts that run npx servers have one), and the unpacked CLI script.
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

/** null when no Node runtime is found: guarding from the app then says so. */
export function shimLauncherFor(f: LauncherFacts): { node: string; cli: string } | null {
  const node = f.env.AIRLOCK_NODE || findNodeOnPath(f.env, f.platform, f.exists);
  if (!node) return null;
  const cli = f.packaged
    ? join(f.resourcesPath, 'app.asar.unpacked', 'out', 'cli', 'airlock.js')
    : join(f.appRoot, 'out', 'cli', 'airlock.js');
  return { node, cli };
}
