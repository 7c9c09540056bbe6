// `npm run dist` as far as it runs here: electron-builder's real `--dir` and `deb` targets for
// Linux, against a stand-in Electron distribution (electronDist: a shell script carrying a real
// fuse wire, which acts as Node under ELECTRON_RUN_AS_NODE like Electron does) and a stand-in
// fpm that records what electron-builder asks it to put in the .deb (fpm itself is a download).
// Checks the package's layout, the fuses, the .deb's dependencies, the Electron build of
// better-sqlite3 put in by afterPack, and that every `airlock` command runs from the unpacked
// tree through resources/bin/airlock with no Node on PATH.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronAbi, moduleAbi } from './lib/electronNative.js';
import { everythingServer, NODE, tempDir, waitFor } from '../src/testing/harness';

const root = resolve(__dirname, '..');
const electronVersion = JSON.parse(
  readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
).version as string;
const ABI = electronAbi(join(root, 'node_modules/electron'));
const nodeBuild = join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSES = [
  'RunAsNode',
  'EnableCookieEncryption',
  'EnableNodeOptionsEnvironmentVariable',
  'EnableNodeCliInspectArguments',
  'EnableEmbeddedAsarIntegrityValidation',
  'OnlyLoadAppFromAsar',
  'LoadBrowserProcessSpecificV8Snapshot',
  'GrantFileProtocolExtraPrivileges',
];
// Electron's own defaults, so that every fuse electron-builder sets shows as a change.
const ELECTRON_DEFAULT_WIRE = '10110001';

/** The fuse wire in a binary, read the way Electron reads it: after the sentinel. */
function readFuses(binary: string): Record<string, boolean> {
  const bytes = readFileSync(binary);
  const at = bytes.indexOf(SENTINEL);
  if (at < 0) throw new Error('no fuse sentinel');
  const wire = at + SENTINEL.length;
  expect(bytes[wire]).toBe(1); // fuse wire version
  const length = bytes[wire + 1]!;
  return Object.fromEntries(
    FUSES.slice(0, length).map((name, i) => [name, bytes[wire + 2 + i] === 0x31]),
  );
}

/** Every file in an asar archive, with whether it is unpacked (the archive's JSON header). */
function asarFiles(archive: string): Map<string, boolean> {
  const bytes = readFileSync(archive);
  const length = bytes.readUInt32LE(12);
  const header = JSON.parse(bytes.subarray(16, 16 + length).toString('utf8')) as Entry;
  interface Entry {
    files?: Record<string, Entry>;
    unpacked?: boolean;
  }
  const out = new Map<string, boolean>();
  const walk = (e: Entry, prefix: string) => {
    for (const [name, child] of Object.entries(e.files ?? {})) {
      if (child.files) walk(child, `${prefix}${name}/`);
      else out.set(`${prefix}${name}`, child.unpacked === true);
    }
  };
  walk(header, '');
  return out;
}

let base: string;
let app: string; // dist/linux-unpacked
let resources: string;
let fpmArgs: string[];
let nodeBuildHash: string;
let built: { status: number | null; stdout: string; stderr: string };

