// The main window and the consent popup: same page, the popup with #popup.
import { BrowserWindow, screen, type Rectangle } from 'electron';
import { popupPosition, positionTaken } from './placement';
import { hardenContents, webPreferences } from './security';

export interface PageLocation {
  /** Absolute path of out/renderer/index.html. */
  file: string;
  /** electron-vite dev server URL when developing. */
  devUrl: string | null;
  preload: string;
}

function load(win: BrowserWindow, page: PageLocation, hash: string): void {
  if (page.devUrl) void win.loadURL(`${page.devUrl}${hash ? `#${hash}` : ''}`);
  else void win.loadFile(page.file, hash ? { hash } : {});
}

/** `view` picks the view the window opens on (index.html#servers). */
export function createMainWindow(page: PageLocation, view?: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Airlock',
    webPreferences: webPreferences(page.preload),
  });
  hardenContents(win.webContents);
  win.once('ready-to-show', () => win.show());
  load(win, page, view ?? '');
  return win;
}

const POPUP_SIZE = { width: 460, height: 600 };

export function createPopupWindow(page: PageLocation): BrowserWindow {
  const win = new BrowserWindow({
    ...POPUP_SIZE,
    show: false,
    frame: false,
    resizable: true,
    alwaysOnTop: true,
    skipTaskbar: true,
    fullscreenable: false,
    minimizable: false,
    maximizable: false,
    title: 'Airlock: call waiting',
    webPreferences: webPreferences(page.preload),
  });
  // macOS: above full-screen apps and on every Space, like a system prompt. The process type is
  // left alone (skipTransformProcessType): the Dock icon is managed in index.ts.
  if (process.platform === 'darwin') {
    win.setAlwaysOnTop(true, 'pop-up-menu');
    win.setVisibleOnAllWorkspaces(true, {
      visibleOnFullScreen: true,
      skipTransformProcessType: true,
    });
  } else {
    win.setAlwaysOnTop(true, 'floating');
  }
  // Closing the popup only hides it: calls keep waiting and it comes back with the next one.
  win.on('close', (event) => {
    if (!quitting) {
      event.preventDefault();
      win.hide();
    }
  });
  hardenContents(win.webContents);
  load(win, page, 'popup');
  return win;
}

/**
 * Near the tray, else in the tray's corner. Returns 'compositor' when the window system ignored
 * the position (Wayland): the popup is then centred, where a compositor that places windows
 * itself usually puts it anyway, and the caller makes sure a notification points to it.
 */
export function placePopup(
  win: BrowserWindow,
  trayBounds: Rectangle | null,
): 'placed' | 'compositor' {
  const anchor = trayBounds ?? screen.getCursorScreenPoint();
  const display = screen.getDisplayNearestPoint({ x: anchor.x, y: anchor.y });
  const [width = POPUP_SIZE.width, height = POPUP_SIZE.height] = win.getSize();
  const wanted = popupPosition(trayBounds, display.workArea, { width, height }, process.platform);
  win.setPosition(wanted.x, wanted.y);
  if (positionTaken(wanted, win.getPosition())) return 'placed';
  win.center();
  return 'compositor';
}

let quitting = false;
export function markQuitting(): void {
  quitting = true;
}
