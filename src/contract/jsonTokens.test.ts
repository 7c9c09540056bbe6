import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { numberTokenEnd, stringTokenEnd } from './jsonTokens';

/** The grammar as a sticky regex: what the scanner must agree with everywhere. */
const GRAMMAR = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const byGrammar = (text: string, start: number): number => {
  GRAMMAR.lastIndex = start;
  const m = GRAMMAR.exec(text);
  return m === null ? -1 : start + m[0].length;
};

describe('numberTokenEnd', () => {
  it.each([
    ['0', 1],
    ['-0', 2],
    ['12345678901234567890', 20],
    ['1.5e+10,', 7],
    ['-12.34E-5]', 9],
    ['01', 1],
    ['1.', 1],
    ['1.e5', 1],
    ['1e', 1],
    ['1e+', 1],
    ['1.5E', 3],
    ['-', -1],
    ['-a', -1],
    ['+1', -1],
    ['.5', -1],
    ['', -1],
    ['x', -1],
  ])('%j ends at %d', (text, end) => {
    expect(numberTokenEnd(text, 0)).toBe(end);
  });

  it('starts where it is told', () => {
    expect(numberTokenEnd('[1,-2.5e3]', 3)).toBe(9);
    expect(numberTokenEnd('[1,-2.5e3]', 2)).toBe(-1);
  });

  it('agrees with the grammar on any text of number characters, from any start', () => {
    const alphabet = fc.constantFrom(...'-+.eE0123456789x '.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 24 }), fc.nat(), (chars, seed) => {
        const text = chars.join('');
        const start = seed % (text.length + 1);
        expect(numberTokenEnd(text, start)).toBe(byGrammar(text, start));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads hostile megabyte runs in one pass to their end', () => {
    const digits = '7'.repeat(3_000_000);
    expect(numberTokenEnd(`-${digits}.${digits}e-${digits}`, 0)).toBe(3 + 3 * digits.length + 1);
    expect(numberTokenEnd(`1.${digits}e+`, 0)).toBe(2 + digits.length);
    expect(numberTokenEnd(`0${digits}`, 0)).toBe(1);
  });
});

/** Reading forward, an escape at a time: the plain way to find a string's end. */
function byEscapes(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return -1;
}

describe('stringTokenEnd', () => {
  it.each([
    [String.raw`""`, 2],
    [String.raw`"a"`, 3],
    [String.raw`"a\"b"`, 6],
    [String.raw`"a\\"b"`, 5],
    [String.raw`"\\\"x"`, 7],
    [String.raw`"k\\":1`, 5],
    [String.raw`"never`, -1],
    [String.raw`"\"`, -1],
  ])('%s ends at %d', (text, end) => {
    expect(stringTokenEnd(text, 0)).toBe(end);
  });

  it('starts at the quote it is told', () => {
    expect(stringTokenEnd(String.raw`{"a":"b\\"}`, 5)).toBe(10);
  });

  it('agrees with reading escape by escape on any text of quotes and backslashes', () => {
    const alphabet = fc.constantFrom('"', '\\', 'a', 'u');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 24 }), (chars) => {
        const text = `"${chars.join('')}`;
        expect(stringTokenEnd(text, 0)).toBe(byEscapes(text, 0));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads hostile megabyte runs of backslashes and escaped quotes in one pass', () => {
    const slashes = '\\'.repeat(1_000_000);
    expect(stringTokenEnd(`"${slashes}"`, 0)).toBe(slashes.length + 2);
    const quotes = '\\"'.repeat(1_000_000);
    expect(stringTokenEnd(`"${quotes}`, 0)).toBe(-1);
  });
});
