import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { packageVersionOf } from './packageVersion';

const ROOT = join(__dirname, '../..');

describe('packageVersionOf', () => {
  it('reads an exact version written in the command', () => {
    expect(
      packageVersionOf(
        'npx',
        ['-y', '@modelcontextprotocol/server-filesystem@2026.8.31', '/tmp'],
        '/',
      ),
    ).toBe('2026.8.31');
  });
  it('does not take a tag or a range for a version', () => {
    expect(packageVersionOf('npx', ['-y', 'some-server@latest'], '/')).toBeNull();
    expect(packageVersionOf('npx', ['-y', 'some-server@^1.0.0'], '/')).toBeNull();
  });
  it('reads the installed version of a script inside node_modules', () => {
    const script = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
    expect(packageVersionOf(process.execPath, [script, 'stdio'], ROOT)).toBe('2026.8.31');
  });
  it('is null for a command that names no package', () => {
    expect(packageVersionOf('/usr/bin/python3', ['server.py'], '/')).toBeNull();
  });
});
