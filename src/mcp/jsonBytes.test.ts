import { describe, expect, it } from 'vitest';
import { jsonStringParts, SHARED_RUN_BYTES } from './jsonBytes';

describe('jsonStringParts', () => {
  const joined = (line: Buffer): string => Buffer.concat(jsonStringParts(line)).toString('utf8');

  it('joins to exactly what JSON.stringify gives, for escapes, runs of every length and UTF-8', () => {
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
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a\\\\b \\"q\\""}}',
      '"\\\t\n\r\b\f\u0000\u001f \u007f \u2028',
    ];
    for (const text of texts) {
      const line = Buffer.from(text, 'utf8');
      expect(joined(line)).toBe(JSON.stringify(text));
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
