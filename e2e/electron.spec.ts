// Launches the real Electron app where its binary exists; elsewhere skips with one line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { installedElectronBinary } from '../scripts/lib/electronBinary.js';
import { electronSqliteBinding } from '../scripts/lib/electronNative.js';

const root = resolve(__dirname, '..');

// Only a binary Electron's installer already put in place (path.txt): a test never downloads.
const binary = installedElectronBinary(join(root, 'node_modules/electron'));
// The app needs better-sqlite3 built for Electron, as `npm start` makes it (once).
const binding = binary ? electronSqliteBinding(root) : null;

test.describe('desktop app (Electron)', () => {
  test.skip(binary === null, 'Electron binary not installed on this machine');
  test.skip(binding?.error !== undefined, `better-sqlite3 for Electron: ${binding?.error ?? ''}`);

  test('starts, serves a hardened page with window.airlock only, and quits cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'airlock-electron-'));
    const app = await electron.launch({
      executablePath: binary ?? undefined,
      args: [root, `--data-dir=${dataDir}`],
      env: { ...process.env, AIRLOCK_HOME: dataDir, AIRLOCK_SQLITE_BINDING: binding?.path ?? '' },
    });
    try {
      const popup = await app.firstWindow();
      await expect(popup.locator('#root')).toBeVisible();
      const api = await popup.evaluate(() =>
        Object.keys((globalThis as unknown as { airlock: object }).airlock).sort(),
      );
      expect(api).toContain('decide');
      expect(api).toContain('onEvent');
      // No Node in the page: sandboxed, contextIsolation on, nodeIntegration off.
      const nodeGlobals = await popup.evaluate(() => {
        const g = globalThis as unknown as {
          require?: unknown;
          process?: unknown;
          Buffer?: unknown;
        };
        return [typeof g.require, typeof g.process, typeof g.Buffer];
      });
      expect(nodeGlobals).toEqual(['undefined', 'undefined', 'undefined']);
      const windows = await app.evaluate(
        ({ BrowserWindow }) => BrowserWindow.getAllWindows().length,
      );
      expect(windows).toBeGreaterThanOrEqual(1);
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
