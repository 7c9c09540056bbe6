import { describe, expect, it } from 'vitest';
import {
  gradeFor,
  gradeServer,
  POINTS,
  runsThroughShell,
  unpinnedPackage,
  type PostureInput,
} from './posture';
import type { ToolFacts } from './types';

const guarded = (over: Partial<PostureInput>): PostureInput => ({
  transport: 'stdio',
  guarded: true,
  command: 'node',
  args: ['/srv/x.js'],
  ...over,
});
const none: ToolFacts = { destructiveTools: [], poisoned: [], changed: [] };

describe('gradeServer', () => {
  const table: [string, PostureInput, ToolFacts | undefined, string[]][] = [
    ['clean guarded server', guarded({}), undefined, []],
    ['not guarded', guarded({ guarded: false }), undefined, ['unguarded']],
    [
      'npx without a version',
      guarded({ command: 'npx', args: ['-y', '@scope/pkg'] }),
      undefined,
      ['unpinned'],
    ],
    ['npx @latest', guarded({ command: 'npx', args: ['pkg@latest'] }), undefined, ['unpinned']],
    [
      'npx with a range',
      guarded({ command: 'npx', args: ['-y', 'pkg@^1.2.0'] }),
      undefined,
      ['unpinned'],
    ],
    ['npx pinned', guarded({ command: 'npx', args: ['-y', '@scope/pkg@1.2.3'] }), undefined, []],
    [
      'uvx unpinned',
      guarded({ command: 'uvx', args: ['mcp-server-git'] }),
      undefined,
      ['unpinned'],
    ],
    ['uvx pinned', guarded({ command: 'uvx', args: ['mcp-server-git==2025.1.14'] }), undefined, []],
    [
      'docker :latest',
      guarded({ command: 'docker', args: ['run', '-i', '--rm', '-e', 'X', 'ghcr.io/a/b:latest'] }),
      undefined,
      ['unpinned'],
    ],
    [
      'docker by digest',
      guarded({ command: 'docker', args: ['run', '-i', 'ghcr.io/a/b@sha256:abc'] }),
      undefined,
      [],
    ],
    [
      'token in env',
      guarded({ env: { GITHUB_TOKEN: 'ghp_0123456789abcdefghij0123' } }),
      undefined,
      ['secret'],
    ],
    [
      'env reference is fine',
      guarded({ env: { API_KEY: '${EXTERNAL_API_KEY}', B: '${input:k}', C: '$X' } }),
      undefined,
      [],
    ],
    ['harmless env', guarded({ env: { LOG_LEVEL: 'debug' } }), undefined, []],
    [
      'key-shaped value under any name',
      guarded({ env: { OPENAI: 'sk-abcdefghijklmnopqrstuvwx' } }),
      undefined,
      ['secret'],
    ],
    [
      'secret flag in args',
      guarded({ args: ['--api-key', 'abc123abc123'] }),
      undefined,
      ['secret'],
    ],
    [
      'secret flag=value in args',
      guarded({ args: ['--token=abc123abc123'] }),
      undefined,
      ['secret'],
    ],
    [
      'password inside a URL',
      guarded({ args: ['postgres://u:hunter2@db/x'] }),
      undefined,
      ['secret'],
    ],
    ['sh -c', guarded({ command: 'sh', args: ['-c', 'exec server'] }), undefined, ['shell']],
    ['bash -lc', guarded({ command: '/bin/bash', args: ['-lc', 'server'] }), undefined, ['shell']],
    [
      'cmd /c',
      guarded({ command: 'cmd.exe', args: ['/c', 'npx', 'srv@1.0.0'] }),
      undefined,
      ['shell'],
    ],
    [
      'bash running a script file is not -c',
      guarded({ command: 'bash', args: ['run.sh'] }),
      undefined,
      [],
    ],
    [
      'destructive tools',
      guarded({}),
      { ...none, destructiveTools: ['delete_file'] },
      ['destructive'],
    ],
    ['poisoned descriptions', guarded({}), { ...none, poisoned: ['add'] }, ['poisoned']],
    ['changed definitions', guarded({}), { ...none, changed: ['add'] }, ['changed']],
    [
      'remote over plain HTTP without auth',
      { transport: 'http', guarded: false, url: 'http://mcp.example.com/mcp' },
      undefined,
      ['unguarded', 'plainHttp', 'noAuth'],
    ],
    [
      'remote over HTTPS with auth',
      {
        transport: 'http',
        guarded: false,
        url: 'https://x.dev/mcp',
        hasAuth: true,
        headers: { Authorization: 'Bearer ${TOKEN}' },
      },
      undefined,
      ['unguarded'],
    ],
    [
      'plain HTTP on loopback',
      { transport: 'http', guarded: false, url: 'http://127.0.0.1:3000/mcp', hasAuth: true },
      undefined,
      ['unguarded'],
    ],
    [
      'literal bearer header',
      {
        transport: 'sse',
        guarded: false,
        url: 'https://x.dev/sse',
        hasAuth: true,
        headers: { Authorization: 'Bearer abcdefghijkl' },
      },
      undefined,
      ['unguarded', 'secret'],
    ],
    [
      'key in URL query',
      { transport: 'http', guarded: false, url: 'https://x.dev/mcp?api_key=abc', hasAuth: true },
      undefined,
      ['unguarded', 'secret'],
    ],
    ['extension', { transport: 'extension', guarded: false }, undefined, ['unguarded']],
  ];

  it.each(table)('%s', (_name, input, facts, codes) => {
    const p = gradeServer(input, facts);
    expect(p.deductions.map((d) => d.code)).toEqual(codes);
    const total = p.deductions.reduce((s, d) => s + d.points, 0);
    expect(p.score).toBe(Math.max(0, 100 - total));
    expect(p.grade).toBe(gradeFor(p.score));
    for (const d of p.deductions) {
      expect(d.points).toBe(POINTS[d.code as keyof typeof POINTS]);
      expect(d.text.length).toBeGreaterThan(10);
    }
  });

  it('never repeats a secret value in its explanation', () => {
    const p = gradeServer(
      guarded({
        env: { GITHUB_TOKEN: 'ghp_0123456789abcdefghij0123' },
        args: ['--token', 'hunter2hunter2'],
      }),
    );
    expect(JSON.stringify(p)).not.toMatch(/ghp_0123|hunter2/);
  });

  it('maps scores to grades at the edges', () => {
    expect([100, 90, 89, 80, 79, 65, 64, 50, 49, 0].map(gradeFor)).toEqual([
      'A',
      'A',
      'B',
      'B',
      'C',
      'C',
      'D',
      'D',
      'F',
      'F',
    ]);
    expect(
      gradeServer({
        transport: 'stdio',
        guarded: false,
        command: 'sh',
        args: ['-c', 'npx x --token=abcdefabcdef'],
      }).grade,
    ).toBe('F');
  });

  it('names the package that is not pinned', () => {
    expect(unpinnedPackage('npx', ['-y', '--package=@a/b', 'b'])).toBe('@a/b');
    expect(unpinnedPackage('pnpm', ['dlx', 'x@2.0.0'])).toBeUndefined();
    expect(unpinnedPackage('node', ['x.js'])).toBeUndefined();
    expect(runsThroughShell('pwsh', ['-Command', 'x'])).toBe(true);
  });
});
