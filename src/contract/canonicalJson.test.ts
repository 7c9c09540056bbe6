import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonicalJson';

// The store's own canonical JSON before there was one: every hash and payload text already in a
// database was written with it (event payloads, tool definitions, server facts, fact digests).
function legacyStoreJson(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort())
        out[key] = sortKeys((v as Record<string, unknown>)[key]);
      return out;
    }
    return v;
  };
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

const hasProtoKey = (v: unknown): boolean =>
  v !== null &&
  typeof v === 'object' &&
  (Object.hasOwn(v, '__proto__') || Object.values(v).some(hasProtoKey));

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('drops undefined and functions in objects and writes null for them in arrays, like JSON.stringify', () => {
    const value = { a: undefined, f: () => 1, b: [undefined, 1, () => 2] };
    expect(canonicalJson(value)).toBe('{"b":[null,1,null]}');
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('keeps a __proto__ key as data, whatever its value, and leaves the prototype alone', () => {
    // A hostile server's schema can carry this key: hashing it and storing it must agree.
    const value = JSON.parse('{"__proto__":{"x":1},"a":2,"n":{"__proto__":3}}') as unknown;
    expect(canonicalJson(value)).toBe('{"__proto__":{"x":1},"a":2,"n":{"__proto__":3}}');
    expect(canonicalJson(value)).not.toBe(canonicalJson({ a: 2, n: {} }));
  });

  it('uses toJSON like JSON.stringify, sorting what it returns', () => {
    const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(canonicalJson({ at })).toBe('{"at":"2026-01-02T03:04:05.000Z"}');
    const custom = { secret: 'x', toJSON: () => ({ z: 1, a: 2 }) };
    expect(canonicalJson([custom])).toBe('[{"a":2,"z":1}]');
  });

  it('treats a toJSON key that is not a function as data', () => {
    const value = JSON.parse('{"toJSON":"x","a":1}') as unknown;
    expect(canonicalJson(value)).toBe('{"a":1,"toJSON":"x"}');
  });

  it('is the same text for every JSON value whatever the key order', () => {
    const a = JSON.parse('{"k":[{"q":1,"p":[true,null]}],"j":"é"}') as unknown;
    const b = JSON.parse('{"j":"é","k":[{"p":[true,null],"q":1}]}') as unknown;
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });

  it('indents when asked (for showing a definition, never for hashing)', () => {
    expect(canonicalJson({ b: 1, a: [2] }, 2)).toBe('{\n  "a": [\n    2\n  ],\n  "b": 1\n}');
  });

  it('writes the bytes the store wrote before for every JSON value without a __proto__ key', () => {
    // So hashes and chained payloads already in a database still verify (canonicalJson.ts says
    // why no stored value could hold a __proto__ key or a toJSON method).
    fc.assert(
      fc.property(
        fc.jsonValue().filter((v) => !hasProtoKey(v)),
        (v) => canonicalJson(v) === legacyStoreJson(v),
      ),
      { numRuns: 500 },
    );
  });

  it('differs from the old store text exactly where the old text lost data', () => {
    const value = JSON.parse('{"__proto__":{"x":1},"a":2}') as unknown;
    expect(legacyStoreJson(value)).toBe('{"a":2}');
    expect(canonicalJson(value)).toBe('{"__proto__":{"x":1},"a":2}');
  });
});
