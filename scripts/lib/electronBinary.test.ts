// Resolving Electron's binary the way Electron answers it, against stand-in `electron` packages
// (the real one cannot download here), run through a real child Node.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  installedElectronBinary,
  launchElectron,
  reasonLine,
  resolveElectronBinary,
} from './electronBinary.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** An `electron` package whose index.js behaves like Electron's: prints, downloads, exports. */
function fakeElectronPackage(indexJs: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-fake-electron-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', main: 'index.js' }));
  writeFileSync(join(dir, 'index.js'), indexJs);
  return dir;
}

// What Electron 45's index.js does on first use: "Downloading…" on stdout, then the installer
// writes dist/ and path.txt, then the module exports the binary's path.
const DOWNLOADS_ON_FIRST_USE = `
const fs = require('fs'), path = require('path');
console.log('Downloading Electron binary...');
fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true });
fs.writeFileSync(path.join(__dirname, 'dist', 'electron'), '#!/bin/sh\\n');
fs.writeFileSync(path.join(__dirname, 'path.txt'), 'electron');
module.exports = path.join(__dirname, 'dist', 'electron');
`;

describe('resolveElectronBinary', () => {
  it('takes the path Electron exports after its first-use download, never its stdout', () => {
    const dir = fakeElectronPackage(DOWNLOADS_ON_FIRST_USE);
    let announced = 0;
    const got = resolveElectronBinary(dir, { onDownload: () => announced++ });
    expect(got).toEqual({ path: join(dir, 'dist', 'electron'), downloaded: true });
    expect(announced).toBe(1);
    // Once downloaded, path.txt answers without running anything.
    expect(installedElectronBinary(dir)).toBe(join(dir, 'dist', 'electron'));
    expect(resolveElectronBinary(dir, { onDownload: () => announced++ })).toEqual({
      path: join(dir, 'dist', 'electron'),
      downloaded: false,
    });
    expect(announced).toBe(1);
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH as Electron does', () => {
    const dir = fakeElectronPackage('throw new Error("must not be required")');
    const dist = join(dir, 'elsewhere');
    mkdirSync(dist);
    writeFileSync(join(dist, 'electron'), '');
    writeFileSync(join(dir, 'path.txt'), 'electron');
    expect(installedElectronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: dist })).toBe(
      join(dist, 'electron'),
    );
    expect(installedElectronBinary(dir, {})).toBeNull();
  });

  it('reports a failed download as one line with the reason', () => {
    const dir = fakeElectronPackage(
      "console.log('Downloading Electron binary...'); throw new Error('getaddrinfo ENOTFOUND github.com');",
    );
    const got = resolveElectronBinary(dir);
    expect(got.path).toBeUndefined();
    expect(got.error).toBe(
      "Electron's binary could not be fetched (getaddrinfo ENOTFOUND github.com)",
    );
  });

  it('refuses an exported path with no file behind it', () => {
    const dir = fakeElectronPackage("module.exports = '/nonexistent/electron';");
    expect(resolveElectronBinary(dir).error).toMatch(
      /reported its binary at \/nonexistent\/electron, but there is no file there/,
    );
  });
});

describe('launchElectron', () => {
  it('turns a spawn failure into one line instead of an uncaught error', async () => {
    const dir = fakeElectronPackage('');
    const notExecutable = join(dir, 'electron');
    writeFileSync(notExecutable, 'not a program');
    chmodSync(notExecutable, 0o644);
    for (const binary of [notExecutable, join(dir, 'missing')]) {
      const line = await new Promise<string>((resolve, reject) => {
        launchElectron(
          binary,
          [],
          { stdio: 'ignore' },
          { onError: resolve, onExit: () => reject(new Error('exited')) },
        );
      });
      expect(line).toMatch(
        new RegExp(`^could not start Electron at ${binary} \\((EACCES|ENOENT)\\)$`),
      );
    }
  });

  it('passes the exit code through', async () => {
    const code = await new Promise<number>((resolve, reject) => {
      launchElectron(
        process.execPath,
        ['-e', 'process.exit(7)'],
        { stdio: 'ignore' },
        { onError: reject, onExit: resolve },
      );
    });
    expect(code).toBe(7);
  });
});

describe('reasonLine', () => {
  it('picks the error line out of a stack trace', () => {
    const stderr =
      '/x/index.js:3\n    throw e;\n\nError: boom\n    at Object.<anonymous> (/x/index.js:3:7)\n    at Module._compile\n\nNode.js v20.20.0\n';
    expect(reasonLine(stderr)).toBe('boom');
    expect(reasonLine('just this\n')).toBe('just this');
  });
});
