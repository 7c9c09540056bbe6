// A strict, recording stand-in for the part of Electron's main-process API that main/ uses.
// - Strict: reading a name the stand-in does not define throws (and is recorded), and so does
//   listening to an event it does not declare. Every name and event it defines is checked
//   against the installed node_modules/electron/electron.d.ts by main/wiring.test.ts.
// - Recording: every call goes to `record({ on, call, args })` in the order it happens.
// It does not pretend to render anything: windows load no page, the tray draws nothing.
'use strict';
const { EventEmitter } = require('node:events');

/** What each stand-in object implements, and under which electron.d.ts type. */
const SURFACE = {
  app: {
    type: 'App',
    members: [
      'setPath',
      'getAppPath',
      'isPackaged',
      'requestSingleInstanceLock',
      'quit',
      'exit',
      'whenReady',
      'setAppUserModelId',
      'setLoginItemSettings',
      'dock',
      'on',
      'once',
    ],
    events: [
      'second-instance',
      'activate',
      'window-all-closed',
      'before-quit',
      'will-quit',
      'quit',
    ],
  },
  BrowserWindow: {
    type: 'BrowserWindow',
    members: [
      'webContents',
      'on',
      'once',
      'loadFile',
      'loadURL',
      'setAlwaysOnTop',
      'setVisibleOnAllWorkspaces',
      'isDestroyed',
      'isVisible',
      'isFocused',
      'hide',
      'show',
      'showInactive',
      'focus',
      'getSize',
      'setPosition',
      'getPosition',
      'center',
      'close',
      'destroy',
    ],
    events: ['close', 'closed', 'ready-to-show', 'focus', 'blur', 'show', 'hide'],
  },
  WebContents: {
    type: 'WebContents',
    members: ['send', 'on', 'once', 'setWindowOpenHandler', 'id'],
    events: ['will-navigate', 'will-redirect', 'will-attach-webview', 'did-finish-load'],
  },
  Tray: {
    type: 'Tray',
    members: ['on', 'getBounds', 'setImage', 'setToolTip', 'setTitle', 'setContextMenu', 'destroy'],
    events: ['click', 'right-click'],
  },
  Notification: {
    type: 'Notification',
    members: ['on', 'show', 'close', 'isSupported'],
    events: ['click', 'close', 'failed', 'show'],
  },
  Menu: { type: 'Menu', members: ['buildFromTemplate', 'items'], events: [] },
  NativeImage: {
    type: 'NativeImage',
    members: ['createFromPath', 'addRepresentation', 'toPNG', 'isEmpty'],
    events: [],
  },
  Session: {
    type: 'Session',
    members: [
      'defaultSession',
      'setPermissionRequestHandler',
      'setPermissionCheckHandler',
      'setDevicePermissionHandler',
      'webRequest',
    ],
    events: [],
  },
  WebRequest: { type: 'WebRequest', members: ['onBeforeRequest', 'onHeadersReceived'], events: [] },
  IpcMain: { type: 'IpcMain', members: ['handle', 'removeHandler'], events: [] },
  Dialog: {
    type: 'Dialog',
    members: ['showErrorBox', 'showMessageBox', 'showMessageBoxSync'],
    events: [],
  },
  Screen: {
    type: 'Screen',
    members: ['getCursorScreenPoint', 'getDisplayNearestPoint'],
    events: [],
  },
};

/** The module's exports, each an electron export name. */
const EXPORTS = [
  'app',
  'BrowserWindow',
  'Tray',
  'Menu',
  'Notification',
  'nativeImage',
  'session',
  'ipcMain',
  'dialog',
  'screen',
];

