// Electron main: lifecycle, tray, windows, IPC binding. Thin by design: what it decides is
// decided in src/ (and tested there); this file only connects the pieces.
import { app, BrowserWindow, dialog } from 'electron';
import { accessSync, constants as fsConstants } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHandlers } from '../src/app/handlers';
import {
  EVENT_CHANNEL,
  type AppEvent,
  type AppView,
  type HostEvent,
  type Settings,
} from '../src/contract/ipc';
import type { HistoryRow, PendingCall } from '../src/contract/types';
import { resolveDataDir } from '../src/core/dataDir';
import { escapeInvisible } from '../src/contract/visible';
import { applyLinuxAutostart } from './autostart';
import { cliLinkPlan, cliLinkState, installCliLink, type CliLinkPlan } from './cliOnPath';
import { startCore, type Core } from './core';
import { bindIpc } from './ipc';
import { notify } from './notifications';
import { bundledCommands } from './shimLauncher';
import { hardenSession } from './security';
import { AirlockTray } from './tray';
import {
  createMainWindow,
  createPopupWindow,
  markQuitting,
  placePopup,
  type PageLocation,
} from './windows';

const flag = process.argv.find((a) => a.startsWith('--data-dir='))?.slice('--data-dir='.length);
const dataDir = resolveDataDir(flag, process.env).dir;

// Windows attributes (and only then shows) notifications of an app with this id; it is the
// installer's appId (electron-builder.yml), which its Start-menu shortcut carries.
if (process.platform === 'win32') app.setAppUserModelId('dev.airlock.app');

// Electron's single-instance lock lives in userData: one userData per data directory gives one
// app per data directory (a second `airlock` app on another data dir is allowed).
app.setPath('userData', join(dataDir, 'electron'));

const devUrl = !app.isPackaged ? (process.env.ELECTRON_RENDERER_URL ?? null) : null;
const page: PageLocation = {
  file: join(__dirname, '../renderer/index.html'),
  devUrl,
  preload: join(__dirname, '../preload/index.js'),
};
const assetsDir = join(app.getAppPath(), 'assets');

let core: Core | null = null;
let tray: AirlockTray | null = null;
let popup: BrowserWindow | null = null;
let mainWindow: BrowserWindow | null = null;
let pending: PendingCall[] = [];
let settings: Settings | null = null;
let closed = false;
let placedByCompositor = false;
let started = false;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Both only once the app has started: a window cannot exist before `ready`, and macOS
  // sends `activate` at launch too (a launch at login must not open the main window).
  app.on('second-instance', () => {
    if (started) openMain();
  });
  // macOS: opening the app again (Finder, Spotlight, the Dock while a window is open).
  app.on('activate', () => {
    if (started) openMain();
  });
  app.on('window-all-closed', () => {
    // The tray keeps running: calls must be answerable with every window closed.
  });
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    markQuitting();
    void shutdown();
  });
  void app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      dialog.showErrorBox(
        'Airlock could not start',
        error instanceof Error ? error.message : String(error),
      );
      app.exit(1);
    });
}

async function start(): Promise<void> {
  hardenSession(devUrl ? new URL(devUrl).origin : null);
  core = await startCore(dataDir, {
    packaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    appRoot: app.getAppPath(),
  });
  const services = core.services;
  bindIpc(createHandlers(services), {
    fileUrl: pathToFileURL(page.file).href,
    devOrigin: devUrl ? new URL(devUrl).origin : null,
  });
  popup = createPopupWindow(page);
  tray = new AirlockTray(assetsDir, {
    showPopup,
    openMain,
    setSettings: (patch) => void Promise.resolve(services.setSettings(patch)).catch(() => {}),
    quit: () => app.quit(),
  });
  tray.setCliOffer(cliOffer() ? offerCliOnPath : null);
  services.subscribe(onEvent);
  settings = await services.getSettings();
  applySettings(settings);
  onPending(await services.listPending());
  started = true;
}

function onEvent(event: AppEvent): void {
  for (const win of [mainWindow, popup]) {
    if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
  }
  if (event.type === 'pending-changed') onPending(event.pending);
  if (event.type === 'settings-changed') applySettings(event.settings);
  if (event.type === 'hosts-changed') notifyHosts(event.events);
  if (event.type === 'decision-not-recorded') {
    // The popup closes with its last call: the person still hears their approval became a denial.
    notify(
      { title: 'Airlock: call denied', body: event.text, silent: !(settings?.sound ?? true) },
      () => openMain('pending'),
    );
  }
  if (event.type === 'result-flagged') notifyResult(event.row);
  if (event.type === 'result-reviews-changed') onResultReviews(event.reviews.length);
}

/** Results held for review: the popup shows them like waiting calls (and hides when none are). */
let heldResults = 0;
function onResultReviews(count: number): void {
  const arrived = count > heldResults;
  heldResults = count;
  if (!popup || popup.isDestroyed()) return;
  if (count === 0) {
    if (pending.length === 0) popup.hide();
    return;
  }
  if (!popup.isVisible()) {
    if (placePopup(popup, tray?.bounds() ?? null) === 'compositor') placedByCompositor = true;
    popup.showInactive();
  }
  if (arrived && (!popup.isFocused() || placedByCompositor))
    notify(
      {
        title: 'Airlock: a result is waiting for review',
        body: 'A tool result is held before it reaches the agent.',
        silent: !(settings?.sound ?? true),
      },
      showPopup,
    );
}

