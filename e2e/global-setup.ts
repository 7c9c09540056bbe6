// The e2e suites load the built renderer and run the built CLI (shim): build once, unless the
// caller already did (AIRLOCK_SKIP_BUILD=1, as `npm test` does).
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function globalSetup(): void {
  if (process.env.AIRLOCK_SKIP_BUILD === '1') return;
  const root = resolve(__dirname, '..');
  execFileSync(
    process.execPath,
    [resolve(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}
