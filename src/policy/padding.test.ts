// Padding is found by probing one character in 64 for a run of blanks and by counting only the
// first 20 line breaks of a run before a native search finds where it ends. These tests put the
// padding at every offset a probe could step over, end runs with every character that may end
// one, and compare with the pattern the scan stands in for, on texts small enough for it.
import { describe, expect, it } from 'vitest';
import { findPadding } from './padding';
import { seededTexts } from '../testing/seededTexts';

// What findPadding stands in for; it overflows V8's stack on megabytes, so only small texts here.
const PATTERN = /[ \t\u00a0\u2000-\u200a\u3000]{64,}|(?:\r?\n[ \t]*){20,}/;
function byPattern(s: string): { index: number; length: number } | null {
  const m = PATTERN.exec(s);
  return m ? { index: m.index, length: m[0].length } : null;
}

describe('a run of blanks', () => {
  it.each([
    ['spaces', ' '],
    ['tabs', '\t'],
    ['no-break spaces', '\u00a0'],
    ['ideographic spaces', '\u3000'],
    ['mixed widths', ' \u2003\t\u00a0'],
  ])('of %s is found at every offset from 0 to 140, 64 long and longer', (_name, unit) => {
    for (let offset = 0; offset <= 140; offset++) {
      for (const length of [64, 65, 127, 128, 129]) {
        const text = `${'x'.repeat(offset)}${unit.repeat(length).slice(0, length)}y`;
        expect(findPadding(text), `offset ${offset}, length ${length}`).toEqual({
          index: offset,
          length,
        });
      }
    }
  });

  it('is not found at 63, whatever surrounds it', () => {
    for (let offset = 0; offset <= 140; offset++)
      expect(findPadding(`${'a b '.repeat(40).slice(0, offset)}x${' '.repeat(63)}x`)).toBeNull();
  });

  it('is the first run long enough, after shorter ones', () => {
    const text = `a${' '.repeat(63)}b${' '.repeat(10)}c${' '.repeat(70)}d${' '.repeat(100)}`;
    expect(findPadding(text)).toEqual({ index: 76, length: 70 });
  });

  it('is measured to its end across a megabyte', () => {
    const run = ' '.repeat(1 << 20);
    expect(findPadding(`ab${run}\u2003\u3000cd`)).toEqual({ index: 2, length: run.length + 2 });
  });
});

describe('a run of line breaks', () => {
  it('of 20 is found at every offset from 0 to 70; 19 are not', () => {
    for (let offset = 0; offset <= 70; offset++) {
      const before = 'x'.repeat(offset);
      expect(findPadding(`${before}${'\n'.repeat(20)}y`), `offset ${offset}`).toEqual({
        index: offset,
        length: 20,
      });
      expect(findPadding(`${before}${'\n'.repeat(19)}y`), `offset ${offset}`).toBeNull();
    }
  });

  it.each([
    ['Unix line breaks', '\n'],
    ['Windows line breaks', '\r\n'],
    ['indented lines', '\n  \t'],
    ['indented Windows lines', '\r\n\t '],
  ])('of %s is measured to its end past the 20th', (_name, line) => {
    const run = line.repeat(5000);
    expect(findPadding(`text${run}more`)).toEqual({ index: 4, length: run.length });
  });

  it.each([
    ['a lone carriage return', '\r', 'x'],
    ['a carriage return before a letter', '\rx', ''],
    ['two carriage returns', '\r\r\n', ''],
    ['a letter', 'x', ''],
    ['a no-break space', '\u00a0', ''],
    ['the end of the text', '', ''],
  ])('ends at %s', (_name, stop, after) => {
    const run = '\n \n\t'.repeat(30);
    expect(findPadding(`ab${run}${stop}${after}`)).toEqual({ index: 2, length: run.length });
  });

  it('carries on through Windows line breaks after Unix ones, and the other way round', () => {
    const run = `${'\n'.repeat(30)}${'\r\n'.repeat(30)}${'\n  '.repeat(30)}`;
    expect(findPadding(`a${run}b`)).toEqual({ index: 1, length: run.length });
  });

  it('is measured across megabytes of blank lines', () => {
    const run = '\n'.repeat(3 << 20);
    expect(findPadding(`start${run}end`)).toEqual({ index: 5, length: run.length });
  });
});

describe('findPadding agrees with the pattern it stands in for', () => {
  it('on 3,000 generated texts of blanks, line breaks and words', () => {
    const pieces = ['\n', '\r\n', '\r', ' ', '\t', '\u00a0', '\u3000', 'a', 'é', '🌍'];
    pieces.push('\n'.repeat(7), ' '.repeat(30), '\n  '.repeat(6), '\r\n\t'.repeat(5), 'word ');
    for (const text of seededTexts(pieces, 3000, 60, 7))
      expect(findPadding(text), JSON.stringify(text)).toEqual(byPattern(text));
  });
});
