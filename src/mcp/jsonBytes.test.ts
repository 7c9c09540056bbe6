import { describe, expect, it } from 'vitest';
import { jsonStringBytes } from './jsonBytes';

const asJson = (text: string): string =>
  jsonStringBytes(Buffer.from(text, 'utf8')).toString('utf8');

describe('jsonStringBytes', () => {
  it('matches JSON.stringify for every byte that needs an escape and for text that needs none', () => {
    const every = Array.from({ length: 0x80 }, (_, c) => String.fromCharCode(c)).join('');
    for (const text of [
      '',
      'plain',
      every,
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a\\\\b \\"q\\""}}',
      'é 日本 🙂 \u2028\u2029 \u007f',
      '"\\\t\n\r\b\f\u0000\u001f',
    ]) {
      expect(asJson(text)).toBe(JSON.stringify(text));
      expect(JSON.parse(asJson(text))).toBe(text);
    }
  });

  it('escapes a quote at the very start and end and leaves a big line the same size plus quotes', () => {
    expect(asJson('"x"')).toBe('"\\"x\\""');
    const big = Buffer.alloc(3 * 1024 * 1024, 'x');
    const out = jsonStringBytes(big);
    expect(out.length).toBe(big.length + 2);
    expect(out.subarray(1, -1).equals(big)).toBe(true);
  });
});
