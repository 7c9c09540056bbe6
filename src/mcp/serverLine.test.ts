import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  ambiguousJson,
  peekServerLine,
  idKeyFromTail,
  idKeyFromHead,
  idKeyFromOversize,
} from './serverLine';
import { LineSplitter, type OversizeInfo } from './framing';

const peek = (text: string) => peekServerLine(Buffer.from(text, 'utf8'));

describe('peekServerLine', () => {
  it('classifies requests, notifications and responses', () => {
    expect(
      peek('{"jsonrpc":"2.0","id":0,"method":"sampling/createMessage","params":{}}'),
    ).toMatchObject({
      kind: 'request',
      method: 'sampling/createMessage',
      idKey: 'n:0',
    });
    expect(peek('{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}')).toMatchObject({
      kind: 'notification',
      method: 'notifications/tools/list_changed',
    });
    const response = peek('{"result":{"tools":[]},"jsonrpc":"2.0","id":"x"}');
    expect(response).toMatchObject({ kind: 'response', idKey: 's:x' });
    expect(response.kind === 'response' && response.message.result).toEqual({ tools: [] });
    expect(peek('{"jsonrpc":"2.0","id":3,"error":{"code":-32601,"message":"nope"}}')).toMatchObject(
      {
        kind: 'response',
        idKey: 'n:3',
      },
    );
  });

  it('keys ids the way parseHostLine does: numbers by spelling, strings by value', () => {
    expect(peek('{"jsonrpc":"2.0","id":1.0,"result":{}}')).toMatchObject({
      idKey: 'n:1.0',
      idRaw: '1.0',
    });
    expect(peek('{"jsonrpc":"2.0","id":12345678901234567890,"result":{}}')).toMatchObject({
      idKey: 'n:12345678901234567890',
    });
    expect(peek('{"jsonrpc":"2.0","id":"a\\u0062","result":{}}')).toMatchObject({ idKey: 's:ab' });
    expect(
      peek('{ "result" : {"id":9,"x":"\\"id\\":8"} , "jsonrpc":"2.0", "id" : 1e3 }'),
    ).toMatchObject({ idKey: 'n:1e3', idRaw: '1e3' });
  });

  it('calls anything that is not one JSON-RPC message invalid, and never throws', () => {
    for (const text of [
      '',
      'not json',
      'Server running on stdio',
      '{"jsonrpc":"2.0","id":1,"result":',
      '[{"jsonrpc":"2.0","id":1,"result":{}}]',
      '42',
      'null',
      '\ufeff{"jsonrpc":"2.0","id":1,"result":{}}',
      '{"id":1,"result":{}}',
      '{"jsonrpc":"1.0","id":1,"result":{}}',
      '{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}}',
      '{"jsonrpc":"2.0","id":{},"result":{}}',
      '{"jsonrpc":"2.0","id":1}',
      '{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"x"}}',
      '{"jsonrpc":"2.0","method":5,"id":1}',
      '{"jsonrpc":"2.0","method":"x","id":true}',
      '{"jsonrpc":"2.0","method":"x","id":1,"result":{}}',
      '{"jsonrpc":"2.0","id":1,"result":{},"id":2}',
      '{"jsonrpc":"2.0","id":1,"result":{},"\\u0069d":2}',
      '{"\\u0069d":2,"jsonrpc":"2.0","id":1,"result":{}}',
      '{"jsonrpc":"2.0","method":"x","method":"y"}',
    ]) {
      expect(peek(text).kind, text).toBe('invalid');
    }
    expect(peekServerLine(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])).kind).toBe('invalid');
    // A name spelled with escapes is the name it decodes to.
    expect(peek('{"jsonrpc":"2.0","\\u0069d":7,"result":{}}')).toMatchObject({
      kind: 'response',
      idKey: 'n:7',
    });
    // Only the top level counts: the same names deeper down are content.
    expect(peek('{"jsonrpc":"2.0","id":1,"result":{"id":2,"id":3,"method":"m"}}').kind).toBe(
      'response',
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(['request', 'notification', 'response', 'invalid']).toContain(
          peekServerLine(Buffer.from(bytes)).kind,
        );
      }),
    );
  });

  it('finds the one top-level id of any JSON object, wherever it sits and however it is spaced', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string().filter((k) => k !== 'id' && k !== 'jsonrpc' && k !== 'result'),
          fc.jsonValue(),
          { maxKeys: 4 },
        ),
        fc.jsonValue(),
        fc.oneof(fc.integer(), fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true })),
        fc.nat(6),
        fc.constantFrom('', ' ', '\n\t '),
        (extra, result, id, at, ws) => {
          const members = Object.entries({ ...extra, result }).map(
            ([k, v]) => `${JSON.stringify(k)}${ws}:${ws}${JSON.stringify(v)}`,
          );
          const idToken = JSON.stringify(id);
          members.splice(
            Math.min(at, members.length),
            0,
            `"id":${ws}${idToken}`,
            '"jsonrpc":"2.0"',
          );
          const got = peek(`{${ws}${members.join(`${ws},${ws}`)}${ws}}`);
          expect(got.kind).toBe('response');
          const expected = typeof id === 'string' ? `s:${id}` : `n:${idToken}`;
          expect(got.kind === 'response' && got.idKey).toBe(expected);
        },
      ),
    );
  });
});

