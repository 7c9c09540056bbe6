// Runs the built main process (out/main/index.js) under the Electron stand-in, in a child Node
// forked by main/wiring.test.ts. Records stream to the parent; the parent drives the "user"
// (tray clicks, IPC from the page, a second instance, quit) with messages.
'use strict';
const Module = require('node:module');
const { join, resolve } = require('node:path');
const { pathToFileURL } = require('node:url');
const { createElectronStandIn } = require('./electronStandIn');

const root = resolve(__dirname, '../..');
const config = JSON.parse(process.env.AIRLOCK_STANDIN_CONFIG || '{}');
let seq = 0;
const send = (m) => process.send && process.send(m);

let markReady;
const ready = new Promise((r) => (markReady = r));
const standIn = createElectronStandIn({
  record: (entry) => send({ type: 'record', seq: seq++, ...entry }),
  appPath: root,
  packaged: config.packaged ?? false,
  messageBoxAnswer: config.messageBoxAnswer,
  singleInstanceLock: config.singleInstanceLock ?? true,
  compositorPlaces: config.compositorPlaces ?? false,
  ready,
  // The app ends the process the way Electron would after `quit`/`exit`.
  onExit: (code) => {
    send({ type: 'exit', code });
    setImmediate(() => process.exit(code));
  },
});

// `require('electron')` from the built main process gets the stand-in, nothing else does.
const resolveFilename = Module._resolveFilename;
const STANDIN_ID = join(__dirname, '__electron__.js');
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? STANDIN_ID : resolveFilename.call(this, request, ...rest);
};
const standInModule = new Module(STANDIN_ID);
standInModule.exports = standIn.electron;
standInModule.loaded = true;
Module._cache[STANDIN_ID] = standInModule;

const pageUrl = pathToFileURL(join(root, 'out/renderer/index.html')).href;

function menuOf(trayIndex = 0) {
  const tray = standIn.trays[trayIndex];
  return tray && tray._menu ? tray._menu.items : [];
}

process.on('message', async (m) => {
  try {
    switch (m.type) {
      case 'ready':
        markReady();
        return send({ type: 'ack', id: m.id });
      case 'invoke': {
        // IPC exactly as ipcMain.handle receives it from a page's main frame.
        const handler = standIn.ipcHandlers.get(m.channel);
        if (!handler) throw new Error(`no handler for ${m.channel}`);
        const frame = { url: m.url ?? `${pageUrl}#popup` };
        frame.top = m.subframe ? { url: frame.url } : frame;
        const value = await handler({ senderFrame: frame, sender: {} }, m.payload);
        return send({ type: 'ack', id: m.id, value: JSON.parse(JSON.stringify(value ?? null)) });
      }
      case 'click-menu': {
        const item = menuOf().find((i) => i.label === m.label);
        if (!item)
          throw new Error(
            `no menu item "${m.label}" in ${JSON.stringify(menuOf().map((i) => i.label))}`,
          );
        item.click({ ...item, checked: m.checked ?? !item.checked }, undefined, {});
        return send({ type: 'ack', id: m.id });
      }
      case 'click-tray':
        standIn.trays[0]._emit('click', {}, { x: 0, y: 0, width: 0, height: 0 }, { x: 0, y: 0 });
        return send({ type: 'ack', id: m.id });
      case 'app-event':
        standIn.emitApp(m.event, {}, ...(m.args ?? []));
        return send({ type: 'ack', id: m.id });
      case 'notification': {
        global.gc();
        const n = standIn.notifications[m.index].deref();
        if (!n)
          throw new Error(`notification ${m.index} was garbage-collected before its ${m.event}`);
        n._emit(m.event, {});
        return send({ type: 'ack', id: m.id });
      }
      case 'state': {
        global.gc();
        return send({
          type: 'ack',
          id: m.id,
          value: {
            violations: standIn.violations,
            windows: standIn.windows.map((w) => ({
              name: w._name,
              visible: w.isVisible(),
              destroyed: w.isDestroyed(),
            })),
            menu: menuOf().map((i) => ({
              label: i.label,
              type: i.type,
              checked: i.checked,
              enabled: i.enabled,
            })),
            aliveNotifications: standIn.notifications.map((w) => w.deref() !== undefined),
            ...(standIn.sessionHandlers.permission
              ? {
                  permission: await new Promise((r) =>
                    standIn.sessionHandlers.permission({}, 'media', r, {}),
                  ),
                  remote: await new Promise((r) =>
                    standIn.sessionHandlers.beforeRequest({ url: 'https://example.com/x' }, r),
                  ),
                  local: await new Promise((r) =>
                    standIn.sessionHandlers.beforeRequest({ url: pageUrl }, r),
                  ),
                }
              : {}),
          },
        });
      }
      default:
        throw new Error(`unknown command ${m.type}`);
    }
  } catch (error) {
    send({ type: 'ack', id: m.id, error: error instanceof Error ? error.message : String(error) });
  }
});

// Electron sets this for the app; a packaged app finds its resources/bin helpers there.
if (config.resourcesPath) process.resourcesPath = config.resourcesPath;
require(join(root, 'out/main/index.js'));
send({ type: 'loaded' });
