// The core inside the Electron main process: the same gate service as `airlock gate`, and the
// AppServices the UI talks to.
import type { AppServices } from '../src/app/services';
import type { Mode } from '../src/contract/types';
import { startGateService } from '../src/gate/service';
import { createAppServices } from '../src/app/createServices';
import { shimLauncherFor } from './shimLauncher';

export interface Core {
  services: AppServices;
  close(): Promise<void>;
}

/**
 * `npm start` builds better-sqlite3 for Electron beside Node's own build and names it in
 * AIRLOCK_SQLITE_BINDING. A packaged app has its own in the package and ignores the variable:
 * a native module named by the environment is code injection, which the fuses close for
 * NODE_OPTIONS too.
 */
export function sqliteBinding(packaged: boolean, env: NodeJS.ProcessEnv): string | undefined {
  return packaged ? undefined : env.AIRLOCK_SQLITE_BINDING || undefined;
}

export async function startCore(
  dataDir: string,
  app: { packaged: boolean; resourcesPath: string; appRoot: string },
  mode?: Mode,
): Promise<Core> {
  const nativeBinding = sqliteBinding(app.packaged, process.env);
  const gate = await startGateService({ dataDir, nativeBinding, ...(mode ? { mode } : {}) });
  const shimLauncher = shimLauncherFor({ ...app, env: process.env, platform: process.platform });
  // The app watches host configs so a server added behind its back is announced at once.
  const services = createAppServices(gate, { watchHosts: true, shimLauncher });
  return {
    services,
    close: async () => {
      services.close();
      await gate.close();
    },
  };
}
