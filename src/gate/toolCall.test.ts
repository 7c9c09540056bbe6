// The gate reads a held line itself, strictly and once, with the shim's own classification
// (mcp/hostLine.ts); it takes for a tool call exactly what the shim's reading of the line's
// bytes takes for one. Pure.
import { describe, expect, it } from 'vitest';
import { parseHostLine } from '../mcp/hostLine';
import { readToolCall } from './toolCall';

const call = (rest: string): string =>
  `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"${rest}}}`;

const lines: [string, string][] = [
  ['a call', call(',"arguments":{"message":"hi"}')],
  ['a call without arguments', call('')],
  ['a string id', '{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"x"}}'],
  ['big integers kept as written', call(',"arguments":{"n":12345678901234567890,"f":1.50}')],
  ['whitespace around', ` ${call(',"arguments": { "a" : [1, 2] } ')} `],
  ['a duplicate key', call(',"arguments":{"a":1,"a":2}')],
  [
    'a duplicate method',
    '{"jsonrpc":"2.0","id":1,"method":"x","method":"tools/call","params":{"name":"e"}}',
  ],
  ['a batch', `[${call('')}]`],
  ['no jsonrpc', '{"id":1,"method":"tools/call","params":{"name":"e"}}'],
  ['jsonrpc 1.0', '{"jsonrpc":"1.0","id":1,"method":"tools/call","params":{"name":"e"}}'],
  ['a notification', '{"jsonrpc":"2.0","method":"tools/call","params":{"name":"e"}}'],
  ['a null id', '{"jsonrpc":"2.0","id":null,"method":"tools/call","params":{"name":"e"}}'],
  ['another method', '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"name":"e"}}'],
  ['an escaped method', '{"jsonrpc":"2.0","id":1,"method":"tools\\/call","params":{"name":"e"}}'],
  [
    'a result beside',
    '{"jsonrpc":"2.0","id":1,"method":"tools/call","result":{},"params":{"name":"e"}}',
  ],
  ['params an array', '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":["echo"]}'],
  ['no name', '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}'],
  ['a name that is not text', '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":1}}'],
  ['a byte order mark', `\ufeff${call('')}`],
  ['not JSON', '{"jsonrpc":"2.0",'],
  [
    'a __proto__ params',
    '{"jsonrpc":"2.0","id":1,"method":"tools/call","__proto__":{"params":{"name":"e"}}}',
  ],
];

/** What the shim's reading makes of the line: the call it would hold, or null. */
function asTheShimReadsIt(line: string): { tool: string; arguments: unknown } | null {
  const parsed = parseHostLine(Buffer.from(line, 'utf8'));
  if (parsed.kind !== 'request' || parsed.method !== 'tools/call') return null;
  const name = parsed.params?.name;
  return typeof name === 'string'
    ? { tool: name, arguments: parsed.params?.arguments ?? {} }
    : null;
}

describe('readToolCall', () => {
  it.each(lines)('reads %s as the shim does', (_what, line) => {
    const call = readToolCall(line);
    const shim = asTheShimReadsIt(line);
    expect(call && { tool: call.tool, arguments: call.arguments }).toEqual(shim);
  });

  it("keeps the arguments' own text, big integers and spacing included", () => {
    expect(readToolCall(call(',"arguments":{"n":12345678901234567890,"f":1.50}'))).toEqual({
      tool: 'echo',
      arguments: { n: Number('12345678901234567890'), f: 1.5 },
      argumentsRaw: '{"n":12345678901234567890,"f":1.50}',
    });
    expect(readToolCall(call(''))?.argumentsRaw).toBe('{}');
  });

  it('refuses a line that could not have come from UTF-8 (a lone surrogate)', () => {
    expect(readToolCall(call(',"arguments":{"s":"\ud800"}'))).toBeNull();
  });
});
