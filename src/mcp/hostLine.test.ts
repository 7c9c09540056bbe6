import { describe, it, expect } from 'vitest';
import { parseHostLine, idKeyOf, PARSE_ERROR, INVALID_REQUEST, type HostLine } from './hostLine';

const parse = (text: string | Buffer): HostLine =>
  parseHostLine(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);

function expectInvalid(line: HostLine, code: number, idRaw: string | null, reason?: RegExp): void {
  expect(line.kind).toBe('invalid');
  if (line.kind !== 'invalid') return;
  expect(line.code).toBe(code);
  expect(line.idRaw).toBe(idRaw);
  if (reason) expect(line.reason).toMatch(reason);
}

describe('parseHostLine: well-formed messages', () => {
  it('classifies a tools/call request, keeping a big integer id exactly as written', () => {
    const text =
      '{"jsonrpc":"2.0","id":12345678901234567890,"method":"tools/call","params":{"name":"write","arguments":{"path":"/tmp/x"}}}';
    const line = parse(text);
    expect(line).toEqual({
      kind: 'request',
      method: 'tools/call',
      idRaw: '12345678901234567890',
      idKey: 'n:12345678901234567890',
      params: { name: 'write', arguments: { path: '/tmp/x' } },
      message: JSON.parse(text),
    });
  });

  it('keeps an escaped string id escaped in idRaw and unescaped in idKey', () => {
    const line = parse('{"jsonrpc":"2.0","id":"a\\u0062","method":"ping"}');
    expect(line.kind === 'request' && [line.idRaw, line.idKey]).toEqual(['"a\\u0062"', 's:ab']);
  });

  it('keys numbers by their exact spelling and strings by their value: 1, "1" and 1.0 differ', () => {
    expect(idKeyOf(1, '1')).not.toBe(idKeyOf('1', '"1"'));
    const a = parse('{"jsonrpc":"2.0","id":1.0,"method":"ping"}');
    const b = parse('{"jsonrpc":"2.0","id":1,"method":"ping"}');
    const c = parse('{"jsonrpc":"2.0","id":1e0,"method":"ping"}');
    const d = parse('{"jsonrpc":"2.0","id":"1","method":"ping"}');
    const big = parse('{"jsonrpc":"2.0","id":12345678901234567890,"method":"ping"}');
    expect(a.kind === 'request' && a.idRaw).toBe('1.0');
    expect([a, b, c, d, big].map((l) => (l.kind === 'request' ? l.idKey : null))).toEqual([
      'n:1.0',
      'n:1',
      'n:1e0',
      's:1',
      'n:12345678901234567890',
    ]);
  });

  it('keys the requestId a cancellation names the way request ids are keyed', () => {
    const keyOf = (token: string) => {
      const l = parse(
        `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":${token}}}`,
      );
      return l.kind === 'notification' ? l.requestIdKey : null;
    };
    expect([keyOf('7'), keyOf('7.0'), keyOf('"7"'), keyOf('null')]).toEqual([
      'n:7',
      'n:7.0',
      's:7',
      undefined,
    ]);
  });

  it('recognises an escaped method name by its value', () => {
    for (const token of ['"tools\\/call"', '"tools\\u002fcall"', '"\\u0074ools/call"']) {
      const line = parse(`{"jsonrpc":"2.0","id":3,"method":${token},"params":{}}`);
      expect(line.kind === 'request' && line.method).toBe('tools/call');
    }
  });

  it('accepts escaped member names as the names they spell', () => {
    const line = parse('{"jsonrpc":"2.0","\\u0069d":4,"m\\u0065thod":"tools/call"}');
    expect(line.kind === 'request' && [line.method, line.idRaw]).toEqual(['tools/call', '4']);
  });

  it('classifies notifications, with and without params', () => {
    expect(parse('{"jsonrpc":"2.0","method":"notifications/initialized"}')).toMatchObject({
      kind: 'notification',
      method: 'notifications/initialized',
      params: undefined,
    });
    expect(
      parse('{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7}}'),
    ).toMatchObject({ kind: 'notification', params: { requestId: 7 } });
  });

  it('classifies responses to server requests', () => {
    expect(parse('{"jsonrpc":"2.0","id":0,"result":{}}')).toMatchObject({
      kind: 'response',
      idRaw: '0',
      idKey: 'n:0',
    });
    expect(parse('{"jsonrpc":"2.0","id":"s1","error":{"code":-1,"message":"no"}}')).toMatchObject({
      kind: 'response',
      idRaw: '"s1"',
      idKey: 's:s1',
    });
  });

  it('tolerates surrounding whitespace and unknown members', () => {
    expect(parse(' \t{"jsonrpc":"2.0","id":1,"method":"ping","extra":[1]} ')).toMatchObject({
      kind: 'request',
      idRaw: '1',
    });
  });

  it('exposes the exact source of a string or number progress token', () => {
    const meta = (token: string) =>
      parse(
        `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"_meta":{"progressToken":${token}}}}`,
      );
    for (const token of ['"p\\u0031"', '99999999999999999999', '-1.5', '"😀"']) {
      const line = meta(token);
      expect(line.kind === 'request' && line.progressTokenRaw).toBe(token);
    }
    for (const token of ['null', '{}', '[1]', 'true']) {
      const line = meta(token);
      expect(line.kind === 'request' && 'progressTokenRaw' in line).toBe(false);
    }
    const none = parse('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}');
    expect(none.kind === 'request' && none.progressTokenRaw).toBeUndefined();
    // A token anywhere else is not the request's token.
    const nested = parse(
      '{"jsonrpc":"2.0","id":1,"method":"x","params":{"arguments":{"_meta":{"progressToken":1}}}}',
    );
    expect(nested.kind === 'request' && nested.progressTokenRaw).toBeUndefined();
  });

  it('keeps a "__proto__" member as data', () => {
    const line = parse(
      '{"__proto__":{"method":"tools/call"},"jsonrpc":"2.0","id":1,"method":"ping"}',
    );
    expect(line.kind === 'request' && line.method).toBe('ping');
    if (line.kind === 'request') {
      expect(Object.getPrototypeOf(line.message)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(line.message, '__proto__')?.value).toEqual({
        method: 'tools/call',
      });
    }
  });
});

