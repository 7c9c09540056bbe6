// Electron main: lifecycle, tray, windows, IPC binding. Thin by design: what it decides is
// decided in src/ (and tested there); this file only connects the pieces.
import { app, BrowserWindow, dialog, Notification } from 'electron';
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
import type { PendingCall } from '../src/contract/types';
import { resolveDataDir } from '../src/core/dataDir';
import { escapeInvisible } from '../src/contract/visible';
import { startCore, type Core } from './core';
import { bindIpc } from './ipc';
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

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => openMain());
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
  services.subscribe(onEvent);
  settings = await services.getSettings();
  applySettings(settings);
  onPending(await services.listPending());
}

function onEvent(event: AppEvent): void {
  for (const win of [mainWindow, popup]) {
    if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
  }
  if (event.type === 'pending-changed') onPending(event.pending);
  if (event.type === 'settings-changed') applySettings(event.settings);
  if (event.type === 'hosts-changed') notifyHosts(event.events);
}

function notifyHosts(events: HostEvent[]): void {
  if (!Notification.isSupported()) return;
  const first = events[0];
  if (!first) return;
  const more = events.length > 1 ? ` (and ${events.length - 1} more)` : '';
  const n = new Notification({
    title: 'Airlock: check your MCP servers',
    body: `${escapeInvisible(first.message)}${more}`,
    silent: !(settings?.sound ?? true),
  });
  n.on('click', () => openMain('servers'));
  n.show();
}

function onPending(next: PendingCall[]): void {
  const known = new Set(pending.map((p) => p.id));
  const arrived = next.filter((p) => !known.has(p.id));
  pending = next;
  tray?.update(pending, settings);
  if (!popup || popup.isDestroyed()) return;
  if (pending.length === 0) {
    popup.hide();
    return;
  }
  if (!popup.isVisible()) {
    placePopup(popup, tray?.bounds() ?? null);
    // Shown without taking focus, so keys typed elsewhere never land in it.
    popup.showInactive();
  }
  if (arrived.length > 0 && !popup.isFocused()) notify(arrived);
}

function notify(arrived: PendingCall[]): void {
  if (!Notification.isSupported()) return;
  const first = arrived[0];
  if (!first) return;
  const more = arrived.length > 1 ? ` and ${arrived.length - 1} more` : '';
  const n = new Notification({
    title: 'Airlock: a call is waiting',
    body: `${escapeInvisible(first.tool)} on ${escapeInvisible(first.server)} (${first.risk.level} risk)${more}`,
    silent: !(settings?.sound ?? true),
  });
  n.on('click', showPopup);
  n.show();
}

function applySettings(next: Settings): void {
  settings = next;
  tray?.update(pending, settings);
  if (app.isPackaged) app.setLoginItemSettings({ openAtLogin: next.startAtLogin });
}

function showPopup(): void {
  if (!popup || popup.isDestroyed()) return;
  placePopup(popup, tray?.bounds() ?? null);
  popup.show();
  popup.focus();
}

function openMain(view?: AppView): void {
  if (!mainWindow || mainWindow.isDestroyed()) {
    // A new window starts on the view named in its URL.
    mainWindow = createMainWindow(page, view);
    mainWindow.on('closed', () => {
      mainWindow = null;
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
