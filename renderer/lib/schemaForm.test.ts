import { describe, expect, it } from 'vitest';
import {
  buildForm,
  DEFAULT_LIMITS,
  defaultFor,
  getAt,
  jsonEqual,
  parseJson,
  parseNumber,
  removeAt,
  setAt,
  type Field,
  type FormResult,
} from './schemaForm';

/** server-filesystem's write_file, as it lists it. */
const WRITE_FILE = {
  type: 'object',
  properties: { path: { type: 'string' }, content: { type: 'string' } },
  required: ['path', 'content'],
  additionalProperties: false,
};

function root(result: FormResult): Field & { kind: 'object' } {
  if (result.kind !== 'form') throw new Error(`expected a form, got raw: ${result.why}`);
  return result.root;
}

function kinds(fields: Field[]): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f.label, f.kind]));
}

describe('buildForm', () => {
  it('write_file: two required string fields, long text multi-line', () => {
    const form = root(buildForm(WRITE_FILE, { path: '/p/a.txt', content: 'one\ntwo' }));
    expect(form.fields).toMatchObject([
      { kind: 'string', label: 'path', value: '/p/a.txt', multiline: false, required: true },
      { kind: 'string', label: 'content', value: 'one\ntwo', multiline: true, required: true },
    ]);
    expect(form.missing).toEqual([]);
    const long = root(buildForm(WRITE_FILE, { path: 'x'.repeat(61), content: '' }));
    expect(long.fields[0]).toMatchObject({ multiline: true });
  });

  it('every simple kind, nested objects and arrays, in the agent’s key order', () => {
    const schema = {
      type: 'object',
      properties: {
        n: { type: 'number', description: 'a number' },
        i: { type: 'integer' },
        b: { type: 'boolean' },
        mode: { type: 'string', enum: ['fast', 'slow'] },
        tags: { type: 'array', items: { type: 'string' } },
        opts: {
          type: 'object',
          properties: { depth: { type: 'integer' } },
          required: ['depth'],
        },
        absent: { type: 'string', description: 'not sent' },
      },
      required: ['n'],
    };
    const args = { opts: { depth: 2 }, n: 1.5, i: 3, b: true, mode: 'slow', tags: ['a', 'b'] };
    const form = root(buildForm(schema, args));
    expect(form.fields.map((f) => f.label)).toEqual(['opts', 'n', 'i', 'b', 'mode', 'tags']);
    expect(kinds(form.fields)).toEqual({
      opts: 'object',
      n: 'number',
      i: 'number',
      b: 'boolean',
      mode: 'enum',
      tags: 'array',
    });
    const n = form.fields.find((f) => f.label === 'n');
    expect(n).toMatchObject({ description: 'a number', required: true, integer: false });
    const tags = form.fields.find((f) => f.label === 'tags');
    expect(tags?.kind === 'array' && tags.items.map((f) => [f.path, f.kind])).toEqual([
      [['tags', 0], 'string'],
      [['tags', 1], 'string'],
    ]);
    const opts = form.fields.find((f) => f.label === 'opts');
    expect(opts?.kind === 'object' && opts.fields[0]).toMatchObject({
      kind: 'number',
      integer: true,
      path: ['opts', 'depth'],
      required: true,
    });
    expect(form.missing).toEqual([
      {
        path: ['absent'],
        label: 'absent',
        description: 'not sent',
        schema: schema.properties.absent,
      },
    ]);
  });

  it('what a form cannot say faithfully is a raw JSON field', () => {
    const schema = {
      type: 'object',
      properties: {
        ref: { $ref: '#/definitions/x' },
        union: { anyOf: [{ type: 'string' }, { type: 'number' }] },
        one: { oneOf: [{ type: 'string' }] },
        nullable: { type: ['string', 'null'] },
        untyped: {},
        wrongType: { type: 'number' },
        notAChoice: { enum: ['a', 'b'] },
        tuple: { type: 'array', items: [{ type: 'string' }] },
        float: { type: 'integer' },
      },
    };
    const args = {
      ref: 1,
      union: 'u',
      one: 'o',
      nullable: null,
      untyped: { any: 'thing' },
      wrongType: '12',
      notAChoice: 'c',
      tuple: ['t'],
      float: 1.5,
      sidenote: 'undeclared',
    };
    const form = root(buildForm(schema, args));
    for (const f of form.fields) expect([f.label, f.kind]).toEqual([f.label, 'raw']);
    const side = form.fields.find((f) => f.label === 'sidenote');
    expect(side).toMatchObject({ why: 'The tool’s schema does not declare this argument.' });
    const wrong = form.fields.find((f) => f.label === 'wrongType');
    expect(wrong).toMatchObject({ value: '12', why: 'The value is not a number.' });
  });

  it('whole-form raw: no schema, arguments not an object, a schema over the size cap', () => {
    expect(buildForm(undefined, { a: 1 })).toEqual({
      kind: 'raw',
      why: 'The server gave no schema for this tool.',
    });
    expect(buildForm(WRITE_FILE, ['a'])).toMatchObject({ kind: 'raw' });
    const huge = {
      type: 'object',
      properties: Object.fromEntries(
        Array.from({ length: 20_000 }, (_, i) => [
          `p${i}`,
          { type: 'string', description: 'x'.repeat(20) },
        ]),
      ),
    };
    expect(buildForm(huge, { p1: 'a' })).toEqual({
      kind: 'raw',
      why: 'The tool’s schema is too large to turn into a form.',
    });
  });

  it('a hostile schema nested 10,000 deep stops at the depth cap, without recursion trouble', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    let value: unknown = 'leaf';
    for (let i = 0; i < 10_000; i++) {
      schema = { type: 'object', properties: { x: schema } };
      value = { x: value };
    }
    const limits = { ...DEFAULT_LIMITS, maxSchemaChars: Number.MAX_SAFE_INTEGER };
    const form = root(buildForm(schema, value, limits));
    let f: Field = form;
    let depth = 0;
    while (f.kind === 'object') {
      f = f.fields[0]!;
      depth++;
    }
    expect(f.kind).toBe('raw');
    expect(depth).toBe(DEFAULT_LIMITS.maxDepth);
    expect(f).toMatchObject({ why: 'Nested too deeply for a form.', path: Array(5).fill('x') });
  });

  it('the field cap turns the rest into raw JSON, and big lists and enums are raw', () => {
    const many = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`k${i}`, i]));
    const schema = {
      type: 'object',
      properties: {
        many: {
          type: 'object',
          properties: Object.fromEntries(Object.keys(many).map((k) => [k, { type: 'number' }])),
        },
        list: { type: 'array', items: { type: 'number' } },
        pick: { enum: Array.from({ length: 500 }, (_, i) => i) },
      },
    };
    const form = root(
      buildForm(schema, { many, list: Array.from({ length: 51 }, (_, i) => i), pick: 3 }),
    );
    expect(kinds(form.fields)).toEqual({ many: 'raw', list: 'raw', pick: 'raw' });
    expect(form.fields.map((f) => f.kind === 'raw' && f.why)).toEqual([
      'The form has too many fields.',
      'Too many items for a form.',
      'Too many choices to list.',
    ]);
  });

  it('a long description is cut', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'string', description: 'd'.repeat(1000) } },
    };
    const form = root(buildForm(schema, { a: '' }));
    expect(form.fields[0]!.description).toHaveLength(DEFAULT_LIMITS.maxDescription + 1);
  });
});

