import { describe, expect, it } from 'vitest';
import { jsonStringParts, LEAF_BYTES } from './jsonBytes';

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
      `{"a":"${'x'.repeat(LEAF_BYTES - 1)}","b":"${'y'.repeat(LEAF_BYTES)}"}`,
      `"${'z'.repeat(5000)}\n${'日'.repeat(3000)}\\`,
      // escapes sparse and dense, across the windows the line is escaped in, next to UTF-8
      `${'日'.repeat(40_000)}"${'é'.repeat(50_000)}\t${'x\\'.repeat(70_000)}🙂`,
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
    expect(shared.reduce((n, p) => n + p.length, 0)).toBeGreaterThan(value.length - 4 * LEAF_BYTES);
    const copied = parts.filter((p) => p.buffer !== line.buffer);
    // Only the stretches around the few escapes (the message's own quotes) are copied.
    expect(copied.reduce((n, p) => n + p.length, 0)).toBeLessThan(16 * LEAF_BYTES);
  });

  it('copies a line of escapes into a few parts, not a part per escape', () => {
    // 2 MB of `\\n` as the host sends a text of blank lines: every other byte a backslash.
    const text = JSON.stringify({ message: '\n'.repeat(1024 * 1024) });
    const parts = jsonStringParts(Buffer.from(text));
    expect(Buffer.concat(parts).toString('utf8')).toBe(JSON.stringify(text));
    expect(parts.length).toBeLessThan(100);
  });
});