function createElectronStandIn(opts) {
  const record = opts.record;
  const violations = [];

  /** Values with functions replaced, so records can cross a process boundary. */
  const plain = (value) =>
    JSON.parse(
      JSON.stringify(value, (_k, v) =>
        typeof v === 'function' ? '[function]' : v === undefined ? null : v,
      ),
    );

  function strict(kind, name, target) {
    const allowed = new Set(SURFACE[kind].members);
    return new Proxy(target, {
      get(t, prop, receiver) {
        if (
          typeof prop === 'symbol' ||
          prop === 'then' ||
          prop === 'constructor' ||
          prop === 'toJSON'
        )
          return Reflect.get(t, prop, receiver);
        if (!allowed.has(prop) && !prop.startsWith('_')) {
          const message = `stand-in: ${name}.${prop} is not part of the recorded Electron surface`;
          violations.push(message);
          record({ on: name, call: 'VIOLATION', args: [message] });
          throw new TypeError(message);
        }
        return Reflect.get(t, prop, receiver);
      },
    });
  }

  /** EventEmitter that accepts only the events its type declares. */
  function emitter(kind, name) {
    const e = new EventEmitter();
    const events = new Set(SURFACE[kind].events);
    const check = (event) => {
      if (!events.has(event)) {
        const message = `stand-in: ${name} has no event "${event}"`;
        violations.push(message);
        record({ on: name, call: 'VIOLATION', args: [message] });
        throw new TypeError(message);
      }
    };
    return {
      e,
      on(event, listener) {
        check(event);
        record({ on: name, call: 'on', args: [event] });
        e.on(event, listener);
      },
      once(event, listener) {
        check(event);
        record({ on: name, call: 'once', args: [event] });
        e.once(event, listener);
      },
    };
  }

  const call = (on, method, args, result) => {
    record({ on, call: method, args: plain(args) });
    return result;
  };

  // Electron refuses windows and trays before `ready`; so does the stand-in.
  let isReady = false;
  Promise.resolve(opts.ready).then(() => (isReady = true));
  const requireReady = (what) => {
    if (isReady) return;
    const message = `stand-in: cannot create ${what} before the app is ready`;
    violations.push(message);
    record({ on: what, call: 'VIOLATION', args: [message] });
    throw new Error(message);
  };

  // --- app ------------------------------------------------------------------------------
  const appEvents = emitter('app', 'app');
  let exitCode = null;
  let quitting = false;
  const app = strict('app', 'app', {
    isPackaged: opts.packaged ?? false,
    dock: undefined, // Linux and Windows have no Dock
    on: appEvents.on,
    once: appEvents.once,
    setPath: (n, p) => call('app', 'setPath', [n, p]),
    getAppPath: () => call('app', 'getAppPath', [], opts.appPath),
    requestSingleInstanceLock: () =>
      call('app', 'requestSingleInstanceLock', [], opts.singleInstanceLock ?? true),
    whenReady: () => {
      call('app', 'whenReady', []);
      return opts.ready;
    },
    setAppUserModelId: (id) => call('app', 'setAppUserModelId', [id]),
    setLoginItemSettings: (s) => call('app', 'setLoginItemSettings', [s]),
    quit: () => {
      call('app', 'quit', []);
      if (quitting) return;
      // Electron: before-quit (preventable), then will-quit, then the process ends.
      let prevented = false;
      appEvents.e.emit('before-quit', { preventDefault: () => (prevented = true) });
      if (prevented) return;
      quitting = true;
      appEvents.e.emit('will-quit', { preventDefault: () => {} });
      appEvents.e.emit('quit', {}, 0);
      opts.onExit(0);
    },
    exit: (code) => {
      call('app', 'exit', [code]);
      exitCode = code;
      opts.onExit(code ?? 0);
    },
  });

  // --- windows --------------------------------------------------------------------------
  let windowCount = 0;
  const windows = [];
  class BrowserWindow {
    constructor(options) {
      requireReady('BrowserWindow');
      const id = ++windowCount;
      const name = `BrowserWindow#${id}`;
      call(name, 'new', [options]);
      const ev = emitter('BrowserWindow', name);
      const wcEv = emitter('WebContents', `${name}.webContents`);
      const state = {
        visible: false,
        focused: false,
        destroyed: false,
        position: [0, 0],
        size: [options.width, options.height],
      };
      const webContents = strict('WebContents', `${name}.webContents`, {
        id,
        on: wcEv.on,
        once: wcEv.once,
        send: (channel, payload) => call(`${name}.webContents`, 'send', [channel, payload]),
        setWindowOpenHandler: (h) => call(`${name}.webContents`, 'setWindowOpenHandler', [h]),
        _emit: (event, ...args) => wcEv.e.emit(event, ...args),
      });
      const win = strict('BrowserWindow', name, {
        webContents,
        on: ev.on,
        once: ev.once,
        loadFile: (file, o) => call(name, 'loadFile', [file, o], Promise.resolve()),
        loadURL: (url) => call(name, 'loadURL', [url], Promise.resolve()),
        setAlwaysOnTop: (...a) => call(name, 'setAlwaysOnTop', a),
        setVisibleOnAllWorkspaces: (...a) => call(name, 'setVisibleOnAllWorkspaces', a),
        isDestroyed: () => state.destroyed,
        isVisible: () => state.visible,
        isFocused: () => state.focused,
        hide: () => {
          state.visible = false;
          state.focused = false;
          call(name, 'hide', []);
        },
        show: () => {
          state.visible = true;
          call(name, 'show', []);
        },
        showInactive: () => {
          state.visible = true;
          call(name, 'showInactive', []);
        },
        focus: () => {
          state.focused = true;
          call(name, 'focus', []);
        },
        getSize: () => state.size,
        setPosition: (x, y) => {
          // A compositor that places windows itself (Wayland) ignores this.
          if (!opts.compositorPlaces) state.position = [x, y];
          call(name, 'setPosition', [x, y]);
        },
        getPosition: () => state.position,
        center: () => call(name, 'center', []),
        close: () => {
          call(name, 'close', []);
          let prevented = false;
          ev.e.emit('close', { preventDefault: () => (prevented = true) });
          if (prevented) return;
          state.destroyed = true;
          ev.e.emit('closed');
        },
        destroy: () => {
          state.destroyed = true;
          call(name, 'destroy', []);
          ev.e.emit('closed');
        },
        _name: name,
        _emit: (event, ...args) => ev.e.emit(event, ...args),
      });
      windows.push(win);
      return win;
    }
  }

  // --- tray, menu, images ----------------------------------------------------------------
  const trays = [];
  class Tray {
    constructor(image) {
      requireReady('Tray');
      const name = `Tray#${trays.length + 1}`;
      call(name, 'new', [image._path]);
      const ev = emitter('Tray', name);
      const tray = strict('Tray', name, {
        on: ev.on,
        getBounds: () => opts.trayBounds ?? { x: 0, y: 0, width: 0, height: 0 },
        setImage: (img) => call(name, 'setImage', [img._path]),
        setToolTip: (t) => call(name, 'setToolTip', [t]),
        setTitle: (t) => call(name, 'setTitle', [t]),
        setContextMenu: (menu) => {
          tray._menu = menu;
          call(name, 'setContextMenu', [menu._template]);
        },
        destroy: () => call(name, 'destroy', []),
        _menu: null,
        _emit: (event, ...args) => ev.e.emit(event, ...args),
      });
      trays.push(tray);
      return tray;
    }
  }

  const Menu = strict('Menu', 'Menu', {
    buildFromTemplate: (template) => {
      const items = template.map((t) => ({ ...t }));
      return strict('Menu', 'Menu#built', { items, _template: items });
    },
  });

  const image = (path) =>
    strict('NativeImage', `nativeImage(${path})`, {
      _path: path,
      addRepresentation: () => {},
      toPNG: () => Buffer.alloc(0),
      isEmpty: () => false,
    });
  const nativeImage = strict('NativeImage', 'nativeImage', { createFromPath: (p) => image(p) });

  // --- notifications ----------------------------------------------------------------------
  let notificationCount = 0;
  const notifications = [];
  class Notification {
    static isSupported() {
      return true;
    }
    constructor(options) {
      const name = `Notification#${++notificationCount}`;
      call(name, 'new', [options]);
      const ev = emitter('Notification', name);
      const n = strict('Notification', name, {
        on: ev.on,
        show: () => call(name, 'show', []),
        close: () => ev.e.emit('close', {}),
        _emit: (event, ...args) => ev.e.emit(event, ...args),
      });
      // Only a weak reference, as the OS would hold it: a notification the app lets go of is
      // collected, and its click is lost (the wiring test forces a collection to see that).
      notifications.push(new WeakRef(n));
      return n;
    }
  }

  // --- session, ipc, dialog, screen ----------------------------------------------------------
  const webRequest = strict('WebRequest', 'session.defaultSession.webRequest', {
    onBeforeRequest: (l) => {
      handlers.beforeRequest = l;
      call('session.defaultSession.webRequest', 'onBeforeRequest', [l]);
    },
    onHeadersReceived: (l) => {
      handlers.headersReceived = l;
      call('session.defaultSession.webRequest', 'onHeadersReceived', [l]);
    },
  });
  const handlers = { beforeRequest: null, headersReceived: null, permission: null };
  const defaultSession = strict('Session', 'session.defaultSession', {
    webRequest,
    setPermissionRequestHandler: (h) => {
      handlers.permission = h;
      call('session.defaultSession', 'setPermissionRequestHandler', [h]);
    },
    setPermissionCheckHandler: (h) =>
      call('session.defaultSession', 'setPermissionCheckHandler', [h]),
    setDevicePermissionHandler: (h) =>
      call('session.defaultSession', 'setDevicePermissionHandler', [h]),
  });
  const session = strict('Session', 'session', { defaultSession });

  const ipcHandlers = new Map();
  const ipcMain = strict('IpcMain', 'ipcMain', {
    handle: (channel, listener) => {
      if (ipcHandlers.has(channel))
        throw new Error(`Attempted to register a second handler for '${channel}'`);
      ipcHandlers.set(channel, listener);
      call('ipcMain', 'handle', [channel]);
    },
    removeHandler: (channel) => {
      ipcHandlers.delete(channel);
      call('ipcMain', 'removeHandler', [channel]);
    },
  });

  const dialog = strict('Dialog', 'dialog', {
    showErrorBox: (title, content) => call('dialog', 'showErrorBox', [title, content]),
    showMessageBox: (o) =>
      call(
        'dialog',
        'showMessageBox',
        [o],
        Promise.resolve({ response: 0, checkboxChecked: false }),
      ),
    showMessageBoxSync: (o) =>
      call('dialog', 'showMessageBoxSync', [o], opts.messageBoxAnswer ?? 1),
  });

  const display = { workArea: { x: 0, y: 0, width: 1920, height: 1080 } };
  const screen = strict('Screen', 'screen', {
    getCursorScreenPoint: () => ({ x: 100, y: 100 }),
    getDisplayNearestPoint: () => display,
  });

  const electron = {
    app,
    BrowserWindow,
    Tray,
    Menu,
    Notification,
    nativeImage,
    session,
    ipcMain,
    dialog,
    screen,
  };
  return {
    electron,
    violations,
    windows,
    trays,
    notifications,
    ipcHandlers,
    sessionHandlers: handlers,
    emitApp: (event, ...args) => appEvents.e.emit(event, ...args),
    exitCode: () => exitCode,
  };
}

module.exports = { createElectronStandIn, SURFACE, EXPORTS };
