// Integration and e2e tests spawn the real built CLI (`out/cli/airlock.js`) and load the built
// renderer, so build first (a global setup of vitest and of Playwright).
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
