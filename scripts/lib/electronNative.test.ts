// The Electron build of better-sqlite3: always against Electron's headers, never cached with
// another ABI. The rebuild itself needs Electron's headers from the network, so a stand-in
// `run` plays node-gyp here and writes what a right or a wrong build would produce.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  electronAbi,
  electronRebuildEnv,
  electronSqliteBinding,
  moduleAbi,
} from './electronNative.js';

const repo = resolve(__dirname, '../..');
const nodeBuild = join(repo, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
const electronDir = join(repo, 'node_modules/electron');

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A project root with the real electron package's facts and a small better-sqlite3. */
function fakeRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'airlock-native-'));
  dirs.push(root);
  const e = join(root, 'node_modules/electron');
  mkdirSync(e, { recursive: true });
  writeFileSync(join(e, 'package.json'), readFileSync(join(electronDir, 'package.json')));
  writeFileSync(join(e, 'abi_version'), readFileSync(join(electronDir, 'abi_version')));
  const b = join(root, 'node_modules/better-sqlite3');
  mkdirSync(join(b, 'build/Release'), { recursive: true });
  writeFileSync(join(b, 'package.json'), '{"name":"better-sqlite3"}');
  // Node's own build in the project: must never reach the Electron copy.
  writeFileSync(join(b, 'build/Release/better_sqlite3.node'), readFileSync(nodeBuild));
  return root;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

type Run = NonNullable<Parameters<typeof electronSqliteBinding>[1]>['run'];

/** A rebuild that writes a module registering under `abi`, and remembers its environment. */
function rebuildWriting(abi: number, seen: NodeJS.ProcessEnv[]): Run {
  return (_cmd, args, options) => {
    seen.push(options.env);
    const moduleDir = args[args.indexOf('--module-dir') + 1]!;
    const out = join(moduleDir, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, Buffer.from(`\0ELF...node_register_module_v${abi}\0...`, 'latin1'));
    return { status: 0, error: undefined };
  };
}

describe('moduleAbi', () => {
  it("reads the ABI a real native module registers under (this Node's build)", () => {
    expect(moduleAbi(readFileSync(nodeBuild))).toBe(Number(process.versions.modules));
  });

  it('is null for a file that names no ABI or two', () => {
    expect(moduleAbi(Buffer.from('plain bytes'))).toBeNull();
    expect(
      moduleAbi(Buffer.from('node_register_module_v115 node_register_module_v150')),
    ).toBeNull();
  });

  it("knows Electron's ABI from its package", () => {
    expect(electronAbi(electronDir)).toBeGreaterThan(Number(process.versions.modules));
  });
});

describe('electronRebuildEnv', () => {
  it('drops every spelling of npm_config_nodedir, so node-gyp takes Electron headers', () => {
    const env = electronRebuildEnv({
      PATH: '/usr/bin',
      npm_config_nodedir: '/usr',
      NPM_CONFIG_NODEDIR: '/usr',
      npm_config_tarball: '/tmp/node-headers.tgz',
    });
    expect(env).toEqual({ PATH: '/usr/bin' });
  });

  it('uses AIRLOCK_ELECTRON_HEADERS as the headers tarball for offline builds', () => {
    expect(
      electronRebuildEnv({ npm_config_nodedir: '/usr', AIRLOCK_ELECTRON_HEADERS: '/h/e.tgz' }),
    ).toEqual({ AIRLOCK_ELECTRON_HEADERS: '/h/e.tgz', npm_config_tarball: '/h/e.tgz' });
  });
});

describe('electronSqliteBinding', () => {
  const abi = electronAbi(electronDir);

  it("keeps a build with Electron's ABI, built without nodedir, and reuses it", () => {
    const root = fakeRoot();
    const seen: NodeJS.ProcessEnv[] = [];
    const first = electronSqliteBinding(root, {
      env: { PATH: process.env.PATH, npm_config_nodedir: '/usr' },
      run: rebuildWriting(abi, seen),
      log: () => {},
    });
    expect(first.error).toBeUndefined();
    expect(first.path).toContain(join('node_modules/.cache/airlock'));
    expect(moduleAbi(readFileSync(first.path!))).toBe(abi);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.npm_config_nodedir).toBeUndefined();
    // Node's build in the project is untouched.
    expect(
      sha256(join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')),
    ).toBe(sha256(nodeBuild));

    const again = electronSqliteBinding(root, { run: rebuildWriting(abi, seen), log: () => {} });
    expect(again.path).toBe(first.path);
    expect(seen).toHaveLength(1);
  });

  it("refuses to cache a build with Node's ABI, and rebuilds over a stale one", () => {
    const root = fakeRoot();
    const seen: NodeJS.ProcessEnv[] = [];
    const wrong = electronSqliteBinding(root, {
      run: rebuildWriting(Number(process.versions.modules), seen),
      log: () => {},
    });
    expect(wrong.path).toBeUndefined();
    expect(wrong.error).toBe(
      `better-sqlite3 was built for ABI ${process.versions.modules}, not Electron ${JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version}'s ${abi} (node-gyp used other headers); not kept`,
    );
    const cacheRoot = join(root, 'node_modules/.cache/airlock');
    const leftover = join(
      cacheRoot,
      `electron-${JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version}-${process.platform}-${process.arch}`,
      'node_modules/better-sqlite3/build',
    );
    expect(existsSync(leftover)).toBe(false);

    // A wrong build cached by an older version of this script is detected and replaced.
    mkdirSync(join(leftover, 'Release'), { recursive: true });
    writeFileSync(join(leftover, 'Release/better_sqlite3.node'), readFileSync(nodeBuild));
    const fixed = electronSqliteBinding(root, { run: rebuildWriting(abi, seen), log: () => {} });
    expect(fixed.path).toBe(join(leftover, 'Release/better_sqlite3.node'));
    expect(seen).toHaveLength(2);
  });

  it('reports a failed rebuild in one line and keeps nothing', () => {
    const root = fakeRoot();
    const got = electronSqliteBinding(root, {
      run: () => ({ status: 1, error: undefined }),
      log: () => {},
    });
    expect(got.error).toMatch(/^could not build better-sqlite3 for Electron \d+\.\d+\.\d+/);
  });
});
