// `npm start` where the Electron binary is absent: one line pointing to the headless gate.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const electronInstalled =
  spawnSync(process.execPath, ['-e', "require('electron')"], {
    cwd: root,
    stdio: 'ignore',
    timeout: 60_000,
  }).status === 0;

describe('npm start', () => {
  it.skipIf(electronInstalled)(
    'says in one line that Electron is missing and points to `airlock gate`',
    () => {
      const r = spawnSync(process.execPath, [resolve(root, 'scripts/start.js')], {
        cwd: root,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/Electron binary is not installed.*airlock gate/);
    },
  );
});