beforeAll(() => {
  base = tempDir('airlock-packaging-');
  // A stand-in Electron distribution: the "binary" is a shell script holding a fuse wire.
  const electronDist = join(base, 'electron-dist');
  mkdirSync(join(electronDist, 'resources'), { recursive: true });
  const binary = Buffer.concat([
    Buffer.from('#!/bin/sh\n# stand-in Electron, fuse wire: '),
    Buffer.from(SENTINEL),
    Buffer.from([1, 8]),
    Buffer.from(`${ELECTRON_DEFAULT_WIRE}\n`),
    Buffer.from(
      `if [ "$ELECTRON_RUN_AS_NODE" = 1 ]; then exec "${NODE}" "$@"; fi\necho "stand-in Electron: no desktop here" >&2\nexit 3\n`,
    ),
  ]);
  writeFileSync(join(electronDist, 'electron'), binary, { mode: 0o755 });
  writeFileSync(join(electronDist, 'version'), `v${electronVersion}`);
  writeFileSync(join(electronDist, 'LICENSE'), '');
  writeFileSync(join(electronDist, 'LICENSES.chromium.html'), '');

  // The Electron build of better-sqlite3 that `npm start` would have made (it needs Electron's
  // headers from the network): a file that registers under Electron's ABI.
  const cache = join(base, 'native-cache');
  const cached = join(
    cache,
    `electron-${electronVersion}-${process.platform}-${process.arch}`,
    'node_modules/better-sqlite3/build/Release',
  );
  mkdirSync(cached, { recursive: true });
  writeFileSync(
    join(cached, 'better_sqlite3.node'),
    `stand-in node_register_module_v${ABI} module`,
  );

  // fpm stand-in: records its arguments and writes the package file electron-builder expects.
  const fpm = join(base, 'fpm');
  writeFileSync(
    fpm,
    `#!${NODE}\nconst a = process.argv.slice(2);\nrequire('fs').writeFileSync(${JSON.stringify(join(base, 'fpm-args.json'))}, JSON.stringify(a));\nrequire('fs').writeFileSync(a[a.indexOf('--package') + 1], 'stand-in deb');\n`,
    { mode: 0o755 },
  );

  nodeBuildHash = sha256(nodeBuild);
  built = spawnSync(
    NODE,
    [
      join(root, 'node_modules/electron-builder/cli.js'),
      '--linux',
      'dir',
      'deb',
      `-c.electronDist=${electronDist}`,
      `-c.directories.output=${join(base, 'dist')}`,
    ],
    {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        AIRLOCK_NATIVE_CACHE: cache,
        CUSTOM_FPM_PATH: fpm,
        npm_config_nodedir: '/usr',
      },
    },
  );
  app = join(base, 'dist/linux-unpacked');
  resources = join(app, 'resources');
  fpmArgs = existsSync(join(base, 'fpm-args.json'))
    ? JSON.parse(readFileSync(join(base, 'fpm-args.json'), 'utf8'))
    : [];
}, 300_000);

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

