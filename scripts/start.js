#!/usr/bin/env node
// `npm start`: build and launch the desktop app. Every failure is one line on stderr and exit 1:
// Electron's binary missing or not downloadable, better-sqlite3 not buildable for Electron,
// the build failing, or the binary not starting.
'use strict';
const { spawnSync } = require('node:child_process');
const { join, resolve } = require('node:path');
const { launchElectron, resolveElectronBinary } = require('./lib/electronBinary');
const { electronSqliteBinding } = require('./lib/electronNative');

const root = resolve(__dirname, '..');
const electronDir = join(root, 'node_modules/electron');

function fail(line) {
  console.error(`npm start: ${line}`);
  process.exit(1);
}

// 1. Electron's binary: from its installer's path.txt, else fetched once through its module.
const electron = resolveElectronBinary(electronDir, {
  onDownload: () => console.log("Fetching Electron's binary (once, about 100 MB)…"),
});
if (electron.error) {
  fail(
    `${electron.error}. Without the desktop app, run the headless gate: \`airlock gate\`, then \`airlock pending\` / \`airlock approve <id>\` / \`airlock deny <id>\` (see README).`,
  );
}

// 2. better-sqlite3 built for Electron's ABI, beside Node's own build (packaged apps get theirs
// from electron-builder instead).
const binding = electronSqliteBinding(root);
if (binding.error) fail(`${binding.error}; the headless gate (\`airlock gate\`) works without it.`);

// 3. The app itself.
const build = spawnSync(
  process.execPath,
  [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
  { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
);
if (build.status !== 0) fail('the build failed (electron-vite build, output above).');

// 4. Launch. The child's `error` event (ENOENT, EACCES…) is a one-line failure, not a crash.
launchElectron(
  electron.path,
  [root, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, AIRLOCK_SQLITE_BINDING: binding.path } },
  { onError: fail, onExit: (code) => process.exit(code) },
);
