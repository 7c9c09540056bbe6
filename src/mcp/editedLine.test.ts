import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { withArguments } from './editedLine';
import { parseHostLine } from './hostLine';
import { parseStrictJson } from './strictJson';

const line = (id: string, params: string): string =>
  `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":${params}}`;

describe('withArguments', () => {
  it('replaces only the value of params.arguments', () => {
    const original = line(
      '1.0',
      '{"name":"write_file", "arguments" : {"path":"/a","content":"x"} ,"_meta":{"progressToken":7}}',
    );
    expect(withArguments(original, '{"path":"/b","content":"y"}')).toBe(
      line(
        '1.0',
        '{"name":"write_file", "arguments" : {"path":"/b","content":"y"} ,"_meta":{"progressToken":7}}',
      ),
    );
  });

  it('adds arguments to a call that had none', () => {
    expect(withArguments(line('3', '{"name":"t"}'), '{"a":1}')).toBe(
      line('3', '{"arguments":{"a":1},"name":"t"}'),
    );
    expect(withArguments(line('3', '{}'), '{}')).toBe(line('3', '{"arguments":{}}'));
  });

  it('refuses what is not one JSON object, and lines without params', () => {
    const original = line('1', '{"name":"t","arguments":{}}');
    for (const bad of ['[]', '1', '"x"', '{"a":1,"a":2}', ' {}', '{} {}', '{"a":1}\n', '{'])
      expect(withArguments(original, bad), bad).toBeNull();
    expect(withArguments('{"jsonrpc":"2.0","id":1,"method":"tools/call"}', '{}')).toBeNull();
    expect(withArguments('not json', '{}')).toBeNull();
  });

  it('does not touch a look-alike "arguments" elsewhere in the line', () => {
    const original = line(
      '"arguments"',
      '{"_meta":{"arguments":{"x":1}},"name":"t","arguments":{"x":1}}',
    );
    expect(withArguments(original, '{"x":2}')).toBe(
      line('"arguments"', '{"_meta":{"arguments":{"x":1}},"name":"t","arguments":{"x":2}}'),
    );
  });

  it('keeps the id token and _meta of every spelling, and changes nothing else (property)', () => {
    const idToken = fc.oneof(
      fc.integer().map(String),
      fc.constantFrom('1.0', '1e0', '-0', '12345678901234567890123', '0.5E+3'),
      fc.string().map((s) => JSON.stringify(s)),
      fc
        .string()
        .map((s) =>
          JSON.stringify(s).replace(/[a-z]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`),
        ),
    );
    const jsonObject = fc.dictionary(fc.string(), fc.jsonValue()).map((o) => JSON.stringify(o));
    fc.assert(
      fc.property(idToken, jsonObject, jsonObject, jsonObject, (id, before, after, meta) => {
        const original = line(id, `{"name":"t","_meta":${meta},"arguments":${before}}`);
        const edited = withArguments(original, after);
        expect(edited).toBe(line(id, `{"name":"t","_meta":${meta},"arguments":${after}}`));
        const parsed = parseHostLine(Buffer.from(edited!, 'utf8'));
        const was = parseHostLine(Buffer.from(original, 'utf8'));
        expect(parsed.kind).toBe('request');
        if (parsed.kind !== 'request' || was.kind !== 'request') return;
        expect(parsed.idRaw).toBe(id);
        expect(parsed.idKey).toBe(was.idKey);
        expect(parsed.params?._meta).toEqual(parseStrictJson(meta));
        expect(parsed.params?.arguments).toEqual(parseStrictJson(after));
      }),
    );
  });
});
