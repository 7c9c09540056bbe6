// electron-builder's afterPack hook (`npm run dist`): puts better-sqlite3 built for Electron
// into the packaged app. electron-builder's own rebuild (npmRebuild) is off because it rebuilds
// the developer's node_modules in place, leaving the CLI and the tests with a module Node cannot
// load. This uses the same ABI-checked build as `npm start` (scripts/lib/electronNative.js),
// kept in its cache, and checks the ABI of what lands in the package.
'use strict';
const { copyFileSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { electronAbi, electronSqliteBinding, moduleAbi } = require('./lib/electronNative');

const root = resolve(__dirname, '..');
// builder-util's Arch enum, by number.
const ARCH = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** The packaged app's resources folder. */
function resourcesDir(context) {
  if (context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas') {
    return join(
      context.appOutDir,
      `${context.packager.appInfo.productFilename}.app`,
      'Contents',
      'Resources',
    );
  }
  return join(context.appOutDir, 'resources');
}

exports.default = async function afterPack(context) {
  const platform = context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName;
  const arch = ARCH[context.arch];
  if (platform !== process.platform) {
    throw new Error(
      `better-sqlite3 is compiled on the target OS: build the ${platform} package on ${platform}`,
    );
  }
  if (arch === 'universal')
    throw new Error('universal macOS builds are not supported; build x64 and arm64');
  const built = electronSqliteBinding(root, { arch });
  if (built.error) throw new Error(built.error);
  const target = join(
    resourcesDir(context),
    'app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
  );
  copyFileSync(built.path, target);
  const abi = electronAbi(join(root, 'node_modules/electron'));
  if (moduleAbi(readFileSync(target)) !== abi)
    throw new Error(`${target} is not built for ABI ${abi}`);
};
