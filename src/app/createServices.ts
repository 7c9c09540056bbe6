// AppServices over the real gate service: what the desktop UI (and the e2e harness) calls.
// Plain TypeScript over the core, so main/ only binds it to ipcMain.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { callDetails } from './callDetails';
import { notRecordedMessage } from '../contract/decideOutcome';
import type {
  AppEvent,
  DecideRequest,
  DecideResult,
  HistoryFilter,
  HostEvent,
  HostReport,
  RuleDraft,
  ServerView,
  Settings,
  ToolView,
} from '../contract/ipc';
import type { HistoryRow, RiskAssessment, Rule, ToolRecord } from '../contract/types';
import type { GateService, GateSettings } from '../gate/service';
import { replayRule } from '../gate/ruleReplay';
import { toolStateOf } from '../gate/evaluate';
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
import { hostReportsOf, registryToolFacts } from './hostReports';
import { assessRisk, maxLevel } from '../policy/risk';
import { validateRule } from '../policy/rules';
import { canonicalJson } from '../contract/canonicalJson';
import type { ServerRow } from '../store/types';
import type { AppServices } from './services';

export interface AppServicesOptions {
  /** How a guarded host entry starts the shim: a Node runtime and the CLI script. */
  /**
   * How a guarded host entry starts the shim. null: no Node runtime was found, so guarding
   * from the app is refused with a clear error (scanning still works).
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

/** Watcher events kept for a window opened after they happened. */
const MAX_HOST_EVENTS = 50;

/** App-only settings, kept beside the gate's in the store. */
const APP_DEFAULTS = { startAtLogin: false, sound: true, theme: 'system' as Settings['theme'] };

export function createAppServices(gate: GateService, opts: AppServicesOptions = {}): AppServices {
  const store = gate.store;

  const settings = (): Settings => {
    const g = gate.settings();
    return {
      mode: g.mode,
      paused: g.paused,
      timeoutSeconds: g.timeoutSeconds,
      retentionDays: g.retentionDays ?? 0,
      resultExcerptChars: g.resultExcerptChars,
      startAtLogin: store.settings.get('startAtLogin', APP_DEFAULTS.startAtLogin),
      sound: store.settings.get('sound', APP_DEFAULTS.sound),
      theme: store.settings.get('theme', APP_DEFAULTS.theme),
    };
  };

  const checkedRule = (draft: RuleDraft, origin: string): Omit<Rule, 'id' | 'createdAt'> => {
    const result = validateRule({ ...draft, origin });
    if (!result.ok) throw new Error(result.error);
    return result.rule;
  };

  const toolView = (record: ToolRecord): ToolView => ({
    ...record,
    reviewResults: gate.reviewModeOf(record.serverId, record.name),
    // The tool's standing risk: what any call of it starts from.
    risk: assessRisk({ tool: record.name, arguments: {} }, toolStateOf(record), {
      roots: [],
      env: gate.env,
      readSensitiveEarlier: false,
      knownDomains: [],
    }),
  });

  const serverView = (server: ServerRow): ServerView => {
    const tools = store.tools.listForServer(server.id).map(toolView);
    const worst = maxLevel(tools.map((t) => t.risk.level));
    const grade: RiskAssessment = {
      level: worst,
      reasons: tools
        .filter((t) => t.risk.level === worst)
        .flatMap((t) => t.risk.reasons.filter((r) => r.level === worst)),
    };
    return {
      id: server.id,
      identity: server.identity,
      firstSeen: server.firstSeen,
      lastSeen: server.lastSeen,
      grade,
      tools,
      identityChanges: server.identityChanges,
    };
  };

  const env = opts.env ?? process.env;
  const platform: Platform =
    opts.platform ??
    (process.platform === 'darwin' || process.platform === 'win32' ? process.platform : 'linux');
  const projects = opts.projects ?? [];

  /** Uninstalling needs no launcher: the original command comes back from the entry itself. */
  const hostsContext = (installing = true): HostsContext => ({
    env,
    platform,
    dataDir: gate.dataDir,
    dataDirIsDefault: opts.dataDirIsDefault ?? false,
    shimLauncher: installing ? launcher() : (opts.shimLauncher ?? { node: '', cli: '' }),
    // Single consent lists a server's tools where a host wants names (Cline, Roo Code, Kiro).
    toolNames: (h, server) => registryToolFacts(store)(h, server)?.tools,
  });

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

  const hostReports = (): HostReport[] => {
    const toolFacts = registryToolFacts(store);
    return hostReportsOf(scanHosts({ env, platform, projects, toolFacts }));
  };

  const hostListeners = new Set<(event: AppEvent) => void>();
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
    for (const l of hostListeners) l({ type: 'hosts-changed', events: fresh });
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
  const serverSelection = (req: { server: string; project?: string }): Omit<Selection, 'host'> => ({
    servers: [req.server],
    ...(req.project !== undefined ? { projects: [req.project] } : {}),
  });

  return {
    listPending: () => gate.pending(),

    decide(req: DecideRequest): DecideResult {
      const waiting = new Set(gate.pending().map((c) => c.id));
      const live = req.ids.filter((id) => waiting.has(id));
      const notPending = req.ids.filter((id) => !waiting.has(id));
      let ruleId: number | null = null;
      const saveRule = (rule: RuleDraft, id: number): void => {
        ruleId = store.rules.add(checkedRule(rule, `decision:${id}`), Date.now()).id;
        gate.rulesChanged();
      };
      if (req.verdict === 'approve' && req.rule && live.length && req.args === undefined) {
        // The rule is saved first, so it is in force for the next call however quickly it comes.
        saveRule(req.rule, live[0]!);
      }
      const decided: number[] = [];
      const notRecorded: DecideResult['notRecorded'] = [];
      const argsRejected: DecideResult['argsRejected'] = [];
      for (const id of live) {
        let ok: boolean;
        if (req.verdict === 'approve' && req.args !== undefined) {
          // Edited, then approved: checked against the tool's pinned schema by the gate; a
          // refused edit decides nothing and the call keeps waiting.
          const edited = gate.approveEdited(id, req.args);
          if (edited.kind === 'rejected') {
            argsRejected.push({ id, error: edited.error });
            continue;
          }
          ok = edited.kind === 'decided';
        } else
          ok =
            req.verdict === 'approve'
              ? gate.decide(id, 'allow')
              : gate.decide(id, 'deny', req.message ?? null);
        if (!ok) {
          notPending.push(id);
          continue;
        }
        // An approval that could not be written was turned into a denial: never report it as
        // decided the person's way.
        const cause = gate.takeRecordFailure(id);
        if (cause === null) decided.push(id);
        else notRecorded.push({ id, cause });
      }
      // With an edit, the rule waits until the edit is accepted (a refused edit saves nothing).
      if (req.verdict === 'approve' && req.rule && req.args !== undefined && decided.length)
        saveRule(req.rule, decided[0]!);
      const text = notRecordedMessage(req.verdict, { notRecorded });
      if (text) {
        for (const l of hostListeners)
          l({ type: 'decision-not-recorded', calls: notRecorded, text });
      }
      return { decided, notPending, notRecorded, ruleId, argsRejected };
    },

    holdPending({ ids, holding }) {
      gate.setHolding(ids, holding);
      return gate.pending();
    },

    describeCall({ id }) {
      const call = gate.pending().find((p) => p.id === id);
      if (!call) return null;
      const record = call.serverId === null ? null : store.tools.get(call.serverId, call.tool);
      return callDetails(call, record?.definition ?? null, gate.env);
    },

    appInfo() {
      return {
        version: opts.version ?? packageVersion(),
        dataDir: gate.dataDir,
        socketPath: gate.socketPath,
        sessions: gate.sessions().length,
        pending: gate.pending().length,
      };
    },

    queryHistory(query) {
      // The total counts every row matching the filters: a later page (beforeId) must not
      // shrink it, or the list's length would change while the user scrolls.
      const { beforeId: _page, limit: _limit, ...filter } = query;
      return { rows: store.history.query(query), total: store.history.count(filter) };
    },

    historyStats({ query, top }) {
      const perDay = new Map<string, Partial<Record<string, number>>>();
      for (const s of store.history.statsPerDay(query, 30, Date.now())) {
        const counts = perDay.get(s.day) ?? {};
        counts[s.decision] = s.n;
        perDay.set(s.day, counts);
      }
      return {
        perDay: [...perDay].map(([day, counts]) => ({ day, counts })),
        topTools: store.history
          .topTools(query, top)
          .map((t) => ({ server: t.server, tool: t.tool, count: t.n })),
      };
    },

    getHistoryRow: ({ id }) => store.history.get(id),

    exportHistory({ query, format }: { query: HistoryFilter; format: 'csv' | 'json' }) {
      let content = '';
      const write = (chunk: string): void => {
        content += chunk;
      };
      if (format === 'csv') store.history.exportCsv(query, write);
      else store.history.exportJson(query, write);
      const day = new Date().toISOString().slice(0, 10);
      return {
        filename: `airlock-history-${day}.${format}`,
        mimeType: format === 'csv' ? 'text/csv' : 'application/json',
        content,
      };
    },

    listRules: () => store.rules.list(),

    addRule(draft) {
      const rule = store.rules.add(checkedRule(draft, 'manual'), Date.now());
      gate.rulesChanged();
      return rule;
    },

    updateRule({ id, patch }) {
      const current = store.rules.get(id);
      if (!current) throw new Error(`there is no rule ${id}`);
      const merged = checkedRule({ ...current, ...patch }, current.origin);
      const rule = store.rules.update(id, merged, Date.now());
      gate.rulesChanged();
      return rule;
    },

    removeRule({ id }) {
      const removed = store.rules.remove(id, Date.now());
      if (removed) gate.rulesChanged();
      return { removed };
    },

    testRule({ rule, limit }) {
      const { rows, matched } = replayRule(store, checkedRule(rule, 'manual'), limit, gate.env);
      return { rows, matched };
    },

    listServers: () => store.servers.list().map(serverView),

    setToolEnabled({ serverId, tool, enabled }) {
      store.tools.setEnabled(serverId, tool, enabled, Date.now());
      gate.pushDisabledTools(serverId);
      const record = store.tools.get(serverId, tool);
      if (!record) throw new Error(`server ${serverId} has no tool "${tool}"`);
      return toolView(record);
    },

    setToolReviewResults({ serverId, tool, mode }) {
      gate.setReviewMode(serverId, tool, mode);
      const record = store.tools.get(serverId, tool);
      if (!record) throw new Error(`server ${serverId} has no tool "${tool}"`);
      return toolView(record);
    },

    listResultReviews: () => gate.pendingResults(),

    decideResult({ ids, verdict, message }) {
      const decided: number[] = [];
      const notHeld: number[] = [];
      for (const id of ids) (gate.decideResult(id, verdict, message) ? decided : notHeld).push(id);
      return { decided, notHeld };
    },

    markToolReviewed({ serverId, tool, hash }) {
      const record = store.tools.get(serverId, tool);
      if (!record) throw new Error(`server ${serverId} has no tool "${tool}"`);
      // Accept only the definition the user saw: a newer change needs its own review.
      if (record.hash !== hash)
        throw new Error(`"${tool}" changed again since you looked: review the new definition`);
      store.tools.markReviewed(serverId, tool, Date.now());
      gate.serversChanged();
      return toolView(store.tools.get(serverId, tool)!);
    },

    reviewServerIdentity({ serverId, changes }) {
      const server = store.servers.get(serverId);
      if (!server) throw new Error(`there is no server ${serverId}`);
      if (server.identityChanges.length === 0)
        throw new Error(`server ${serverId} has nothing to review`);
      // Accept only what the user saw: a change that came after needs its own review.
      if (canonicalJson(server.identityChanges) !== canonicalJson(changes))
        throw new Error(
          `what server ${serverId} runs changed again since you looked: review the new change`,
        );
      store.servers.reviewFacts(serverId, Date.now());
      gate.serversChanged();
      const reviewed = store.servers.get(serverId);
      if (!reviewed) throw new Error(`there is no server ${serverId}`);
      return serverView(reviewed);
    },

    getSettings: settings,

    setSettings(patch) {
      const gatePatch: Partial<GateSettings> = {};
      if (patch.mode !== undefined) gatePatch.mode = patch.mode;
      if (patch.paused !== undefined) gatePatch.paused = patch.paused;
      if (patch.timeoutSeconds !== undefined) gatePatch.timeoutSeconds = patch.timeoutSeconds;
      if (patch.retentionDays !== undefined)
        gatePatch.retentionDays = patch.retentionDays === 0 ? null : patch.retentionDays;
      if (patch.resultExcerptChars !== undefined)
        gatePatch.resultExcerptChars = patch.resultExcerptChars;
      for (const key of ['startAtLogin', 'sound', 'theme'] as const) {
        if (patch[key] !== undefined) store.settings.set(key, patch[key], Date.now());
      }
      // Always through the gate, so every listener hears one settings-changed.
      gate.updateSettings(gatePatch);
      return settings();
    },

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

    subscribe(listener: (event: AppEvent) => void) {
      const onPending = (): void => listener({ type: 'pending-changed', pending: gate.pending() });
      const onHistory = (rows: HistoryRow[]): void => listener({ type: 'history-appended', rows });
      const onServers = (): void => listener({ type: 'servers-changed' });
      const onRules = (): void => listener({ type: 'rules-changed' });
      const onSettings = (): void => listener({ type: 'settings-changed', settings: settings() });
      const onResultFlagged = (row: HistoryRow): void => listener({ type: 'result-flagged', row });
      const onReviews = (): void =>
        listener({ type: 'result-reviews-changed', reviews: gate.pendingResults() });
      gate.on('result-reviews-changed', onReviews);
      gate.on('pending-changed', onPending);
      gate.on('result-flagged', onResultFlagged);
      gate.on('history-appended', onHistory);
      gate.on('servers-changed', onServers);
      gate.on('rules-changed', onRules);
      gate.on('settings-changed', onSettings);
      hostListeners.add(listener);
      return () => {
        hostListeners.delete(listener);
        gate.off('pending-changed', onPending);
        gate.off('history-appended', onHistory);
        gate.off('servers-changed', onServers);
        gate.off('rules-changed', onRules);
        gate.off('settings-changed', onSettings);
        gate.off('result-flagged', onResultFlagged);
        gate.off('result-reviews-changed', onReviews);
      };
    },

    close() {
      watcher?.stop();
      hostListeners.clear();
    },
  };
}
