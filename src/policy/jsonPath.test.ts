import { describe, it, expect } from 'vitest';
import { parseJsonPath, selectJsonPath } from './jsonPath';

const args = {
  path: '/p/a.txt',
  edits: [{ oldText: 'a', newText: 'b' }],
  files: [{ path: '/p/1' }, { path: '/p/2' }],
  nested: { deep: { 'odd.key': 42, 'quote"d': true } },
  empty: [],
};

describe('selectJsonPath', () => {
  it.each([
    ['path', ['/p/a.txt']],
    ['$.path', ['/p/a.txt']],
    ['$', [args]],
    ['', [args]],
    ['edits[0].newText', ['b']],
    ['$.edits[0].oldText', ['a']],
    ['files[*].path', ['/p/1', '/p/2']],
    ['files.*.path', ['/p/1', '/p/2']],
    ['files.1.path', ['/p/2']],
    ["nested.deep['odd.key']", [42]],
    ['nested.deep["quote\\"d"]', [true]],
    ['nested.*', [args.nested.deep]],
    ['empty[*]', []],
    ['missing', []],
    ['files[9].path', []],
    ['path.length', []],
    ['__proto__', []],
    ['constructor', []],
    ['files[x]', []],
  ])('%j → %j', (path, expected) => {
    expect(selectJsonPath(args, path)).toEqual(expected);
  });

  it('selects nothing from non-objects', () => {
    expect(selectJsonPath('text', 'a')).toEqual([]);
    expect(selectJsonPath(null, 'a')).toEqual([]);
    expect(selectJsonPath(undefined, '$.a[*]')).toEqual([]);
  });
});

describe('parseJsonPath', () => {
  it.each(['a..b', 'a[', 'a[1', "a['x", 'a[-1]', 'a[foo]', '$x'])(
    'rejects %j with a message',
    (path) => {
      expect(() => parseJsonPath(path)).toThrow(/JSON path/);
    },
  );

  it('parses every segment kind', () => {
    expect(parseJsonPath("$.a[0][*]['b c'].*")).toEqual([
      { kind: 'key', key: 'a' },
      { kind: 'index', index: 0 },
      { kind: 'wildcard' },
      { kind: 'key', key: 'b c' },
      { kind: 'wildcard' },
    ]);
  });
});