describe('idKeyFromTail / idKeyFromHead', () => {
  const tail = (text: string) => idKeyFromTail(Buffer.from(text, 'utf8'));
  const head = (text: string) => idKeyFromHead(Buffer.from(text, 'utf8'));

  it('finds a trailing top-level id as the SDK writes it', () => {
    expect(tail('…lots of result"}]},"jsonrpc":"2.0","id":42}')).toBe('n:42');
    expect(tail('"x"}]}, "jsonrpc" : "2.0" , "id" : -7 }\r')).toBe('n:-7');
    expect(tail('…"jsonrpc":"2.0","id":"req-\\u00e9"}')).toBe('s:req-é');
    expect(tail('…"jsonrpc":"2.0","id":"a\\"b"}')).toBe('s:a"b');
    expect(tail('{"id":12345678901234567890}')).toBe('n:12345678901234567890');
    expect(tail('…"jsonrpc":"2.0","id":1.0}')).toBe('n:1.0');
  });

  it('refuses anything it cannot be sure of', () => {
    for (const text of [
      '…"result":{"id":3}}', // nested id, two closing braces
      '…"id":3}}',
      '…"text":"x\\"id\\":3}"}', // inside a string
      '…"x\\"id":3}', // key ending in id
      '…"kid":3}',
      '…"id":3', // not closed
      '…"id":3]',
      '12345}', // number may start before the tail
      '"id":3}', // cannot see what precedes the key
      '…"id":true}',
      '…"id":null}',
      '…"id":01}',
      '…"id":"abc}',
      '',
    ]) {
      expect(tail(text), text).toBeNull();
    }
  });

  it('finds a leading id after scalar members, as Python writes it', () => {
    expect(head('{"jsonrpc":"2.0","id":5,"result":{"content":[{"text":"aaaa')).toBe('n:5');
    expect(head(' { "id" : "x\\u0031" , "result"')).toBe('s:x1');
    expect(head('{"jsonrpc":"2.0","id":5}')).toBe('n:5');
    for (const text of [
      '{"result":{"id":1},"id":2',
      '{"jsonrpc":"2.0","id":12',
      '{"jsonrpc":"2.0","id":"abc',
      '{"jsonrpc":"2.0","kid":1,',
      'x{"id":1,',
      '{"jsonrpc":"2.0"}',
    ]) {
      expect(head(text), text).toBeNull();
    }
  });

  it('recovers the id of real oversize responses dropped by the splitter', () => {
    const infos: OversizeInfo[] = [];
    const s = new LineSplitter({
      maxLineBytes: 4096,
      onLine: () => {},
      onOversize: (i) => infos.push(i),
    });
    const big = 'é😀'.repeat(5000);
    s.push(
      Buffer.from(
        `${JSON.stringify({ result: { content: [{ type: 'text', text: big }] }, jsonrpc: '2.0', id: 17 })}\r\n`,
      ),
    );
    s.push(Buffer.from(`${JSON.stringify({ jsonrpc: '2.0', id: 'py', result: { text: big } })}\n`));
    s.push(Buffer.from(`${JSON.stringify({ result: { text: big, id: 3 } })}\n`));
    expect(infos.map(idKeyFromOversize)).toEqual(['n:17', 's:py', null]);
  });
});

describe('ambiguousJson', () => {
  it('reads a result with no twin keys as unambiguous, the same key in sibling objects included', () => {
    const line = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      result: {
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      },
    });
    expect(ambiguousJson(line)).toBeNull();
  });

  it.each([
    ['{"a":{"b":[{"k":1,"k":2}]}}', 'names the key "k" twice in one object'],
    ['[[[{"text":"x","\\u0074ext":"y"}]]]', 'names the key "text" twice in one object'],
    ['{"a":"\\ud800"}', 'cannot be read strictly as JSON (lone high surrogate escape'],
    [
      `${'['.repeat(600)}${']'.repeat(600)}`,
      'cannot be read strictly as JSON (nesting deeper than',
    ],
  ])('%s: %s', (line, said) => {
    expect(ambiguousJson(line)).toContain(said);
  });
});