describe('edits', () => {
  const args = { path: '/a', opts: { n: 1, list: [1, 2, 3] }, tail: true };

  it('editing nothing yields the very same arguments; rewriting every field changes no byte', () => {
    const schema = {
      type: 'object',
      properties: {
        path: { type: 'string' },
        opts: {
          type: 'object',
          properties: {
            n: { type: 'number' },
            list: { type: 'array', items: { type: 'integer' } },
          },
        },
      },
    };
    const form = root(buildForm(schema, args));
    const leaves: Field[] = [];
    const walk = (f: Field): void => {
      if (f.kind === 'object') f.fields.forEach(walk);
      else if (f.kind === 'array') f.items.forEach(walk);
      else leaves.push(f);
    };
    walk(form);
    // Each field shows the value at its path, itself (an undeclared one included).
    expect(leaves.map((f) => f.path.join('.'))).toEqual([
      'path',
      'opts.n',
      'opts.list.0',
      'opts.list.1',
      'opts.list.2',
      'tail',
    ]);
    for (const f of leaves) expect('value' in f && f.value).toBe(getAt(args, f.path));
    let rewritten: unknown = args;
    for (const f of leaves) rewritten = setAt(rewritten, f.path, 'value' in f ? f.value : null);
    expect(JSON.stringify(rewritten)).toBe(JSON.stringify(args));
  });

  it('setAt replaces one value, keeps key order and shares what it did not touch', () => {
    const next = setAt(args, ['opts', 'list', 1], 20) as typeof args;
    expect(next).toEqual({ path: '/a', opts: { n: 1, list: [1, 20, 3] }, tail: true });
    expect(Object.keys(next)).toEqual(['path', 'opts', 'tail']);
    expect(args.opts.list).toEqual([1, 2, 3]); // the original is not mutated
    expect(setAt(args, ['added'], 'x')).toEqual({ ...args, added: 'x' });
    expect(Object.keys(setAt(args, ['added'], 'x') as object).at(-1)).toBe('added');
    // Setting every field back to what it was is equal to the original, byte for byte.
    const same = setAt(setAt(args, ['path'], '/b'), ['path'], '/a');
    expect(JSON.stringify(same)).toBe(JSON.stringify(args));
  });

  it('removeAt drops a key or an item', () => {
    expect(removeAt(args, ['tail'])).toEqual({ path: '/a', opts: { n: 1, list: [1, 2, 3] } });
    expect(removeAt(args, ['opts', 'list', 0])).toEqual({
      path: '/a',
      opts: { n: 1, list: [2, 3] },
      tail: true,
    });
    expect(() => removeAt(args, [])).toThrow();
    expect(() => removeAt(args, ['path', 'x'])).toThrow(/No value at \.path\.x/);
  });

  it('a key named __proto__ stays a plain key and pollutes nothing', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": 1}, "a": 1}') as Record<string, unknown>;
    const next = setAt(hostile, ['__proto__', 'polluted'], 2) as Record<string, unknown>;
    expect(Object.getPrototypeOf(next)).toBe(Object.prototype);
    expect(JSON.stringify(next)).toBe('{"__proto__":{"polluted":2},"a":1}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const added = setAt({}, ['__proto__'], { x: 1 }) as Record<string, unknown>;
    expect(Object.hasOwn(added, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(added)).toBe(Object.prototype);
  });

  it('defaultFor: the schema default, the first choice, else an empty value of its type', () => {
    expect(defaultFor({ type: 'string', default: 'x' })).toBe('x');
    expect(defaultFor({ enum: ['b', 'c'] })).toBe('b');
    expect([
      defaultFor({ type: 'string' }),
      defaultFor({ type: 'integer' }),
      defaultFor({ type: 'boolean' }),
      defaultFor({ type: 'array' }),
      defaultFor({ type: 'object' }),
      defaultFor({ anyOf: [] }),
    ]).toEqual(['', 0, false, [], {}, null]);
  });
});

describe('typed text', () => {
  it('parseNumber accepts JSON numbers only', () => {
    expect(parseNumber(' 12 ', true)).toEqual({ ok: true, value: 12 });
    expect(parseNumber('-1.5e3', false)).toEqual({ ok: true, value: -1500 });
    for (const bad of ['', '0x10', '1,5', 'NaN', 'Infinity', '01', '1.', '.5'])
      expect(parseNumber(bad, false)).toMatchObject({ ok: false, error: 'Not a number.' });
    expect(parseNumber('1.5', true)).toEqual({ ok: false, error: 'Must be a whole number.' });
    expect(parseNumber('1e400', false)).toEqual({ ok: false, error: 'The number is too large.' });
    expect(parseNumber('9007199254740993', true)).toMatchObject({ ok: false });
    // More digits than a double keeps: it would reach the tool changed, so it is refused as typed.
    expect(parseNumber('12345678901234567890', false)).toEqual({
      ok: false,
      error: 'This number has more digits than can be kept exactly.',
    });
    expect(parseNumber('0.10000000000000000001', false)).toMatchObject({ ok: false });
    expect(parseNumber('9007199254740992', true)).toEqual({ ok: true, value: 9007199254740992 });
    expect(parseJson('{"n": 12345678901234567890, "s": "12345678901234567890"}')).toEqual({
      ok: false,
      error: '12345678901234567890: This number has more digits than can be kept exactly.',
    });
    expect(parseJson('{"s": "12345678901234567890", "n": 1.50}')).toEqual({
      ok: true,
      value: { s: '12345678901234567890', n: 1.5 },
    });
  });

  it('parseJson says what is wrong', () => {
    expect(parseJson('{"a": [1]}')).toEqual({ ok: true, value: { a: [1] } });
    expect(parseJson('{a: 1}')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^Not valid JSON: /),
    });
  });

  it('jsonEqual ignores key order, not types', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: '1' })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
    expect(jsonEqual({ a: undefined }, { b: undefined })).toBe(false);
  });
});
