import { describe, it, expect } from 'vitest';
import { definitionText, editPairs } from './diff';

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
