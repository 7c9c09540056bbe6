import { describe, it, expect } from 'vitest';
import { packageSpecFromCommand, parsePythonSpec, serverKey } from './identity';
import type { ServerIdentity } from '../contract/types';

describe('serverKey', () => {
  const base: ServerIdentity = {
    host: 'claude-desktop',
    name: 'filesystem',
    command: 'npx',
    args: ['-y', '@modelcontextprotocol/server-filesystem', '/home/u/project'],
    packageVersion: '2026.8.31',
  };

  it('is stable for equal identities', () => {
    expect(serverKey({ ...base, args: [...base.args] })).toBe(serverKey(base));
  });

  it.each([
    ['host', { ...base, host: 'cursor' }],
    ['name', { ...base, name: 'fs' }],
    ['command', { ...base, command: '/usr/bin/npx' }],
    ['args', { ...base, args: [...base.args, '/home/u'] }],
    ['version', { ...base, packageVersion: '2026.9.1' }],
    ['no version', { ...base, packageVersion: undefined }],
  ])('changes with the %s', (_field, other) => {
    expect(serverKey(other)).not.toBe(serverKey(base));
  });

  it('cannot be confused by separators inside fields', () => {
    expect(serverKey({ ...base, args: ['a b'] })).not.toBe(
      serverKey({ ...base, args: ['a', 'b'] }),
    );
    expect(serverKey({ ...base, name: 'a","b' })).not.toBe(
      serverKey({ ...base, name: 'a', host: 'b' }),
    );
  });
});

describe('packageSpecFromCommand', () => {
  it.each([
    [
      'npx',
      ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'],
      { name: '@modelcontextprotocol/server-filesystem', version: null, ecosystem: 'npm' },
    ],
    ['npx', ['-y', '@scope/pkg@1.2.3'], { name: '@scope/pkg', version: '1.2.3', ecosystem: 'npm' }],
    [
      'npx',
      ['--yes', 'mcp-server-fetch@latest', '--port', '1'],
      { name: 'mcp-server-fetch', version: 'latest', ecosystem: 'npm' },
    ],
    [
      'npx',
      ['-p', '@scope/tools@2.0.0', 'tool-bin'],
      { name: '@scope/tools', version: '2.0.0', ecosystem: 'npm' },
    ],
    ['npx', ['--package=pkg@3', 'bin'], { name: 'pkg', version: '3', ecosystem: 'npm' }],
    ['/usr/local/bin/npx', ['pkg@^1.0.0'], { name: 'pkg', version: '^1.0.0', ecosystem: 'npm' }],
    [
      'C:\\Program Files\\nodejs\\npx.cmd',
      ['-y', 'pkg'],
      { name: 'pkg', version: null, ecosystem: 'npm' },
    ],
    [
      'cmd',
      ['/c', 'npx', '-y', '@scope/pkg@1.0.0'],
      { name: '@scope/pkg', version: '1.0.0', ecosystem: 'npm' },
    ],
    ['bunx', ['pkg@1.1'], { name: 'pkg', version: '1.1', ecosystem: 'npm' }],
    ['bun', ['x', 'pkg'], { name: 'pkg', version: null, ecosystem: 'npm' }],
    [
      'pnpm',
      ['dlx', '@scope/pkg@4.0.0'],
      { name: '@scope/pkg', version: '4.0.0', ecosystem: 'npm' },
    ],
    ['yarn', ['dlx', 'pkg@5'], { name: 'pkg', version: '5', ecosystem: 'npm' }],
    ['npm', ['exec', '--', 'pkg@6'], { name: 'pkg', version: '6', ecosystem: 'npm' }],
    ['uvx', ['mcp-server-git'], { name: 'mcp-server-git', version: null, ecosystem: 'pypi' }],
    [
      'uvx',
      ['mcp-server-git@0.6.2', '--repository', '.'],
      { name: 'mcp-server-git', version: '0.6.2', ecosystem: 'pypi' },
    ],
    [
      'uvx',
      ['--from', 'mcp-server-fetch==2025.1.1', 'mcp-server-fetch'],
      { name: 'mcp-server-fetch', version: '2025.1.1', ecosystem: 'pypi' },
    ],
    ['uvx', ['--python', '3.12', 'pkg'], { name: 'pkg', version: null, ecosystem: 'pypi' }],
    ['uv', ['tool', 'run', 'pkg==1'], { name: 'pkg', version: '1', ecosystem: 'pypi' }],
    [
      'node',
      ['/home/u/.npm/node_modules/@scope/server/dist/index.js'],
      { name: '@scope/server', version: null, ecosystem: 'npm' },
    ],
    [
      'node',
      ['--enable-source-maps', 'C:\\x\\node_modules\\mcp-thing\\index.js'],
      { name: 'mcp-thing', version: null, ecosystem: 'npm' },
    ],
  ] as const)('%s %j', (command, args, expected) => {
    expect(packageSpecFromCommand(command, [...args])).toEqual(expected);
  });

  it.each([
    ['python', ['-m', 'server']],
    ['node', ['/home/u/server/index.js']],
    ['npx', []],
    ['uv', ['run', 'server.py']],
    ['docker', ['run', '-i', 'mcp/github']],
    ['pnpm', ['install']],
  ])('%s %j names no package', (command, args) => {
    expect(packageSpecFromCommand(command, args)).toBeNull();
  });

  it('parses Python specs with extras and ranges', () => {
    expect(parsePythonSpec('pkg[cli]==1.2')).toEqual({ name: 'pkg', version: '1.2' });
    expect(parsePythonSpec('pkg>=2,<3')).toEqual({ name: 'pkg', version: '>=2,<3' });
  });
});
