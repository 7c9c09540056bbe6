// AppServices over the real gate service: what the desktop UI (and the e2e harness) calls.
// Plain TypeScript over the core, so main/ only binds it to ipcMain. Each area lives in its
// own module; this composes them over one gate and one set of listeners.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GateApi } from '../gate/service';
import { AppListeners, subscribe } from './appEvents';
import { callsServices } from './callsServices';
import { historyServices } from './historyServices';
import { hostsServices, type HostsOptions } from './hostsServices';
import { rulesServices } from './rulesServices';
import { serversServices } from './serversServices';
import type { AppServices } from './services';
import { settingsServices } from './settingsServices';

export interface AppServicesOptions extends HostsOptions {
  /** The app's version (Electron's app.getVersion()); else read from package.json. */
  version?: string;
}

/** The version in the package.json beside the build (out/main → the package root). */
function packageVersion(): string {
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, rel), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === 'airlock' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not there: try the next place
    }
  }
  return 'unknown';
}

export function createAppServices(gate: GateApi, opts: AppServicesOptions = {}): AppServices {
  const listeners = new AppListeners();
  const settings = settingsServices(gate);
  const hosts = hostsServices(gate, opts, listeners);
  return {
    ...callsServices(gate, listeners),
    ...historyServices(() => gate.record),
    ...rulesServices(gate),
    ...serversServices(gate),
    ...settings,
    ...hosts,

    appInfo() {
      return {
        version: opts.version ?? packageVersion(),
        dataDir: gate.dataDir,
        socketPath: gate.socketPath,
        sessions: gate.sessions().length,
        pending: gate.pending().length,
      };
    },

    subscribe: (listener) => subscribe(gate, settings.getSettings, listeners, listener),

    close() {
      hosts.close();
      listeners.clear();
    },
  };
}
