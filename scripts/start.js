#!/usr/bin/env node
// `npm start`: build and launch the desktop app. Where the Electron binary is absent (it is
// fetched on first use and cannot be downloaded on some machines), say so in one line and point
// to the headless gate instead of failing with a stack trace.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { resolve } = require('node:path');

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

const build = spawnSync(
  process.execPath,
  [resolve(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
  { cwd: root, stdio: 'inherit' },
);
if (build.status !== 0) process.exit(build.status ?? 1);

const child = spawn(electronPath, [root, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
