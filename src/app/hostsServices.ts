// The Hosts view: what each MCP host launches, guarding and unguarding its servers (the same
// plans `airlock hosts install/uninstall/secure` run), and what the host watcher noticed.
import { join } from 'node:path';
import type { HostEvent, HostReport } from '../contract/ipc';
import type { GateApi } from '../gate/service';
import {
  applyPlan,
  planInstall,
  planUninstall,
  scanHosts,
  HOST_LABELS,
  type HostId,
  type HostsContext,
  type Platform,
  type ScanEvent,
  type Selection,
} from '../hosts';
import { HostWatcher } from '../hosts/watcher';
import { openKeychain, type SecretStore } from '../hosts/keychain';
import { applySecure, planSecure, planUnsecure } from '../hosts/secure';
import type { AppListeners } from './appEvents';
import { hostReportsOf, registryToolFacts } from './hostReports';
import type { AppServices } from './services';

export interface HostsOptions {
  /**
   * How a guarded host entry starts the shim: a Node runtime and the CLI script. null: no Node
   * runtime was found, so guarding from the app is refused with a clear error (scanning still
   * works).
   */
  shimLauncher?: { node: string; cli: string } | null;
  dataDirIsDefault?: boolean;
  /** Where host configs are looked for (HOME, APPDATA…); a temporary HOME in tests. */
  env?: NodeJS.ProcessEnv;
  platform?: Platform;
  /** Project folders whose configs are scanned and watched too. */
  projects?: string[];
  /**
   * Watch the host configs and report new unguarded servers and removed wraps as
   * `hosts-changed` events. Off unless asked (the Electron app asks).
   */
  watchHosts?: boolean | { debounceMs?: number; pollMs?: number };
  /** The OS keychain for Move secrets to keychain; the real one unless a test passes its own. */
  keychain?: () => Promise<SecretStore>;
}

/** Watcher events kept for a window opened after they happened. */
const MAX_HOST_EVENTS = 50;

type HostsPart = Pick<
  AppServices,
  | 'scanHosts'
  | 'guardHost'
  | 'unguardHost'
  | 'guardServer'
  | 'unguardServer'
  | 'secureServer'
  | 'listHostEvents'
  | 'dismissHostEvents'
> & {
  /** Stops the host watcher. */
  close(): void;
};

