import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OWN_MAPPING_FROM_BYTES, encodedLine, joinedLine, lineBuffer } from './bigBuffer';

describe('line buffers', () => {
  it('joins parts to the bytes Buffer.concat makes, small and big', () => {
    for (const size of [
      0,
      10,
      OWN_MAPPING_FROM_BYTES - 1,
      OWN_MAPPING_FROM_BYTES,
      3 * OWN_MAPPING_FROM_BYTES + 7,
    ]) {
      const whole = Buffer.alloc(size);
      for (let i = 0; i < size; i++) whole[i] = (i * 31) & 0xff;
      const parts = [whole.subarray(0, size >> 2), whole.subarray(size >> 2, size >> 1)];
      parts.push(whole.subarray(size >> 1));
      const joined = joinedLine(parts, size);
      expect(joined.length).toBe(size);
      expect(joined.equals(whole)).toBe(true);
    }
  });

  it('encodes a text to the bytes Buffer.from makes, lone surrogates and all', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const text = a + b;
        expect(encodedLine(text).equals(Buffer.from(text, 'utf8'))).toBe(true);
      }),
    );
    const big = `ä€😀\ud800${'z'.repeat(OWN_MAPPING_FROM_BYTES)}`;
    expect(encodedLine(big).equals(Buffer.from(big, 'utf8'))).toBe(true);
  });

  it('gives a big buffer of the size asked for, written through', () => {
    const b = lineBuffer(2 * OWN_MAPPING_FROM_BYTES);
    expect(b.length).toBe(2 * OWN_MAPPING_FROM_BYTES);
    b.fill(7);
    expect(b[b.length - 1]).toBe(7);
  });
});
