// Integration tests spawn the real built CLI (`out/cli/airlock.js`), so build it first.
// `npm test` has built already and sets AIRLOCK_SKIP_BUILD=1.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function setup(): void {
  if (process.env.AIRLOCK_SKIP_BUILD === '1') return;
  const root = resolve(__dirname, '..');
  execFileSync(
    process.execPath,
    [resolve(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: root,
      stdio: 'ignore',
    },
  );
}