/** A result the scan flagged: the agent may have read an injection; say which call and why. */
function notifyResult(row: HistoryRow): void {
  const first = row.result?.findings[0];
  if (!first) return;
  notify(
    {
      title: `Airlock: suspicious result from ${escapeInvisible(row.tool)}`,
      body: `${escapeInvisible(row.server)}: ${escapeInvisible(first.text)}`,
      silent: !(settings?.sound ?? true),
    },
    () => openMain('history'),
  );
}

function notifyHosts(events: HostEvent[]): void {
  const first = events[0];
  if (!first) return;
  const more = events.length > 1 ? ` (and ${events.length - 1} more)` : '';
  notify(
    {
      title: 'Airlock: check your MCP servers',
      body: `${escapeInvisible(first.message)}${more}`,
      silent: !(settings?.sound ?? true),
    },
    () => openMain('servers'),
  );
}

function onPending(next: PendingCall[]): void {
  const known = new Set(pending.map((p) => p.id));
  const arrived = next.filter((p) => !known.has(p.id));
  pending = next;
  tray?.update(pending, settings);
  if (!popup || popup.isDestroyed()) return;
  if (pending.length === 0) {
    if (heldResults === 0) popup.hide();
    return;
  }
  if (!popup.isVisible()) {
    if (placePopup(popup, tray?.bounds() ?? null) === 'compositor') placedByCompositor = true;
    // Shown without taking focus, so keys typed elsewhere never land in it.
    popup.showInactive();
  }
  // Where the compositor placed the popup (Wayland), it may be far from the tray or behind
  // other windows: a notification always points to it.
  if (arrived.length > 0 && (!popup.isFocused() || placedByCompositor)) notifyWaiting(arrived);
}

function notifyWaiting(arrived: PendingCall[]): void {
  const first = arrived[0];
  if (!first) return;
  const more = arrived.length > 1 ? ` and ${arrived.length - 1} more` : '';
  notify(
    {
      title: 'Airlock: a call is waiting',
      body: `${escapeInvisible(first.tool)} on ${escapeInvisible(first.server)} (${first.risk.level} risk)${more}`,
      silent: !(settings?.sound ?? true),
    },
    showPopup,
  );
}

function applySettings(next: Settings): void {
  settings = next;
  tray?.update(pending, settings);
  // From a checkout the binary is node_modules' Electron: nothing to register at login.
  if (!app.isPackaged) return;
  if (process.platform === 'linux') {
    // Electron's login items do nothing on Linux: an XDG autostart entry instead.
    try {
      applyLinuxAutostart(next.startAtLogin, {
        env: process.env,
        home: homedir(),
        execPath: process.execPath,
      });
    } catch (error) {
      console.error(`Airlock: could not change start at login (${String(error)})`);
    }
  } else {
    app.setLoginItemSettings({ openAtLogin: next.startAtLogin });
  }
}

function showPopup(): void {
  if (!popup || popup.isDestroyed()) return;
  placePopup(popup, tray?.bounds() ?? null);
  popup.show();
  popup.focus();
}

/** The packaged app's offer to put `airlock` on PATH, while it is not there. */
function cliOffer(): CliLinkPlan | null {
  // An AppImage cannot offer it (its files move every run): no menu item that only says no.
  if (!app.isPackaged || process.env.APPIMAGE) return null;
  const plan = cliLinkPlan({
    platform: process.platform,
    home: homedir(),
    env: process.env,
    target: bundledCommands(process.resourcesPath, process.platform).airlock,
    writable: (dir) => {
      try {
        accessSync(dir, fsConstants.W_OK);
        return true;
      } catch {
        return false;
      }
    },
  });
  return plan.kind === 'link' && cliLinkState(plan) === 'installed' ? null : plan;
}

function offerCliOnPath(): void {
  const plan = cliOffer();
  if (!plan) return;
  if (plan.kind === 'manual') {
    void dialog.showMessageBox({ type: 'info', message: plan.message, buttons: ['OK'] });
    return;
  }
  const answer = dialog.showMessageBoxSync({
    type: 'question',
    message: `Put the \`airlock\` command on your PATH?`,
    detail: `Airlock will create ${plan.link}, a link to the command inside the app.`,
    buttons: ['Create link', 'Cancel'],
    defaultId: 0,
    cancelId: 1,
  });
  if (answer !== 0) return;
  let result: string;
  try {
    result = installCliLink(plan);
  } catch (error) {
    result = `Could not create ${plan.link}: ${error instanceof Error ? error.message : String(error)}`;
  }
  void dialog.showMessageBox({ type: 'info', message: result, buttons: ['OK'] });
  tray?.setCliOffer(cliOffer() ? offerCliOnPath : null);
  tray?.update(pending, settings);
}

function openMain(view?: AppView): void {
  if (!mainWindow || mainWindow.isDestroyed()) {
    // A new window starts on the view named in its URL.
    mainWindow = createMainWindow(page, view);
    // macOS: a tray app has no Dock icon (LSUIElement) unless a window is open.
    app.dock?.show();
    mainWindow.on('closed', () => {
      mainWindow = null;
      app.dock?.hide();
    });
  } else {
    if (view) {
      const event: AppEvent = { type: 'show-view', view };
      mainWindow.webContents.send(EVENT_CHANNEL, event);
    }
    mainWindow.show();
    mainWindow.focus();
  }
}

async function shutdown(): Promise<void> {
  try {
    await core?.close();
  } finally {
    tray?.destroy();
    closed = true;
    app.quit();
  }
}
