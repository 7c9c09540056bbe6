import { describe, expect, it } from 'vitest';
import { editArrayPrefix, renderArray } from './render';
import { unwrapLaunch, wrapLaunch } from './wrap';

describe('wrap / unwrap', () => {
  const o = {
    server: 's',
    host: 'cursor' as const,
    launcher: { node: '/n/node', cli: '/a/out/cli/airlock.js' },
    dataDir: '/d',
  };

  it('wraps exactly as the shim expects and unwraps back', () => {
    const w = wrapLaunch({ command: 'npx', args: ['-y', 'pkg@1.0.0'] }, o);
    expect(w).toEqual({
      command: '/n/node',
      args: [
        '/a/out/cli/airlock.js',
        'shim',
        '--server',
        's',
        '--host',
        'cursor',
        '--data-dir',
        '/d',
        '--',
        'npx',
        '-y',
        'pkg@1.0.0',
      ],
    });
    expect(unwrapLaunch(w.command, w.args)).toMatchObject({
      command: 'npx',
      args: ['-y', 'pkg@1.0.0'],
      server: 's',
      host: 'cursor',
      dataDir: '/d',
    });
  });

  it('recognises other install paths and the app binary form, not look-alikes', () => {
    expect(
      unwrapLaunch('C:\\node\\node.exe', ['C:\\Airlock\\resources\\airlock.js', 'shim', '--', 'x'])
        ?.command,
    ).toBe('x');
    expect(
      unwrapLaunch('/usr/local/bin/airlock', ['shim', '--server', 'a', '--', 'x', '--', 'y']),
    ).toMatchObject({ command: 'x', args: ['--', 'y'] });
    expect(unwrapLaunch('node', ['server.js', 'shim', '--', 'x'])).toBeUndefined();
    expect(unwrapLaunch('node', ['/a/airlock.js', 'status'])).toBeUndefined();
    expect(unwrapLaunch('node', ['/a/airlock.js', 'shim', '--'])).toBeUndefined();
  });
});

describe('array rendering', () => {
  it('keeps the layout of the array it replaces', () => {
    expect(renderArray(['a', 'b'], '[ "x" ]')).toBe('[ "a", "b" ]');
    expect(renderArray(['a'], '[\n\t\t"x"\n\t]')).toBe('[\n\t\t"a"\n\t]');
    expect(renderArray([], '["x"]')).toBe('[]');
  });

  it('edits only the head, in both layouts', () => {
    expect(
      editArrayPrefix(
        '["a", "b"]',
        [
          { start: 1, end: 4 },
          { start: 6, end: 9 },
        ],
        { remove: 0, insert: ['x'] },
      ),
    ).toBe('["x", "a", "b"]');
    expect(
      editArrayPrefix(
        '[\n  "a", // c\n  "b"\n]',
        [
          { start: 4, end: 7 },
          { start: 16, end: 19 },
        ],
        { remove: 1, insert: [] },
      ),
    ).toBe('[\n  "b"\n]');
    expect(
      editArrayPrefix('["a"]', [{ start: 1, end: 4 }], { remove: 1, insert: [] }),
    ).toBeUndefined();
  });
});