describe('parseHostLine: rejections', () => {
  it('rejects invalid UTF-8 and a byte order mark as parse errors', () => {
    const good = Buffer.from('{"jsonrpc":"2.0","id":1,"method":"tools/call"}');
    const withByte = (at: number, bytes: number[]) =>
      Buffer.concat([good.subarray(0, at), Buffer.from(bytes), good.subarray(at)]);
    expectInvalid(parse(withByte(35, [0xff])), PARSE_ERROR, null, /UTF-8/);
    expectInvalid(parse(withByte(35, [0xc3])), PARSE_ERROR, null, /UTF-8/); // truncated sequence
    expectInvalid(parse(withByte(35, [0xed, 0xa0, 0x80])), PARSE_ERROR, null); // encoded surrogate
    expectInvalid(parse(withByte(35, [0xc0, 0xaf])), PARSE_ERROR, null); // overlong '/'
    expectInvalid(parse(withByte(0, [0xef, 0xbb, 0xbf])), PARSE_ERROR, null, /byte order mark/);
  });

  it('rejects malformed JSON, duplicate keys at any depth and trailing garbage', () => {
    for (const text of [
      '{"jsonrpc":"2.0","id":1,"method":"ping"',
      '{"jsonrpc":"2.0","id":1,"method":"ping","method":"tools/call"}',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","method":"ping"}',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","meth\\u006fd":"ping"}',
      '{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":{"b":1,"b":2}}}',
      '{"jsonrpc":"2.0","id":1,"method":"ping"} {"method":"tools/call"}',
      '{"jsonrpc":"2.0","id":1,"method":"ping"}x',
      '{"jsonrpc":"2.0","id":01,"method":"ping"}',
      '{"jsonrpc":"2.0","id":NaN,"method":"ping"}',
      '{"jsonrpc":"2.0","id":"\\ud800","method":"ping"}',
    ]) {
      expectInvalid(parse(text), PARSE_ERROR, null);
    }
  });

  it('rejects batches, even of valid requests', () => {
    expectInvalid(
      parse('[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}]'),
      INVALID_REQUEST,
      null,
      /batches are not supported/,
    );
    expectInvalid(parse('[]'), INVALID_REQUEST, null, /batches/);
  });

  it('rejects non-object messages', () => {
    for (const text of ['1', '"tools/call"', 'null', 'true']) {
      expectInvalid(parse(text), INVALID_REQUEST, null);
    }
  });

  it('rejects ids that are not strings or numbers, without echoing them', () => {
    for (const id of ['null', 'true', '{}', '[1]']) {
      expectInvalid(
        parse(`{"jsonrpc":"2.0","id":${id},"method":"tools/call"}`),
        INVALID_REQUEST,
        null,
        /id must be/,
      );
    }
  });

  it('rejects a bad jsonrpc member, echoing a valid id', () => {
    for (const v of ['"1.0"', '2.0', 'null', '"2.0 "']) {
      expectInvalid(
        parse(`{"jsonrpc":${v},"id":"q","method":"ping"}`),
        INVALID_REQUEST,
        '"q"',
        /jsonrpc/,
      );
    }
    expectInvalid(parse('{"id":5,"method":"ping"}'), INVALID_REQUEST, '5', /jsonrpc/);
  });

  it('rejects a non-string method and non-object params', () => {
    expectInvalid(parse('{"jsonrpc":"2.0","id":7,"method":["tools/call"]}'), INVALID_REQUEST, '7');
    expectInvalid(parse('{"jsonrpc":"2.0","id":7,"method":null}'), INVALID_REQUEST, '7');
    for (const params of ['[]', '["a"]', 'null', '"x"', '1']) {
      expectInvalid(
        parse(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":${params}}`),
        INVALID_REQUEST,
        '7',
        /params/,
      );
    }
    expectInvalid(parse('{"jsonrpc":"2.0","method":"x","params":[]}'), INVALID_REQUEST, null);
  });

  it('rejects messages that are both a request and a response, or neither', () => {
    expectInvalid(
      parse('{"jsonrpc":"2.0","id":1,"method":"tools/call","result":{}}'),
      INVALID_REQUEST,
      '1',
    );
    expectInvalid(
      parse('{"jsonrpc":"2.0","method":"tools/call","error":{}}'),
      INVALID_REQUEST,
      null,
    );
    expectInvalid(parse('{"jsonrpc":"2.0","id":1,"result":{},"error":{}}'), INVALID_REQUEST, '1');
    expectInvalid(parse('{"jsonrpc":"2.0","id":1}'), INVALID_REQUEST, '1');
    expectInvalid(parse('{"jsonrpc":"2.0"}'), INVALID_REQUEST, null);
  });
});
