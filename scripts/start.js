#!/usr/bin/env node
// `npm start`: build and launch the desktop app. Where the Electron binary is absent (it is
// fetched on first use and cannot be downloaded on some machines), say so in one line and point
// to the headless gate instead of failing with a stack trace.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdirSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
// `require('electron')` tries to download a missing binary and prints its own noise: ask in a
// child process with its output captured, so that the user sees one clear line.
const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
  cwd: root,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'pipe'],
  timeout: 120_000,
});
const electronPath = probe.status === 0 ? probe.stdout.trim() : null;
if (typeof electronPath !== 'string' || electronPath === '') {
  console.error(
    'The Electron binary is not installed; run Airlock headless instead: `airlock gate`, then `airlock pending` / `airlock approve <id>` / `airlock deny <id>` (see README).',
  );
  process.exit(1);
}

// node_modules holds better-sqlite3 built for Node (the CLI, the shim's gate and the tests use
// it). Electron needs its own ABI: build a copy for this Electron once, beside it, and tell the
// app where it is. (Packaged apps are rebuilt by electron-builder instead.)
const binding = electronSqliteBinding();
if (!binding) process.exit(1);

const build = spawnSync(
  process.execPath,
  [resolve(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
  { cwd: root, stdio: 'inherit' },
);
if (build.status !== 0) process.exit(build.status ?? 1);

const child = spawn(electronPath, [root, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, AIRLOCK_SQLITE_BINDING: binding },
});
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));

function electronSqliteBinding() {
  const version = require(join(root, 'node_modules/electron/package.json')).version;
  const dir = join(root, 'node_modules/.cache/airlock', `electron-${version}`);
  const built = join(dir, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
  if (existsSync(built)) return built;
  console.log(`Building better-sqlite3 for Electron ${version} (once; needs Electron's headers)…`);
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'airlock-electron-native',
      private: true,
      dependencies: { 'better-sqlite3': '*' },
    }),
  );
  cpSync(join(root, 'node_modules/better-sqlite3'), join(dir, 'node_modules/better-sqlite3'), {
    recursive: true,
    filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`),
  });
  const rebuild = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/@electron/rebuild/lib/cli.js'),
      '--version',
      version,
      '--module-dir',
      dir,
      '--only',
      'better-sqlite3',
      '--force',
    ],
    { cwd: dir, stdio: 'inherit' },
  );
  if (rebuild.status !== 0 || !existsSync(built)) {
    console.error(
      'Could not build better-sqlite3 for Electron; the headless gate (`airlock gate`) works without it.',
    );
    return null;
  }
  return built;
}
