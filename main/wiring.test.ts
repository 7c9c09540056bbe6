// A wiring smoke test of the desktop shell: the BUILT main process (out/main/index.js) runs in a
// child Node under a strict, recording stand-in of Electron (main/wiring/electronStandIn.js),
// with the real gate and SQLite file inside it, a real shim and a real MCP server
// (server-filesystem) driven by the real SDK client. It proves the wiring between main/ and the
// core, not Electron itself: nothing is rendered, and the real-Electron suite
// (e2e/electron.spec.ts) still runs wherever the binary exists.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, EVENT_CHANNEL, IPC_PREFIX } from '../src/contract/channels';
import type { HistoryRow, PendingCall } from '../src/contract/types';
import { lockPath, socketLocation } from '../src/core/dataDir';
import {
  connectClient,
  filesystemServer,
  runCli,
  startGateProcess,
  tempDir,
  waitFor,
} from '../src/testing/harness';
import { EXPORTS, SURFACE } from './wiring/electronStandIn.js';

const root = resolve(__dirname, '..');
const pageFile = join(root, 'out/renderer/index.html');
const pageUrl = pathToFileURL(pageFile).href;

interface Rec {
  seq: number;
  on: string;
  call: string;
  args: unknown[];
}

/** The built main process in a child Node under the stand-in, and the "user" around it. */
class MainUnderStandIn {
  readonly records: Rec[] = [];
  private waiters: { test: (r: Rec) => boolean; done: (r: Rec) => void }[] = [];
  private pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
  private nextId = 0;
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(dataDir: string, home: string, config: Record<string, unknown> = {}) {
    this.child = fork(join(root, 'main/wiring/harness.js'), [`--data-dir=${dataDir}`], {
      execArgv: ['--expose-gc'],
      env: {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        AIRLOCK_HOME: '',
        AIRLOCK_STANDIN_CONFIG: JSON.stringify(config),
      },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.exited = new Promise((res) => this.child.on('exit', (code) => res(code)));
    this.child.on('message', (m: { type: string } & Record<string, unknown>) => {
      if (m.type === 'record') {
        const rec = m as unknown as Rec;
        this.records.push(rec);
        this.waiters = this.waiters.filter((w) => (w.test(rec) ? (w.done(rec), false) : true));
      } else if (m.type === 'ack') {
        const p = this.pending.get(m.id as number);
        this.pending.delete(m.id as number);
        if (m.error) p?.fail(new Error(String(m.error)));
        else p?.ok(m.value);
      }
    });
  }

  /**
   * The first record (already seen or still to come) that passes `test`; with `from` (a count
   * of records taken earlier), only records made after that point: an earlier test's record
   * of the same call must not stand in for this one's.
   */
  until(test: (r: Rec) => boolean, from = 0): Promise<Rec> {
    const seen = this.records.slice(from).find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((done) => this.waiters.push({ test, done }));
  }

  find(on: string, call: string): Rec[] {
    return this.records.filter((r) => r.on === on && r.call === call);
  }

  command<T = unknown>(type: string, extra: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((ok, fail) => {
      this.pending.set(id, { ok: ok as (v: unknown) => void, fail });
      this.child.send({ type, id, ...extra });
    });
  }

  invoke<T = unknown>(
    channel: string,
    payload?: unknown,
    from: { url?: string; subframe?: boolean } = {},
  ) {
    return this.command<T>('invoke', { channel: IPC_PREFIX + channel, payload, ...from });
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

const is = (on: string, call: string, first?: unknown) => (r: Rec) =>
  r.on === on &&
  r.call === call &&
  (first === undefined || JSON.stringify(r.args[0]) === JSON.stringify(first));
const index = (m: MainUnderStandIn, test: (r: Rec) => boolean) => m.records.findIndex(test);

const HARDENED = {
  preload: join(root, 'out/preload/index.js'),
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  devTools: true, // not packaged
};

describe('the built main process under a recording Electron stand-in (wiring smoke test)', () => {
  let base: string;
  let dataDir: string;
  let work: string;
  let main: MainUnderStandIn;
  let client: Client | null = null;

  beforeAll(() => {
    base = tempDir('airlock-wiring-');
    dataDir = join(base, 'data');
    work = join(base, 'work');
    mkdirSync(work);
    mkdirSync(join(base, 'home'));
    main = new MainUnderStandIn(dataDir, join(base, 'home'));
  });

  afterAll(async () => {
    await client?.close().catch(() => {});
    main.kill();
    rmSync(base, { recursive: true, force: true });
  });

  it('before ready: userData per data dir, the single-instance lock, lifecycle handlers, nothing else', async () => {
    await main.until(is('app', 'whenReady'));
    const calls = main.records.map(
      (r) => `${r.on}.${r.call}${r.call === 'on' ? `(${String(r.args[0])})` : ''}`,
    );
    expect(calls).toEqual([
      'app.setPath',
      'app.getAppPath',
      'app.requestSingleInstanceLock',
      'app.on(second-instance)',
      'app.on(activate)',
      'app.on(window-all-closed)',
      'app.on(before-quit)',
      'app.whenReady',
    ]);
    expect(main.records[0]!.args).toEqual(['userData', join(dataDir, 'electron')]);
    // macOS sends `activate` at launch, and a second instance may start before `ready`: no
    // window may be created then (Electron throws), and a launch at login opens none.
    await main.command('app-event', { event: 'activate' });
    await main.command('app-event', { event: 'second-instance', args: [[], root, {}] });
    const state = await main.command<{ windows: unknown[] }>('state');
    expect(state.windows).toEqual([]);
  });

  it('on ready: session hardened, IPC bound, then the popup window, then the tray and its menu', async () => {
    await main.command('ready');
    await main.until(is('Tray#1', 'setContextMenu'));
    const hardened = index(main, is('session.defaultSession', 'setPermissionRequestHandler'));
    const lastHandle = main.records.findLastIndex(is('ipcMain', 'handle'));
    const popup = index(main, is('BrowserWindow#1', 'new'));
    const load = index(main, is('BrowserWindow#1', 'loadFile'));
    const tray = index(main, is('Tray#1', 'new'));
    expect(hardened).toBeGreaterThan(index(main, is('app', 'whenReady')));
    expect(hardened).toBeLessThan(lastHandle);
    expect(lastHandle).toBeLessThan(popup);
    expect(popup).toBeLessThan(load);
    expect(load).toBeLessThan(tray);
    // Every channel of the contract, and nothing else.
    expect(main.find('ipcMain', 'handle').map((r) => r.args[0])).toEqual(
      CHANNELS.map((c) => IPC_PREFIX + c),
    );
    expect(main.find('session.defaultSession', 'setPermissionCheckHandler')).toHaveLength(1);
    expect(main.find('session.defaultSession', 'setDevicePermissionHandler')).toHaveLength(1);
    expect(main.find('session.defaultSession.webRequest', 'onBeforeRequest')).toHaveLength(1);

    // The hardened popup, exactly.
    expect(main.find('BrowserWindow#1', 'new')[0]!.args[0]).toEqual({
      width: 460,
      height: 600,
      show: false,
      frame: false,
      resizable: true,
      alwaysOnTop: true,
      skipTaskbar: true,
      fullscreenable: false,
      minimizable: false,
      maximizable: false,
      title: 'Airlock: call waiting',
      webPreferences: HARDENED,
    });
    expect(main.find('BrowserWindow#1', 'loadFile')[0]!.args).toEqual([
      pageFile,
      { hash: 'popup' },
    ]);
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      expect(main.records.some(is('BrowserWindow#1.webContents', 'on', event))).toBe(true);
    }
    expect(main.find('BrowserWindow#1.webContents', 'setWindowOpenHandler')).toHaveLength(1);
    expect(main.find('BrowserWindow#1', 'setAlwaysOnTop')[0]!.args).toEqual([true, 'floating']);

    expect(main.find('Tray#1', 'new')[0]!.args).toEqual([join(root, 'assets/tray-idle.png')]);
    const state = await main.command<{
      menu: { label: string }[];
      violations: string[];
      permission: boolean;
      remote: unknown;
      local: unknown;
    }>('state');
    expect(state.menu.map((i) => i.label)).toEqual([
      'No calls waiting',
      undefined, // separator
      'Open Airlock',
      'Pause (deny all gated calls)',
      'Observe only',
      'Start at login',
      undefined,
      'Quit Airlock',
    ]);
    expect(state.permission).toBe(false);
    expect(state.remote).toEqual({ cancel: true });
    expect(state.local).toEqual({ cancel: false });
    expect(state.violations).toEqual([]);
    expect(existsSync(socketLocation(dataDir).path)).toBe(true);
  });

  let firstCall: Promise<unknown>;
  let pendingId: number;

  it('a gated call opens the popup near the tray without focus, with a notification', async () => {
    client = await connectClient(filesystemServer(work), { dataDir });
    firstCall = client.callTool({
      name: 'write_file',
      arguments: { path: join(work, 'a.txt'), content: 'approved' },
    });
    await main.until(is('BrowserWindow#1', 'showInactive'));
    expect(main.find('BrowserWindow#1', 'setPosition')).toHaveLength(1);
    expect(main.find('BrowserWindow#1', 'show')).toHaveLength(0); // never focused by itself
    const note = await main.until(is('Notification#1', 'new'));
    expect(note.args[0]).toMatchObject({ title: 'Airlock: a call is waiting' });
    expect(String((note.args[0] as { body: string }).body)).toMatch(
      /^write_file on filesystem \((low|medium|high|critical) risk\)$/,
    );
    await main.until(is('Notification#1', 'show'));
    await main.until(is('Tray#1', 'setToolTip', 'Airlock: 1 call waiting'));
    await main.until(is('Tray#1', 'setImage', join(root, 'assets/tray-waiting.png')));
    const sent = main.find('BrowserWindow#1.webContents', 'send').map((r) => r.args);
    expect(
      sent.some(
        ([ch, ev]) => ch === EVENT_CHANNEL && (ev as { type: string }).type === 'pending-changed',
      ),
    ).toBe(true);
    const state = await main.command<{ menu: { label: string }[] }>('state');
    expect(state.menu[0]!.label).toMatch(
      /^write_file on filesystem \((low|medium|high|critical)\)$/,
    );

    const list = await main.invoke<PendingCall[]>('listPending');
    expect(list).toHaveLength(1);
    pendingId = list[0]!.id;
  });

  it('IPC refuses other pages and subframes, and an approval from the popup reaches the server', async () => {
    const decide = { ids: [pendingId], verdict: 'approve' };
    await expect(main.invoke('decide', decide, { url: 'file:///tmp/evil.html' })).rejects.toThrow(
      /IPC refused/,
    );
    await expect(main.invoke('decide', decide, { subframe: true })).rejects.toThrow(/IPC refused/);
    await expect(main.invoke('decide', { ids: ['x'], verdict: 'approve' })).rejects.toThrow();
    expect(existsSync(join(work, 'a.txt'))).toBe(false);

    const beforeDecide = main.records.length;
    const result = await main.invoke<{ decided: number[] }>('decide', decide, {
      url: `${pageUrl}#popup`,
    });
    expect(result.decided).toEqual([pendingId]);
    const answer = (await firstCall) as { isError?: boolean };
    expect(answer.isError).toBeFalsy();
    expect(readFileSync(join(work, 'a.txt'), 'utf8')).toBe('approved');
    await main.until(is('BrowserWindow#1', 'hide'));
    await main.until(is('Tray#1', 'setToolTip', 'Airlock'), beforeDecide);
  });

  it('a notification is kept until clicked (a collected one would lose its click), then let go', async () => {
    await main.command('notification', { index: 0, event: 'click' });
    await main.until(is('BrowserWindow#1', 'show'));
    await main.until(is('BrowserWindow#1', 'focus'));
    const state = await main.command<{ aliveNotifications: boolean[] }>('state');
    expect(state.aliveNotifications).toEqual([false]);
  });

  it('a second instance opens the main window once, then brings it back', async () => {
    await main.command('app-event', { event: 'second-instance', args: [[], root, {}] });
    const created = await main.until(is('BrowserWindow#2', 'new'));
    expect(created.args[0]).toMatchObject({
      width: 1100,
      height: 760,
      show: false,
      title: 'Airlock',
    });
    expect((created.args[0] as { webPreferences: unknown }).webPreferences).toEqual(HARDENED);
    expect(main.find('BrowserWindow#2', 'loadFile')[0]!.args).toEqual([pageFile, {}]);
    expect(main.records.some(is('BrowserWindow#2', 'once', 'ready-to-show'))).toBe(true);
    await main.command('app-event', { event: 'second-instance', args: [[], root, {}] });
    await main.until(is('BrowserWindow#2', 'focus'));
    expect(main.records.some((r) => r.on === 'BrowserWindow#3')).toBe(false);
  });

  it('Quit from the tray with a call waiting: the call is recorded interrupted, socket and lock removed', async () => {
    const from = main.records.length;
    const waiting = client!.callTool({
      name: 'write_file',
      arguments: { path: join(work, 'b.txt'), content: 'never' },
    });
    await main.until(is('Tray#1', 'setToolTip', 'Airlock: 1 call waiting'), from);
    const state = await main.command<{ violations: string[] }>('state');
    expect(state.violations).toEqual([]);
    await main.command('click-menu', { label: 'Quit Airlock' });
    expect(await main.exited).toBe(0);
    expect(main.find('Tray#1', 'destroy')).toHaveLength(1);
    // The first quit was held back for the shutdown; the second one went through.
    expect(main.find('app', 'quit').length).toBeGreaterThanOrEqual(2);

    const answer = (await waiting) as { isError?: boolean; content: { text: string }[] };
    expect(answer.isError).toBe(true);
    expect(answer.content[0]!.text).toMatch(/Airlock/);
    expect(existsSync(join(work, 'b.txt'))).toBe(false);
    expect(existsSync(socketLocation(dataDir).path)).toBe(false);
    expect(existsSync(lockPath(dataDir))).toBe(false);

    const res = await runCli([
      'history',
      '--json',
      '--data-dir',
      dataDir,
      '--decision',
      'interrupted',
    ]);
    expect(res.code).toBe(0);
    const rows = JSON.parse(res.stdout) as HistoryRow[];
    expect(rows.map((r) => r.tool)).toEqual(['write_file']);
  });
});

describe('a second copy of the app', () => {
  it('says in a dialog why it cannot start when a gate already serves its data directory, and exits 1', async () => {
    const base = tempDir('airlock-wiring-busy-');
    const dataDir = join(base, 'data');
    const gate = await startGateProcess(dataDir);
    const main = new MainUnderStandIn(dataDir, base);
    try {
      await main.command('ready');
      expect(await main.exited).toBe(1);
      const box = main.find('dialog', 'showErrorBox')[0]!;
      expect(box.args[0]).toBe('Airlock could not start');
      expect(String(box.args[1])).toMatch(/gate/i);
      expect(
        main.records.some((r) => r.on.startsWith('BrowserWindow') || r.on.startsWith('Tray')),
      ).toBe(false);
    } finally {
      main.kill();
      gate.kill('SIGTERM');
      await new Promise((r) => gate.once('exit', r));
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('quits at once when another instance holds the lock, opening nothing', async () => {
    const base = tempDir('airlock-wiring-2nd-');
    const main = new MainUnderStandIn(join(base, 'data'), base, { singleInstanceLock: false });
    try {
      expect(await main.exited).toBe(0);
      expect(main.records.map((r) => `${r.on}.${r.call}`)).toEqual([
        'app.setPath',
        'app.getAppPath',
        'app.requestSingleInstanceLock',
        'app.quit',
      ]);
    } finally {
      main.kill();
      rmSync(base, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The stand-in may only speak Electron: every name and event it defines must be declared in the
// installed electron.d.ts, on the type it stands in for (or a type that type extends).

interface Declared {
  members: Set<string>;
  events: Set<string>;
  bases: string[];
}

function readElectronTypes(): Map<string, Declared> {
  const file = join(root, 'node_modules/electron/electron.d.ts');
  const source = ts.createSourceFile(
    file,
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    false,
  );
  const types = new Map<string, Declared>();
  const visit = (node: ts.Node): void => {
    if ((ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node)) && node.name) {
      const d = types.get(node.name.text) ?? { members: new Set(), events: new Set(), bases: [] };
      for (const clause of node.heritageClauses ?? []) {
        for (const t of clause.types) d.bases.push(t.expression.getText(source).split('.').pop()!);
      }
      for (const m of node.members) {
        const name =
          m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) ? m.name.text : null;
        if (!name) continue;
        d.members.add(name);
        if (
          (ts.isMethodDeclaration(m) || ts.isMethodSignature(m)) &&
          ['on', 'once', 'addListener'].includes(name)
        ) {
          const type = m.parameters[0]?.type;
          if (type && ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal))
            d.events.add(type.literal.text);
        }
      }
      types.set(node.name.text, d);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return types;
}

function declaredOn(
  types: Map<string, Declared>,
  type: string,
  pick: 'members' | 'events',
): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>();
  const walk = (name: string) => {
    const d = types.get(name);
    if (!d || seen.has(name)) return;
    seen.add(name);
    for (const x of d[pick]) out.add(x);
    d.bases.forEach(walk);
  };
  walk(type);
  return out;
}

describe('the Electron stand-in against the installed electron.d.ts', () => {
  const types = readElectronTypes();
  const surface = SURFACE as Record<string, { type: string; members: string[]; events: string[] }>;

  it.each(Object.entries(surface))(
    '%s: every member and event exists in electron.d.ts',
    (_name, s) => {
      expect(types.has(s.type)).toBe(true);
      const members = declaredOn(types, s.type, 'members');
      const events = declaredOn(types, s.type, 'events');
      // NodeJS.EventEmitter's on/once are not in electron.d.ts; every type with events has them.
      const missing = s.members.filter(
        (m) => !members.has(m) && !(s.events.length > 0 && ['on', 'once'].includes(m)),
      );
      expect(missing).toEqual([]);
      expect(s.events.filter((e) => !events.has(e))).toEqual([]);
    },
  );

  it('exports only what electron exports', () => {
    const text = readFileSync(join(root, 'node_modules/electron/electron.d.ts'), 'utf8');
    for (const name of EXPORTS as string[]) {
      expect(new RegExp(`(const|class) ${name}\\b`).test(text), name).toBe(true);
    }
  });

  it('catches a name Electron does not have', () => {
    const members = declaredOn(types, 'BrowserWindow', 'members');
    expect(members.has('setPosition')).toBe(true); // inherited from BaseWindow
    expect(members.has('setPositon')).toBe(false);
    expect(declaredOn(types, 'App', 'events').has('second-instance')).toBe(true);
    expect(declaredOn(types, 'App', 'events').has('second-instances')).toBe(false);
  });
});

describe('the packaged app on Linux, under the stand-in (wiring smoke test)', () => {
  it('offers `airlock` on PATH, starts at login through XDG autostart, falls back where the compositor places windows', async () => {
    const base = tempDir('airlock-wiring-packaged-');
    const home = join(base, 'home');
    const work = join(base, 'work');
    const dataDir = join(base, 'data');
    // The installed app's resources: the helpers and the unpacked CLI.
    const resources = join(base, 'opt/Airlock/resources');
    mkdirSync(join(resources, 'bin'), { recursive: true });
    mkdirSync(join(resources, 'app.asar.unpacked/out/cli'), { recursive: true });
    for (const f of ['bin/airlock', 'bin/airlock-node', 'app.asar.unpacked/out/cli/airlock.js']) {
      writeFileSync(join(resources, f), '');
    }
    mkdirSync(home);
    mkdirSync(work);
    const main = new MainUnderStandIn(dataDir, home, {
      packaged: true,
      resourcesPath: resources,
      compositorPlaces: true,
      messageBoxAnswer: 0, // "Create link"
    });
    let client: Client | null = null;
    try {
      await main.command('ready');
      await main.until(is('Tray#1', 'setContextMenu'));
      const popup = main.find('BrowserWindow#1', 'new')[0]!.args[0] as {
        webPreferences: { devTools: boolean };
      };
      expect(popup.webPreferences).toEqual({ ...HARDENED, devTools: false });
      type State = { menu: { label: string; checked?: boolean }[]; violations: string[] };
      let state = await main.command<State>('state');
      expect(state.menu.map((i) => i.label)).toContain('Put `airlock` on PATH…');

      // Start at login: an XDG autostart entry (Electron's login items do nothing on Linux).
      const entry = join(home, '.config/autostart/airlock.desktop');
      await main.command('click-menu', { label: 'Start at login', checked: true });
      await waitForFile(entry, true);
      expect(readFileSync(entry, 'utf8')).toContain(`Exec="${process.execPath}"`);
      await main.command('click-menu', { label: 'Start at login', checked: false });
      await waitForFile(entry, false);
      expect(main.find('app', 'setLoginItemSettings')).toEqual([]);

      // Put `airlock` on PATH: asked first, then a link in ~/.local/bin, then no more offer.
      await main.command('click-menu', { label: 'Put `airlock` on PATH…' });
      expect(main.find('dialog', 'showMessageBoxSync')).toHaveLength(1);
      expect(readlinkSync(join(home, '.local/bin/airlock'))).toBe(join(resources, 'bin/airlock'));
      const told = await main.until(is('dialog', 'showMessageBox'));
      expect((told.args[0] as { message: string }).message).toMatch(
        /^Installed `airlock` as .*\/\.local\/bin\/airlock/,
      );
      state = await main.command<State>('state');
      expect(state.menu.map((i) => i.label)).not.toContain('Put `airlock` on PATH…');

      // A compositor that ignores setPosition (Wayland): centred, and a notification points to it.
      client = await connectClient(filesystemServer(work), { dataDir });
      void client
        .callTool({ name: 'write_file', arguments: { path: join(work, 'c.txt'), content: 'x' } })
        .catch(() => {});
      await main.until(is('BrowserWindow#1', 'showInactive'));
      const setPos = index(main, is('BrowserWindow#1', 'setPosition'));
      expect(setPos).toBeGreaterThan(-1);
      expect(index(main, is('BrowserWindow#1', 'center'))).toBeGreaterThan(setPos);
      await main.until(is('Notification#1', 'show'));

      state = await main.command<State>('state');
      expect(state.violations).toEqual([]);
      await main.command('click-menu', { label: 'Quit Airlock' });
      expect(await main.exited).toBe(0);
    } finally {
      await client?.close().catch(() => {});
      main.kill();
      rmSync(base, { recursive: true, force: true });
    }
  });
});

/** Waits for a file to appear or go (the app writes it in response to a menu click). */
async function waitForFile(file: string, present: boolean): Promise<void> {
  await waitFor(
    () => existsSync(file) === present,
    10_000,
    `${file} ${present ? 'written' : 'removed'}`,
  );
}