describe('electron-builder against a stand-in Electron distribution', () => {
  it('packages without error', () => {
    expect(built.stderr + built.stdout).not.toMatch(/⨯/);
    expect(built.status).toBe(0);
  });

  it('keeps the app in the asar and unpacks exactly what runs outside it', () => {
    expect(statSync(join(app, 'airlock-app')).mode & 0o111).not.toBe(0);
    const files = asarFiles(join(resources, 'app.asar'));
    const packed = [...files].filter(([, unpacked]) => !unpacked).map(([f]) => f);
    const unpacked = [...files].filter(([, u]) => u).map(([f]) => f);
    for (const f of [
      'package.json',
      'out/main/index.js',
      'out/preload/index.js',
      'out/renderer/index.html',
      'assets/tray-idle.png',
    ]) {
      expect(packed).toContain(f);
    }
    // Nothing of the sources, tests, source maps or the command-line helpers inside the asar.
    expect(
      packed.filter((f) =>
        /\.map$|\.test\.|^(src|main|renderer|e2e|scripts|bench)\/|^assets\/bin\//.test(f),
      ),
    ).toEqual([]);
    const unpackedTop = new Set(
      unpacked.map((f) =>
        f
          .split('/')
          .slice(0, f.startsWith('node_modules/') ? 2 : 2)
          .join('/'),
      ),
    );
    expect([...unpackedTop].sort()).toEqual([
      'node_modules/@napi-rs',
      'node_modules/ajv',
      'node_modules/better-sqlite3',
      'node_modules/bindings',
      'node_modules/fast-deep-equal',
      'node_modules/fast-uri',
      'node_modules/file-uri-to-path',
      'node_modules/json-schema-traverse',
      'node_modules/jsonc-parser',
      'node_modules/require-from-string',
      'node_modules/smol-toml',
      'node_modules/yaml',
      'node_modules/zod',
      'out/chunks',
      'out/cli',
    ]);
    // And they are really on disk beside the asar.
    expect(existsSync(join(resources, 'app.asar.unpacked/out/cli/airlock.js'))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const dep of Object.keys(pkg.dependencies)) {
      expect(
        existsSync(join(resources, 'app.asar.unpacked/node_modules', dep, 'package.json')),
        dep,
      ).toBe(true);
    }
    // The OS keychain binding and this platform's native file (the shim loads it from the CLI).
    const keyringNative = join(
      resources,
      `app.asar.unpacked/node_modules/@napi-rs/keyring-${process.platform}-${process.arch}-gnu`,
      `keyring.${process.platform}-${process.arch}-gnu.node`,
    );
    if (process.platform === 'linux') expect(existsSync(keyringNative), keyringNative).toBe(true);
    // The helpers sit in resources/bin, the POSIX ones executable.
    expect(readdirSync(join(resources, 'bin')).sort()).toEqual([
      'airlock',
      'airlock-node',
      'airlock-node.cmd',
      'airlock.cmd',
    ]);
    for (const f of ['airlock', 'airlock-node'])
      expect(statSync(join(resources, 'bin', f)).mode & 0o111).not.toBe(0);
  });

  it("puts better-sqlite3 built for Electron's ABI in the package, and leaves node_modules alone", () => {
    const packaged = join(
      resources,
      'app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    );
    expect(moduleAbi(readFileSync(packaged))).toBe(ABI);
    expect(sha256(nodeBuild)).toBe(nodeBuildHash);
    expect(moduleAbi(readFileSync(nodeBuild))).toBe(Number(process.versions.modules));
  });

  it('sets the fuses as configured', () => {
    expect(readFuses(join(app, 'airlock-app'))).toEqual({
      RunAsNode: true,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: true,
    });
  });

  it("asks for a .deb with electron-builder's default Depends and the app-indicator only recommended", () => {
    const values = (flag: string) =>
      fpmArgs.flatMap((a, i) => (a === flag ? [fpmArgs[i + 1]] : []));
    expect(fpmArgs.slice(0, 5)).toEqual(['-s', 'dir', '--force', '-t', 'deb']);
    expect(values('-d')).toEqual([
      'libgtk-3-0',
      'libnotify4',
      'libnss3',
      'libxss1',
      'libxtst6',
      'xdg-utils',
      'libatspi2.0-0',
      'libuuid1',
      'libsecret-1-0',
    ]);
    expect(values('-d').join(' ')).not.toMatch(/appindicator/);
    expect(values('--deb-recommends')).toEqual(['libayatana-appindicator3-1 | libappindicator3-1']);
    expect(values('--url')).toEqual(['https://airlock.dev']);
    expect(fpmArgs).toContain(`${app}/=/opt/Airlock`);
  });
});

describe('the packaged command line, from the unpacked tree, with no Node on PATH', () => {
  let tools: string; // PATH: the few programs the launcher scripts use, and no node
  let airlock: string; // a link to resources/bin/airlock, as "Put airlock on PATH" makes
  let dataDir: string;
  let home: string;
  let gate: ReturnType<typeof spawn> | null = null;
  const env = () => ({
    PATH: tools,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    LANG: 'C.UTF-8',
  });

  function run(...args: string[]) {
    const r = spawnSync(airlock, [...args], { encoding: 'utf8', env: env() });
    // Whatever the command says, it never fails to load (the bug: modules left in the asar).
    expect(r.stderr).not.toMatch(/Cannot find module|MODULE_NOT_FOUND|ERR_DLOPEN/);
    return r;
  }

  beforeAll(() => {
    // No Electron binary here runs this tree: Node stands in for Electron-as-Node, so Node's
    // build of better-sqlite3 goes back in place of the Electron one.
    copyFileSync(
      nodeBuild,
      join(
        resources,
        'app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      ),
    );
    tools = join(base, 'tools');
    mkdirSync(tools);
    for (const t of ['readlink', 'dirname', 'uname']) symlinkSync(`/usr/bin/${t}`, join(tools, t));
    const userBin = join(base, 'user-bin');
    mkdirSync(userBin);
    airlock = join(userBin, 'airlock');
    symlinkSync(join(resources, 'bin/airlock'), airlock);
    dataDir = join(base, 'data');
    home = join(base, 'home');
    mkdirSync(home);
  });

  afterAll(() => {
    gate?.kill('SIGKILL');
  });

  it('the shim loads the OS keychain binding from the unpacked tree for a keychain reference', () => {
    // No Secret Service on this bus: the item is missing, which the binding can only report once
    // it has loaded (a binding left in the asar fails to load with another message).
    const r = spawnSync(
      airlock,
      ['shim', '--server', 'probe', '--data-dir', dataDir, '--', 'true'],
      {
        encoding: 'utf8',
        input: '',
        env: {
          ...env(),
          API_KEY: `airlock-keychain:${'0'.repeat(32)}`,
          DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(base, 'no-bus')}`,
        },
      },
    );
    expect(r.stderr).toMatch(/the secret for env API_KEY is not in the OS keychain/);
    expect(r.status).toBe(78);
  });

  it('runs every command', async () => {
    expect(spawnSync('sh', ['-c', 'command -v node'], { env: env() }).status).not.toBe(0);
    expect(run('--help').status).toBe(0);
    expect(run('status', '--data-dir', dataDir).status).toBe(3); // no gate yet
    expect(
      run('rules', 'add', '--tool', 'echo', '--action', 'ask', '--data-dir', dataDir).stdout,
    ).toMatch(/^Added rule 1 /);

    gate = spawn(airlock, ['gate', '--data-dir', dataDir], { env: env(), stdio: 'ignore' });
    await waitFor(() => run('status', '--data-dir', dataDir).status === 0, 60_000, 'the gate');

    for (const args of [
      ['settings'],
      ['settings', 'set', 'timeout', '120'],
      ['pending', '--json'],
      ['history', '--json'],
      ['history', 'export', '--format', 'csv'],
      ['rules', 'list', '--json'],
      ['rules', 'test', '1'],
      ['audit', 'verify'],
      ['hosts', 'scan', '--json'],
    ]) {
      const r = run(...args, '--data-dir', dataDir);
      expect({ args, status: r.status, stderr: r.stderr }).toEqual({ args, status: 0, stderr: '' });
    }
    expect(run('deny', '999', '--data-dir', dataDir).stderr).toMatch(/999/);

    // shim: a real client calls a real server through the packaged shim; the call waits (the ask
    // rule) until the packaged `airlock approve` lets it through.
    const everything = everythingServer();
    const client = new Client({ name: 'packaging-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: airlock,
        args: [
          'shim',
          '--server',
          'everything',
          '--data-dir',
          dataDir,
          '--',
          everything.command,
          ...everything.args,
        ],
        env: env(),
        stderr: 'pipe',
      }),
    );
    try {
      const call = client.callTool({ name: 'echo', arguments: { message: 'through the package' } });
      const waiting = await waitFor(
        () => {
          const rows = JSON.parse(run('pending', '--json', '--data-dir', dataDir).stdout) as {
            id: number;
          }[];
          return rows[0];
        },
        60_000,
        'the waiting call',
      );
      expect(run('approve', String(waiting.id), '--data-dir', dataDir).status).toBe(0);
      const result = (await call) as { content: { text: string }[] };
      expect(result.content[0]!.text).toContain('through the package');
    } finally {
      await client.close();
    }
    expect(run('rules', 'remove', '1', '--data-dir', dataDir).status).toBe(0);
  });

  it('hosts install writes an entry that runs the app binary as Node, and it works with no Node', async () => {
    const config = join(home, '.config/Claude/claude_desktop_config.json');
    mkdirSync(join(home, '.config/Claude'), { recursive: true });
    const everything = everythingServer();
    writeFileSync(
      config,
      JSON.stringify(
        { mcpServers: { everything: { command: everything.command, args: everything.args } } },
        null,
        2,
      ),
    );
    const r = run('hosts', 'install', '--host', 'claude-desktop', '--all', '--data-dir', dataDir);
    expect(r.status).toBe(0);
    const entry = (
      JSON.parse(readFileSync(config, 'utf8')) as {
        mcpServers: Record<string, { command: string; args: string[] }>;
      }
    ).mcpServers.everything!;
    expect(entry.command).toBe(realpathSync(join(resources, 'bin/airlock-node')));
    expect(entry.args[0]).toBe(
      realpathSync(join(resources, 'app.asar.unpacked/out/cli/airlock.js')),
    );
    expect(entry.args.slice(1, 2)).toEqual(['shim']);

    // The host's view: exactly that command line, with a PATH that has no node.
    const client = new Client({ name: 'packaging-host', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: entry.command,
        args: entry.args,
        env: env(),
        stderr: 'pipe',
      }),
    );
    try {
      const tools = await client.listTools();
      expect(tools.tools.map((t) => t.name)).toContain('echo');
    } finally {
      await client.close();
    }
  });
});
