// The JavaScript SHA-256 and HMAC give node:crypto's bytes: the published vectors, every length
// around the block and padding boundaries, multi-byte text and keys longer than a block.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256, sha256 } from './sha256';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');

describe('sha256', () => {
  it('the FIPS 180-2 vectors', () => {
    expect(hex(sha256(utf8('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hex(sha256(new Uint8Array(0)))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(hex(sha256(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('every length from 0 to 300 bytes, and a few large ones, as node:crypto', () => {
    for (const n of [...Array.from({ length: 301 }, (_, i) => i), 4095, 4096, 65_537, 1_000_003]) {
      const data = randomBytes(n);
      expect(hex(sha256(data)), `${n} bytes`).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('parts hash as their concatenation', () => {
    const [a, b, c] = [randomBytes(10), randomBytes(70), randomBytes(0)];
    expect(hex(sha256(a, b, c))).toBe(hex(sha256(Buffer.concat([a, b, c]))));
  });
});

describe('hmacSha256', () => {
  it('RFC 4231 test case 2', () => {
    expect(hex(hmacSha256(utf8('Jefe'), utf8('what do ya want for nothing?')))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('keys shorter than, equal to and longer than a block, over text with every kind of character', () => {
    const text = 'airlock-wire|client|0|{"t":"pending","note":"ünïcödé 🚀 \u0000 \u2028"}';
    for (const keyLength of [0, 1, 32, 63, 64, 65, 100, 200]) {
      const key = randomBytes(keyLength).toString('hex').slice(0, keyLength);
      for (const n of [0, 1, 55, 56, 64, 119, 120, 1000]) {
        const message = text.repeat(Math.ceil(n / text.length) || 0).slice(0, n);
        expect(hex(hmacSha256(utf8(key), utf8(message))), `key ${keyLength}, text ${n}`).toBe(
          createHmac('sha256', key).update(message).digest('hex'),
        );
      }
    }
  });
});
