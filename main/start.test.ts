// `npm start` where the Electron binary is absent: one line pointing to the headless gate.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installedElectronBinary } from '../scripts/lib/electronBinary.js';

const root = resolve(__dirname, '..');
const electronInstalled = installedElectronBinary(resolve(root, 'node_modules/electron')) !== null;

describe('npm start', () => {
  it.skipIf(electronInstalled)(
    'says in one line that Electron could not be fetched and points to `airlock gate`',
    () => {
      const cache = mkdtempSync(join(tmpdir(), 'airlock-electron-cache-'));
      // The download goes to a closed local port, so it fails at once on any machine (a
      // desktop with network would otherwise fetch Electron and start the app).
      const r = spawnSync(process.execPath, [resolve(root, 'scripts/start.js')], {
        cwd: root,
        encoding: 'utf8',
        timeout: 240_000,
        env: {
          ...process.env,
          ELECTRON_MIRROR: 'http://127.0.0.1:9/',
          electron_config_cache: cache,
        },
      });
      rmSync(cache, { recursive: true, force: true });
      expect(r.status).toBe(1);
      // stdout says only that a one-time fetch is being tried.
      expect(r.stdout.trim()).toBe("Fetching Electron's binary (once, about 100 MB)…");
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^npm start: Electron's binary could not be fetched \(.+\)\..*airlock gate/,
      );
    },
  );
});
