import { describe, expect, it } from 'vitest';
import { lineDiff } from './lineDiff';

describe('lineDiff', () => {
  it('marks changed lines and keeps the rest', () => {
    expect(lineDiff('a\nb\nc', 'a\nB\nc')).toEqual([
      { op: 'same', text: 'a' },
      { op: 'del', text: 'b' },
      { op: 'add', text: 'B' },
      { op: 'same', text: 'c' },
    ]);
  });

  it('handles insertions and deletions', () => {
    const ops = lineDiff('1\n2\n3\n4', '1\n3\n4\n5').map((l) => `${l.op}:${l.text}`);
    expect(ops).toEqual(['same:1', 'del:2', 'same:3', 'same:4', 'add:5']);
  });

  it('reproduces both sides', () => {
    const before = 'x\ny\nz\nw\nv';
    const after = 'y\nq\nz\nv\nextra';
    const d = lineDiff(before, after);
    expect(
      d
        .filter((l) => l.op !== 'add')
        .map((l) => l.text)
        .join('\n'),
    ).toBe(before);
    expect(
      d
        .filter((l) => l.op !== 'del')
        .map((l) => l.text)
        .join('\n'),
    ).toBe(after);
  });

  it('falls back to a plain replace for huge inputs', () => {
    const big = (p: string) => Array.from({ length: 3000 }, (_, i) => `${p}${i}`).join('\n');
    const d = lineDiff(big('a'), big('b'));
    expect(d.filter((l) => l.op === 'del')).toHaveLength(3000);
    expect(d.filter((l) => l.op === 'add')).toHaveLength(3000);
  });
});
