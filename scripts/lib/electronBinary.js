// Where Electron's binary is, asked the way Electron itself answers it: its `path.txt` (written
// by its installer once the binary is unpacked) or the `electron` module's export, which
// downloads the binary on first use (npm 11 may skip Electron's postinstall). Never read the
// path from the module's stdout: the download prints "Downloading Electron binary..." there.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

/** The binary if Electron's installer already finished, else null. No download, no child. */
function installedElectronBinary(electronDir, env = process.env) {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  if (!relative) return null;
  const dist = env.ELECTRON_OVERRIDE_DIST_PATH || join(electronDir, 'dist');
  const binary = join(dist, relative);
  return existsSync(binary) ? binary : null;
}

/**
 * { path } of the Electron binary, downloading it once if needed, or { error } in one line.
 * The child hands the module's export back on fd 3, so nothing it prints can be mistaken for it.
 */
function resolveElectronBinary(electronDir, opts = {}) {
  const env = opts.env ?? process.env;
  const already = installedElectronBinary(electronDir, env);
  if (already) return { path: already, downloaded: false };
  (opts.onDownload ?? (() => {}))();
  const child = spawnSync(
    opts.node ?? process.execPath,
    ['-e', 'require("node:fs").writeSync(3, String(require(process.argv[1])))', electronDir],
    {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 15 * 60_000,
    },
  );
  if (child.error)
    return { error: `could not run Node to fetch Electron (${child.error.message})` };
  const reported = (child.output?.[3] ?? '').trim();
  if (child.status !== 0 || !reported) {
    const why =
      reasonLine(child.stderr) ||
      reasonLine(child.stdout) ||
      `exit ${child.status ?? child.signal}`;
    return { error: `Electron's binary could not be fetched (${why})` };
  }
  if (!existsSync(reported)) {
    return { error: `Electron reported its binary at ${reported}, but there is no file there` };
  }
  return { path: reported, downloaded: true };
}

/** The line of a child's output that says what went wrong: its last `…Error: …` line, else its last line that is not a stack frame. */
function reasonLine(text) {
  const lines = String(text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at '));
  return (
    lines.findLast((l) => /^[\w.]*Error\b/.test(l))?.replace(/^Error: /, '') ?? lines.at(-1) ?? ''
  );
}

/**
 * Starts the binary. A spawn failure (ENOENT, EACCES…) arrives as the child's `error` event,
 * which would otherwise crash the script with a stack trace: it becomes one line instead.
 */
function launchElectron(binary, args, options, on) {
  let failed = false;
  const child = spawn(binary, args, options);
  child.on('error', (error) => {
    failed = true;
    on.onError(`could not start Electron at ${binary} (${error.code ?? error.message})`);
  });
  child.on('exit', (code, signal) => {
    if (!failed) on.onExit(signal ? 1 : (code ?? 0));
  });
  return child;
}

module.exports = { installedElectronBinary, resolveElectronBinary, launchElectron, reasonLine };
