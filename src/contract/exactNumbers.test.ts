import { describe, expect, it } from 'vitest';
import { firstInexactNumber, INEXACT_NUMBER_MAX_CHARS, inexactNumberShown } from './exactNumbers';

describe('firstInexactNumber', () => {
  it('passes every number a double holds, however it is written', () => {
    for (const text of [
      '{}',
      '{"a":1,"b":-2.5,"c":0,"d":-0,"e":1e21,"f":0.1,"g":9007199254740991,"h":-9007199254740991}',
      '[1.0,1.50e1,15E-1,100,0.000001,1e-7,5e-324,1.7976931348623157e308,2e+3,0.30000000000000004]',
      // Digits in strings are text, not numbers: kept exactly whatever they say.
      '{"id":"12345678901234567890","s":"a\\"12345678901234567890","t":"\\\\"}',
      '{"k\\"":1}',
    ])
      expect(firstInexactNumber(text), text).toBeNull();
  });

  it('names the first number JSON.parse would change', () => {
    expect(firstInexactNumber('{"n":12345678901234567890}')).toBe('12345678901234567890');
    expect(firstInexactNumber('[1,9007199254740993,2]')).toBe('9007199254740993');
    expect(firstInexactNumber('{"x":-9007199254740993}')).toBe('-9007199254740993');
    expect(firstInexactNumber('{"p":0.1000000000000000000001}')).toBe('0.1000000000000000000001');
    expect(firstInexactNumber('[1e400]')).toBe('1e400');
    expect(firstInexactNumber('[1e-400]')).toBe('1e-400');
    expect(firstInexactNumber('[1e1234567890123456]')).toBe('1e1234567890123456');
    // After a string that ends in an escaped backslash, the number counts again.
    expect(firstInexactNumber('{"s":"\\\\","n":12345678901234567890}')).toBe(
      '12345678901234567890',
    );
  });

  it('reads a hostile megabyte run of zeros in one pass', () => {
    const zeros = '0'.repeat(2_000_000);
    expect(firstInexactNumber(`[0.${zeros}1]`)).toBe(`0.${zeros}1`);
    expect(firstInexactNumber(`[1${zeros}]`)).toBe(`1${zeros}`);
    expect(firstInexactNumber(`[1.${zeros}]`)).toBeNull();
    expect(firstInexactNumber(`["${'\\\\'.repeat(100_000)}"]`)).toBeNull();
  });

  it('shows a long one by its two ends, never whole', () => {
    expect(inexactNumberShown('{"n":1}')).toBeUndefined();
    expect(inexactNumberShown('[12345678901234567890]')).toBe('12345678901234567890');
    const shown = inexactNumberShown(`[9${'1'.repeat(1_000_000)}]`);
    expect(shown).toMatch(/^91{29}…1{16}$/);
    expect(shown!.length).toBeLessThanOrEqual(INEXACT_NUMBER_MAX_CHARS);
  });
});
