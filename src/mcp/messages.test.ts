import { describe, it, expect } from 'vitest';
import { jsonRpcError, toolDenial, progressNotification } from './messages';
import { parseHostLine } from './hostLine';
import { parseStrictJson } from './strictJson';

describe('messages', () => {
  it('writes an error with the id token verbatim', () => {
    const text = jsonRpcError('12345678901234567890', -32600, 'batches are not supported');
    expect(text).toBe(
      '{"jsonrpc":"2.0","id":12345678901234567890,"error":{"code":-32600,"message":"batches are not supported"}}',
    );
    expect(text).not.toContain('\n');
    expect(jsonRpcError('"a\\u0062"', -32700, 'x')).toContain('"id":"a\\u0062"');
    expect(parseStrictJson(jsonRpcError(null, -32700, 'parse error'))).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'parse error' },
    });
  });

  it('writes a denial as a tool result the model can read', () => {
    const text = toolDenial('7', 'Denied by user in Airlock: "rm -rf /"\nnot today');
    expect(parseStrictJson(text)).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: {
        content: [{ type: 'text', text: 'Denied by user in Airlock: "rm -rf /"\nnot today' }],
        isError: true,
        resultType: 'complete',
      },
    });
    expect(text).not.toContain('\n');
  });

  it('writes a progress notification on the exact token', () => {
    const text = progressNotification('"tok\\u0031"', 3, 'Waiting for approval in Airlock');
    expect(text).toBe(
      '{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"tok\\u0031","progress":3,"message":"Waiting for approval in Airlock"}}',
    );
    expect(parseHostLine(Buffer.from(text))).toMatchObject({
      kind: 'notification',
      method: 'notifications/progress',
      params: { progressToken: 'tok1', progress: 3 },
    });
    expect(() => progressNotification('1', Number.NaN, 'x')).toThrow(RangeError);
  });

  it('round-trips ids taken from parsed host lines', () => {
    for (const id of ['0', '-1.5e3', '99999999999999999999', '"x"', '"\\ud83d\\ude00"', '""']) {
      const req = parseHostLine(Buffer.from(`{"jsonrpc":"2.0","id":${id},"method":"tools/call"}`));
      if (req.kind !== 'request') throw new Error('expected a request');
      const answer = parseHostLine(Buffer.from(toolDenial(req.idRaw, 'no')));
      expect(answer.kind === 'response' && [answer.idRaw, answer.idKey]).toEqual([
        req.idRaw,
        req.idKey,
      ]);
    }
  });

  it('refuses to splice anything but a single string or number token', () => {
    for (const bad of [
      '1,"method":"tools/call"',
      '1}\n{"jsonrpc":"2.0","id":2,"method":"tools/call"}',
      'null',
      '{}',
      '[1]',
      ' 1',
      '',
      '"unterminated',
    ]) {
      expect(() => jsonRpcError(bad, -32600, 'x'), bad).toThrow(TypeError);
      expect(() => toolDenial(bad, 'x'), bad).toThrow(TypeError);
      expect(() => progressNotification(bad, 1, 'x'), bad).toThrow(TypeError);
    }
    expect(() => jsonRpcError('1', 1.5, 'x')).toThrow(RangeError);
  });

  it('escapes hostile text so the message stays one well-formed line', () => {
    const hostile = 'a"}\n{"jsonrpc":"2.0","method":"tools/call"}\u2028\ud800';
    for (const text of [jsonRpcError('1', -1, hostile), toolDenial('1', hostile)]) {
      expect(text).not.toMatch(/[\n\r]/);
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });
});
