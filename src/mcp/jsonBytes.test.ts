import { describe, expect, it } from 'vitest';
import { jsonStringBytes, jsonStringParts, SHARED_RUN_BYTES } from './jsonBytes';

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

describe('jsonStringParts', () => {
  const joined = (line: Buffer): string => Buffer.concat(jsonStringParts(line)).toString('utf8');

  it('joins to exactly what jsonStringBytes gives, for escapes, runs of every length and UTF-8', () => {
    const every = Array.from({ length: 0x80 }, (_, c) => String.fromCharCode(c)).join('');
    const texts = [
      '',
      'plain',
      every,
      '"',
      'é 日本 🙂 \u2028',
      `{"a":"${'x'.repeat(SHARED_RUN_BYTES - 1)}","b":"${'y'.repeat(SHARED_RUN_BYTES)}"}`,
      `"${'z'.repeat(5000)}\n${'日'.repeat(3000)}\\`,
      '"'.repeat(3000), // more pieces than are gathered at once
    ];
    for (const text of texts) {
      const line = Buffer.from(text, 'utf8');
      expect(joined(line)).toBe(jsonStringBytes(line).toString('utf8'));
      expect(JSON.parse(joined(line))).toBe(text);
    }
  });

  it('shows a big line through views of its own memory, not a copy', () => {
    const value = 'x'.repeat(3 * 1024 * 1024);
    const line = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, params: { value } }));
    const parts = jsonStringParts(line);
    const shared = parts.filter((p) => p.buffer === line.buffer);
    expect(shared.reduce((n, p) => n + p.length, 0)).toBeGreaterThanOrEqual(value.length);
    const copied = parts.filter((p) => p.buffer !== line.buffer);
    expect(copied.reduce((n, p) => n + p.length, 0)).toBeLessThan(200);
  });
});
