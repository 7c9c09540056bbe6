import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { numberTokenEnd } from './jsonNumberToken';

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