export function hostsServices(
  gate: GateApi,
  opts: HostsOptions,
  listeners: AppListeners,
): HostsPart {
  const env = opts.env ?? process.env;
  const platform: Platform =
    opts.platform ??
    (process.platform === 'darwin' || process.platform === 'win32' ? process.platform : 'linux');
  const projects = opts.projects ?? [];

  const launcher = (): { node: string; cli: string } => {
    if (opts.shimLauncher === null) {
      throw new Error(
        'No Node.js runtime found on PATH to run the shim: install Node.js or set AIRLOCK_NODE.',
      );
    }
    return (
      opts.shimLauncher ?? { node: process.execPath, cli: join(__dirname, '../cli/airlock.js') }
    );
  };

  /** Uninstalling needs no launcher: the original command comes back from the entry itself. */
  const hostsContext = (installing = true): HostsContext => ({
    env,
    platform,
    dataDir: gate.dataDir,
    dataDirIsDefault: opts.dataDirIsDefault ?? false,
    shimLauncher: installing ? launcher() : (opts.shimLauncher ?? { node: '', cli: '' }),
    // Single consent lists a server's tools where a host wants names (Cline, Roo Code, Kiro).
    toolNames: (h, server) => registryToolFacts(gate.record)(h, server)?.tools,
  });

  const hostReports = (): HostReport[] => {
    const toolFacts = registryToolFacts(gate.record);
    return hostReportsOf(scanHosts({ env, platform, projects, toolFacts }));
  };

  let hostEvents: HostEvent[] = [];
  let nextHostEventId = 1;
  const onScanEvents = (events: ScanEvent[]): void => {
    const now = Date.now();
    const fresh = events.map((e): HostEvent => ({
      id: nextHostEventId++,
      at: now,
      kind: e.kind,
      host: e.host,
      server: e.server,
      configPath: e.configPath,
      project: e.project ?? null,
      message: e.message,
    }));
    // A newer notice about the same entry replaces the older one.
    const key = (e: HostEvent): string =>
      JSON.stringify([e.host, e.configPath, e.project, e.server]);
    const replaced = new Set(fresh.map(key));
    hostEvents = [...hostEvents.filter((e) => !replaced.has(key(e))), ...fresh].slice(
      -MAX_HOST_EVENTS,
    );
    listeners.tell({ type: 'hosts-changed', events: fresh });
  };
  const watcher = opts.watchHosts
    ? new HostWatcher({
        env,
        platform,
        projects,
        onEvents: onScanEvents,
        ...(typeof opts.watchHosts === 'object' ? opts.watchHosts : {}),
      })
    : null;
  watcher?.start();

  /** Events about entries that are guarded now are settled: drop them. */
  const openHostEvents = (): HostEvent[] => {
    if (hostEvents.length === 0) return [];
    const guarded = new Set(
      hostReports().flatMap((r) =>
        r.servers
          .filter((s) => s.guarded)
          .map((s) => JSON.stringify([r.host, s.configPath, s.project, s.name])),
      ),
    );
    hostEvents = hostEvents.filter(
      (e) => !guarded.has(JSON.stringify([e.host, e.configPath, e.project, e.server])),
    );
    return hostEvents;
  };

  const changeHosts = (
    host: string,
    how: 'install' | 'uninstall',
    selection: Omit<Selection, 'host'>,
  ): HostReport => {
    if (!(host in HOST_LABELS)) throw new Error(`unknown host "${host}"`);
    const ctx = hostsContext(how === 'install');
    const plan = (how === 'install' ? planInstall : planUninstall)(ctx, {
      host: host as HostId,
      ...selection,
    });
    if (plan.notFound.length > 0)
      throw new Error(
        `no server ${plan.notFound.map((n) => `"${n}"`).join(', ')} in ${HOST_LABELS[host as HostId]}`,
      );
    // A file that cannot be parsed is refused untouched; say which and why.
    const errors = [...plan.errors, ...applyPlan(ctx, plan).errors];
    // Our own edit is no news: the watcher starts again from the file as we left it.
    watcher?.resync();
    if (errors.length) throw new Error(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
    gate.serversChanged();
    const report = hostReports().find((r) => r.host === host);
    if (!report) throw new Error(`host "${host}" not found after the change`);
    return report;
  };

  const serverSelection = (req: { server: string; project?: string }): Omit<Selection, 'host'> => ({
    servers: [req.server],
    ...(req.project !== undefined ? { projects: [req.project] } : {}),
  });

  /** `airlock hosts secure [--undo]` for one server entry, with the OS keychain. */
  const secureHost = async (req: {
    host: string;
    server: string;
    project?: string;
    undo?: boolean;
  }): Promise<HostReport> => {
    if (!(req.host in HOST_LABELS)) throw new Error(`unknown host "${req.host}"`);
    const ctx = hostsContext(false);
    const sel = { host: req.host as HostId, ...serverSelection(req) };
    const keychain = await (opts.keychain ?? openKeychain)();
    const plan = req.undo ? await planUnsecure(ctx, sel, keychain) : planSecure(ctx, sel);
    if (plan.notFound.length > 0)
      throw new Error(`no server "${req.server}" in ${HOST_LABELS[req.host as HostId]}`);
    const skipped = plan.servers.find((s) => s.action === 'skipped');
    if (skipped) throw new Error(`${skipped.server}: ${skipped.detail}`);
    const errors = [...plan.errors, ...(await applySecure(ctx, plan, keychain)).errors];
    watcher?.resync();
    if (errors.length) throw new Error(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
    const report = hostReports().find((r) => r.host === req.host);
    if (!report) throw new Error(`host "${req.host}" not found after the change`);
    return report;
  };

  return {
    scanHosts: hostReports,
    guardHost: ({ host, singleConsent }) =>
      changeHosts(host, 'install', {
        servers: 'all',
        ...(singleConsent !== undefined ? { singleConsent } : {}),
      }),
    unguardHost: ({ host }) => changeHosts(host, 'uninstall', { servers: 'all' }),
    guardServer: (req) => changeHosts(req.host, 'install', serverSelection(req)),
    unguardServer: (req) => changeHosts(req.host, 'uninstall', serverSelection(req)),
    secureServer: (req) => secureHost(req),
    listHostEvents: openHostEvents,
    dismissHostEvents({ ids }) {
      const drop = ids ? new Set(ids) : null;
      hostEvents = drop ? hostEvents.filter((e) => !drop.has(e.id)) : [];
      return openHostEvents();
    },
    close() {
      watcher?.stop();
    },
  };
}
