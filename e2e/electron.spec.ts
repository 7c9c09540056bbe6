// Launches the real Electron app where its binary exists; elsewhere skips with one line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

const root = resolve(__dirname, '..');

// Asked in a child process: require('electron') tries to download a missing binary.
function electronBinary(): string | null {
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 60_000,
  });
  return probe.status === 0 && probe.stdout ? probe.stdout.trim() : null;
}

const binary = electronBinary();

test.describe('desktop app (Electron)', () => {
  test.skip(binary === null, 'Electron binary not installed on this machine');

  test('starts, serves a hardened page with window.airlock only, and quits cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'airlock-electron-'));
    const app = await electron.launch({
      executablePath: binary ?? undefined,
      args: [root, `--data-dir=${dataDir}`],
      env: { ...process.env, AIRLOCK_HOME: dataDir },
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
