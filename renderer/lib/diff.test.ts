import { describe, it, expect } from 'vitest';
import { argumentEditPairs, definitionText, editPairs } from './diff';

describe('editPairs', () => {
  it('finds server-filesystem edit_file edits', () => {
    const pairs = editPairs({
      path: '/p/a.txt',
      edits: [
        { oldText: 'a', newText: 'b' },
        { oldText: 'c', newText: 'd' },
      ],
    });
    expect(pairs).toEqual([
      { label: 'edit 1 of 2', before: 'a', after: 'b' },
      { label: 'edit 2 of 2', before: 'c', after: 'd' },
    ]);
  });

  it('finds old_string/new_string and ignores other shapes', () => {
    expect(editPairs({ old_string: 'x', new_string: 'y' })).toHaveLength(1);
    expect(editPairs({ oldText: 1, newText: 'y' })).toEqual([]);
    expect(editPairs('text')).toEqual([]);
  });
});

describe('definitionText', () => {
  it('orders keys so equal definitions read the same', () => {
    expect(definitionText({ b: 1, a: { d: 2, c: 3 } })).toBe(
      definitionText({ a: { c: 3, d: 2 }, b: 1 }),
    );
  });
});

describe('argumentEditPairs', () => {
  it('diffs the arguments as stable JSON, and each changed text of several lines on its own', () => {
    const asked = { path: '/p/a.txt', content: 'one\ntwo\n', mode: 'w' };
    const approved = { content: 'one\nTWO\n', path: '/p/b.txt', mode: 'w' };
    const pairs = argumentEditPairs(asked, approved);
    expect(pairs.map((p) => p.label)).toEqual([
      'Arguments: asked → approved',
      'Text of "content": asked → approved',
    ]);
    // Key order does not make a change: only path and content differ.
    expect(
      pairs[0]!.before.split('\n').filter((l, i) => l !== pairs[0]!.after.split('\n')[i]),
    ).toEqual(['  "content": "one\\ntwo\\n",', '  "path": "/p/a.txt"']);
    expect(pairs[1]).toMatchObject({ before: 'one\ntwo\n', after: 'one\nTWO\n' });
  });

  it('one-line changes and non-objects get the JSON diff only', () => {
    expect(argumentEditPairs({ path: 'a' }, { path: 'b' })).toHaveLength(1);
    expect(argumentEditPairs('x', { a: 1 })).toHaveLength(1);
  });
});
