// better-sqlite3 for Electron, built once beside Node's own build (node_modules keeps Node's,
// which the CLI, the shim's gate and the tests load). Two rules:
// - the build always targets Electron's headers: a `nodedir` inherited from the environment
//   (npm passes a project or user .npmrc to scripts as npm_config_nodedir) would make node-gyp
//   compile against Node's headers instead, so it is removed for this build;
// - a build whose ABI is not Electron's is never kept: it would crash the app on every start.
'use strict';
const { spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join, sep } = require('node:path');

/** The NODE_MODULE_VERSION a native module registers itself under, read from its bytes. */
function moduleAbi(bytes) {
  const text = Buffer.from(bytes).toString('latin1');
  const found = new Set(
    [...text.matchAll(/node_register_module_v(\d+)/g)].map((m) => Number(m[1])),
  );
  // A module naming two ABIs is not one we can vouch for.
  return found.size === 1 ? [...found][0] : null;
}

/** Electron's NODE_MODULE_VERSION, as its npm package records it. */
function electronAbi(electronDir) {
  const abi = Number(readFileSync(join(electronDir, 'abi_version'), 'utf8').trim());
  if (!Number.isInteger(abi) || abi <= 0)
    throw new Error(`no ABI in ${join(electronDir, 'abi_version')}`);
  return abi;
}

/**
 * The environment for the Electron rebuild: the caller's, minus every spelling of
 * npm_config_nodedir. AIRLOCK_ELECTRON_HEADERS (a local copy of Electron's headers tarball,
 * for machines without access to electronjs.org) becomes node-gyp's `tarball`.
 */
function electronRebuildEnv(env) {
  const out = {};
  for (const [key, value] of Object.entries(env)) {
    if (/^npm_config_(nodedir|tarball)$/i.test(key)) continue;
    out[key] = value;
  }
  if (env.AIRLOCK_ELECTRON_HEADERS) out.npm_config_tarball = env.AIRLOCK_ELECTRON_HEADERS;
  return out;
}

/** Is this file a native module for this ABI? Missing or unreadable: no. */
function builtFor(file, abi) {
  try {
    return moduleAbi(readFileSync(file)) === abi;
  } catch {
    return false;
  }
}

/**
 * { path } of better_sqlite3.node built for this Electron, building it if needed, or
 * { error } in one line. `run(command, args, options)` is spawnSync (tests pass a stand-in).
 */
function electronSqliteBinding(root, opts = {}) {
  const env = opts.env ?? process.env;
  const run = opts.run ?? spawnSync;
  const log = opts.log ?? ((line) => console.log(line));
  const electronDir = join(root, 'node_modules/electron');
  const version = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
  const abi = electronAbi(electronDir);
  const arch = opts.arch ?? process.arch;
  // AIRLOCK_NATIVE_CACHE moves the cache (the packaging test keeps its own).
  const cache = env.AIRLOCK_NATIVE_CACHE || join(root, 'node_modules/.cache/airlock');
  const dir = join(cache, `electron-${version}-${process.platform}-${arch}`);
  const buildDir = join(dir, 'node_modules/better-sqlite3/build');
  const built = join(buildDir, 'Release/better_sqlite3.node');
  if (builtFor(built, abi)) return { path: built };
  // A build left by an older start (or built against the wrong headers) is thrown away.
  rmSync(buildDir, { recursive: true, force: true });
  log(
    `Building better-sqlite3 for Electron ${version} (once: a prebuilt download, or a compile of up to a few minutes)…`,
  );
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
    filter: (src) => !src.includes(`${sep}better-sqlite3${sep}build`),
  });
  const rebuild = run(
    process.execPath,
    [
      join(root, 'node_modules/@electron/rebuild/lib/cli.js'),
      '--version',
      version,
      '--arch',
      arch,
      '--module-dir',
      dir,
      '--only',
      'better-sqlite3',
      '--force',
    ],
    { cwd: dir, stdio: opts.stdio ?? 'inherit', env: electronRebuildEnv(env) },
  );
  if (rebuild.error || rebuild.status !== 0 || !existsSync(built)) {
    rmSync(buildDir, { recursive: true, force: true });
    return {
      error: `could not build better-sqlite3 for Electron ${version} (see the build output above)`,
    };
  }
  let got = null;
  try {
    got = moduleAbi(readFileSync(built));
  } catch {
    // read as "unknown ABI" below
  }
  if (got !== abi) {
    rmSync(buildDir, { recursive: true, force: true });
    return {
      error: `better-sqlite3 was built for ABI ${got ?? 'unknown'}, not Electron ${version}'s ${abi} (node-gyp used other headers); not kept`,
    };
  }
  return { path: built };
}

module.exports = { moduleAbi, electronAbi, electronRebuildEnv, electronSqliteBinding };
