import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  parseStrictJson,
  parseStrictJsonDetailed,
  StrictJsonError,
  DEFAULT_MAX_DEPTH,
} from './strictJson';

// Inputs JSON.parse accepts and so must we, with the same result.
const valid = [
  '0',
  '-0',
  '1.5e+10',
  '-12.34E-5',
  '1e400',
  '12345678901234567890',
  '"plain"',
  '"esc \\" \\\\ \\/ \\b \\f \\n \\r \\t"',
  '"\\u00e9\\u4e2d\\ud83d\\ude00"',
  '"é中😀"',
  '"\\u0000"',
  'true',
  'false',
  'null',
  '[]',
  '{}',
  ' \t\r\n[ 1 , "a" , { "b" : [ null ] } ]\n',
  '{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}',
  '{"":1," ":2}',
  '{"constructor":1,"toString":2,"hasOwnProperty":3}',
];

// Inputs JSON.parse accepts but a strict parser must not.
const strictOnly = [
  '{"a":1,"a":2}',
  '{"a":1,"\\u0061":2}',
  '{"x":{"y":[{"k":1,"k":1}]}}',
  '{"method":"ping","method":"tools/call"}',
  '{"__proto__":1,"__proto__":2}',
  '"\\ud800"',
  '"\\udc00"',
  '"\\ud800\\u0041"',
  '"\\ude00\\ud83d"',
  '"\\ud83d"',
];

// Inputs both reject.
const invalid = [
  '',
  ' ',
  '01',
  '-01',
  '+1',
  '.5',
  '1.',
  '1e',
  '-',
  '0x10',
  'NaN',
  'Infinity',
  '-Infinity',
  'undefined',
  'tru',
  'nul',
  "'single'",
  '"unterminated',
  '"tab\there"',
  '"nl\nhere"',
  '"\\x41"',
  '"\\u12"',
  '"\\u12G4"',
  '[1,]',
  '[,1]',
  '{"a":1,}',
  '{a:1}',
  '{"a" 1}',
  '{"a":1 "b":2}',
  '[1 2]',
  '[',
  '{',
  '{"a":',
  '1 2',
  '{} {}',
  '[]]',
  '\u00a0 1',
  '\ufeff{}',
  '/* c */ 1',
  '1 // c',
];

describe('parseStrictJson', () => {
  it.each(valid)('accepts %j exactly as JSON.parse does', (text) => {
    expect(parseStrictJson(text)).toEqual(JSON.parse(text));
  });

  it.each(strictOnly)('rejects %j although JSON.parse accepts it', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(() => parseStrictJson(text)).toThrow(StrictJsonError);
  });

  it.each(invalid)('rejects %j as JSON.parse does', (text) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(() => parseStrictJson(text)).toThrow(StrictJsonError);
  });

  it('rejects raw lone surrogates (they cannot come from valid UTF-8)', () => {
    expect(() => parseStrictJson('"\ud800"')).toThrow(StrictJsonError);
    expect(() => parseStrictJson('"a\udc00b"')).toThrow(StrictJsonError);
    expect(parseStrictJson('"\ud83d\ude00"')).toBe('😀');
  });

  it('keeps "__proto__" as plain data, never as the prototype', () => {
    const v = parseStrictJson('{"__proto__":{"polluted":true},"a":{"__proto__":[1]}}') as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(v, '__proto__')?.value).toEqual({ polluted: true });
    expect((v as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    const a = v.a as Record<string, unknown>;
    expect(Array.isArray(Object.getPrototypeOf(a))).toBe(false);
    expect(Object.getOwnPropertyDescriptor(a, '__proto__')?.value).toEqual([1]);
  });

  it('treats inherited names as ordinary, non-duplicate keys', () => {
    expect(parseStrictJson('{"toString":1,"valueOf":2}')).toEqual({ toString: 1, valueOf: 2 });
  });

  it('reports where it failed', () => {
    try {
      parseStrictJson('{"a":1,"a":2}');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(StrictJsonError);
      expect((err as StrictJsonError).position).toBe(7);
      expect((err as Error).message).toMatch(/duplicate key "a"/);
    }
  });

  it('rejects 100k-deep nesting cleanly, without blowing the stack', () => {
    for (const [open, close] of [
      ['[', ']'],
      ['{"a":', '}'],
    ] as const) {
      const deep = open.repeat(100_000) + '1' + close.repeat(100_000);
      expect(() => parseStrictJson(deep)).toThrow(/nesting deeper than 512/);
      const unterminated = open.repeat(100_000);
      expect(() => parseStrictJson(unterminated)).toThrow(StrictJsonError);
    }
  });

  it('accepts nesting up to the depth limit and no further', () => {
    const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(() => parseStrictJson(nest(DEFAULT_MAX_DEPTH))).not.toThrow();
    expect(() => parseStrictJson(nest(DEFAULT_MAX_DEPTH + 1))).toThrow(StrictJsonError);
    expect(() => parseStrictJson(nest(5), { maxDepth: 4 })).toThrow(StrictJsonError);
    // With the limit lifted it stays iterative: no stack overflow.
    expect(() => parseStrictJson(nest(200_000), { maxDepth: Infinity })).not.toThrow();
  });
});

