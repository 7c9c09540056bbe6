import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './sha256';

describe('sha256Hex', () => {
  it('is the SHA-256 of the bytes, and of a text as UTF-8', () => {
    const text = '{"id":1,"x":"é ✓ 😀"}';
    const want = createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
    expect(sha256Hex(Buffer.from(text, 'utf8'))).toBe(want);
    expect(sha256Hex(text)).toBe(want);
    expect(sha256Hex(Buffer.alloc(0))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
});
