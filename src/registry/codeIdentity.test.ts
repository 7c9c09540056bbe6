import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/harness';
import {
  codeEnvOf,
  describeChange,
  diffFacts,
  identityFacts,
  resolveArgs,
  resolveCommandPath,
  SERVER_INFO_FACT,
} from './codeIdentity';

function executable(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

describe.skipIf(process.platform === 'win32')('resolveCommandPath', () => {
  it('finds a bare command on PATH, first match wins, skipping non-executables', () => {
    const root = tempDir();
    const a = join(root, 'a');
    const b = join(root, 'b');
    mkdirSync(a);
    writeFileSync(join(a, 'tool'), 'not executable');
    const inB = executable(b, 'tool');
    expect(resolveCommandPath('tool', root, { PATH: `${a}:${b}` })).toBe(inB);
    // Putting another folder first on PATH changes what runs.
    const inC = executable(join(root, 'c'), 'tool');
    expect(resolveCommandPath('tool', root, { PATH: `${join(root, 'c')}:${b}` })).toBe(inC);
    expect(resolveCommandPath('missing', root, { PATH: b })).toBeNull();
  });

  it('resolves a relative command against the working directory, and follows symlinks', () => {
    const root = tempDir();
    const real = executable(join(root, 'v1'), 'node');
    symlinkSync(real, join(root, 'node'));
    expect(resolveCommandPath('./node', root, { PATH: '' })).toBe(real);
  });
});

describe('resolveArgs', () => {
  it('makes relative paths to existing files absolute, and leaves the rest', () => {
    const root = tempDir();
    writeFileSync(join(root, 'server.js'), '');
    expect(resolveArgs(['server.js', '--port', '8080', 'stdio', '-y', 'missing.js'], root)).toEqual(
      [join(root, 'server.js'), '--port', '8080', 'stdio', '-y', 'missing.js'],
    );
  });
});

describe('codeEnvOf', () => {
  it('keeps the variables that change code loading, DYLD_* included, and nothing else', () => {
    expect(
      codeEnvOf({
        NODE_OPTIONS: '--require /tmp/x.js',
        LD_PRELOAD: '/tmp/hook.so',
        DYLD_INSERT_LIBRARIES: '/tmp/x.dylib',
        PYTHONSTARTUP: '/tmp/s.py',
        HOME: '/home/u',
        API_KEY: 'secret',
      }),
    ).toEqual({
      DYLD_INSERT_LIBRARIES: '/tmp/x.dylib',
      LD_PRELOAD: '/tmp/hook.so',
      NODE_OPTIONS: '--require /tmp/x.js',
      PYTHONSTARTUP: '/tmp/s.py',
    });
  });
});

describe('diffFacts', () => {
  const base = identityFacts({
    commandPath: '/usr/bin/node',
    args: ['/srv/server.js'],
    cwd: '/srv',
    codeEnv: { NODE_OPTIONS: '--max-old-space-size=512' },
    serverInfo: { name: 'fs', version: '1.0.0' },
  });

  it('is empty for the same facts', () => {
    expect(diffFacts(base, { ...base })).toEqual([]);
  });

  it('names every fact that changed, appeared or disappeared', () => {
    const now: Record<string, string> = {
      ...base,
      'env LD_PRELOAD': '/tmp/hook.so',
      [SERVER_INFO_FACT]: 'fs 1.1.0',
    };
    delete now['env NODE_OPTIONS'];
    expect(diffFacts(base, now)).toEqual([
      { fact: 'env LD_PRELOAD', before: null, after: '/tmp/hook.so' },
      { fact: 'env NODE_OPTIONS', before: '--max-old-space-size=512', after: null },
      { fact: SERVER_INFO_FACT, before: 'fs 1.0.0', after: 'fs 1.1.0' },
    ]);
    expect(describeChange({ fact: 'env LD_PRELOAD', before: null, after: '/tmp/hook.so' })).toBe(
      'env LD_PRELOAD: (not set) → /tmp/hook.so',
    );
  });

  it('does not count the server’s own report as gone before it arrived', () => {
    const early = { ...base };
    delete early[SERVER_INFO_FACT];
    expect(diffFacts(base, early)).toEqual([]);
  });
});