describe('parseStrictJsonDetailed captures', () => {
  it('gives the exact source of values at the requested paths', () => {
    const text =
      ' { "id" : 12345678901234567890 , "params":{"_meta":{"progressToken":"t\\u0031"},"x":[{"id":9}]}} ';
    const { value, raw } = parseStrictJsonDetailed(text, {
      capture: [['id'], ['params', '_meta', 'progressToken'], ['params', 'x'], ['missing'], []],
    });
    expect(raw).toEqual([
      '12345678901234567890',
      '"t\\u0031"',
      '[{"id":9}]',
      undefined,
      text.trim(),
    ]);
    expect(value).toEqual(JSON.parse(text));
  });

  it('does not capture a nested member with the same name, nor through arrays', () => {
    const { raw } = parseStrictJsonDetailed('{"a":{"id":1},"b":[{"id":2}]}', {
      capture: [['id'], ['b', 'id']],
    });
    expect(raw).toEqual([undefined, undefined]);
  });

  it('captures nothing from a non-object root', () => {
    expect(parseStrictJsonDetailed('[{"id":1}]', { capture: [['id']] }).raw).toEqual([undefined]);
  });
});

describe('parseStrictJson properties', () => {
  // JSON.stringify never writes duplicate keys, so every generated text is duplicate-free.
  it('agrees with JSON.parse on any serialised JSON value', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ stringUnit: 'binary' }),
        fc.constantFrom(undefined, 0, 2, '\t'),
        (value, indent) => {
          const text = JSON.stringify(value, null, indent);
          expect(parseStrictJson(text)).toEqual(JSON.parse(text));
        },
      ),
    );
  });

  it('agrees with JSON.parse on escaped-everything serialisations', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 }), (value) => {
        const text = JSON.stringify(value).replace(
          /[^\x20-\x7e]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
        );
        expect(parseStrictJson(text)).toEqual(JSON.parse(text));
      }),
    );
  });

  it('rejects any object given a second member with an existing key, escaped or not', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: 'binary', minLength: 1 }), fc.jsonValue({ maxDepth: 2 }), {
          minKeys: 1,
        }),
        fc.nat(),
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        (obj, pick, escape, depth) => {
          const keys = Object.keys(obj);
          const key = keys[pick % keys.length] ?? '';
          const keyText = escape
            ? `"${key
                .split('')
                .map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, '0')}`)
                .join('')}"`
            : JSON.stringify(key);
          let text = `${JSON.stringify(obj).slice(0, -1)},${keyText}:null}`;
          for (let i = 0; i < depth; i++) text = `{"wrap":[${text}]}`;
          expect(() => JSON.parse(text)).not.toThrow();
          expect(() => parseStrictJson(text)).toThrow(/duplicate key/);
        },
      ),
    );
  });

  it('never accepts what JSON.parse rejects, and agrees when both accept', () => {
    const alphabet = fc.constantFrom(...'{}[]":,0123456789-+.eEtrufalsn \\u"abx\n'.split(''));
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 30 }).map((cs) => cs.join('')),
        (text) => {
          let strict: unknown;
          try {
            strict = parseStrictJson(text);
          } catch (err) {
            expect(err).toBeInstanceOf(StrictJsonError);
            return;
          }
          expect(strict).toEqual(JSON.parse(text));
        },
      ),
    );
  });
});

describe('long strings (the plain runs skipped in native code)', () => {
  it('still finds a control character, a lone surrogate or an escape past 4096 plain characters', () => {
    for (const n of [4095, 4096, 4097, 8192, 10_000]) {
      const plain = 'a'.repeat(n);
      expect(parseStrictJson(`"${plain}"`)).toBe(plain);
      expect(parseStrictJson(`"${plain}\\n${plain}é🙂"`)).toBe(`${plain}\n${plain}é🙂`);
      expect(() => parseStrictJson(`"${plain}\u0001"`)).toThrow(/control character/);
      expect(() => parseStrictJson(`"${plain}\ud800x"`)).toThrow(/lone surrogate/);
      expect(() => parseStrictJson(`"${plain}\\x"`)).toThrow(/bad escape/);
      expect(() => parseStrictJson(`"${plain}`)).toThrow(/unterminated string/);
      expect(() => parseStrictJson(`{"${plain}":1,"${plain}":2}`)).toThrow(/duplicate key/);
    }
  });

  it('decodes runs of one-character escapes across the run bound, and still checks what follows', () => {
    for (const n of [2047, 2048, 2049, 5000]) {
      // Every one-character escape (the solidus too), past the bound, then \u escapes.
      const json = `"${'\\n'.repeat(n)}\\"\\\\\\/\\b\\f\\r\\t${'x\\n'.repeat(n)}\\u00e9\\ud83d\\ude42"`;
      expect(parseStrictJson(json)).toBe(JSON.parse(json));
      expect(() => parseStrictJson(`"${'\\n'.repeat(n)}\\ud800"`)).toThrow(/lone high surrogate/);
      expect(() => parseStrictJson(`"${'\\t'.repeat(n)}\\q"`)).toThrow(/bad escape/);
      expect(() => parseStrictJson(`"${'\\r'.repeat(n)}\u0002"`)).toThrow(/control character/);
    }
  });
});
