import { beforeAll, describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../contract/types';
import { listTools, SERVERS } from '../registry/realTools.fixture';
import { checkEditedArguments, MAX_SCHEMA_CHARS, MAX_SCHEMA_DEPTH } from './argsSchema';
import { madeTempDir } from '../testing/tempDirs';

describe('checkEditedArguments against real server-filesystem schemas', () => {
  let tools: ToolDefinition[];
  const schemaOf = (name: string): unknown => tools.find((t) => t.name === name)?.inputSchema;
  beforeAll(async () => {
    tools = await listTools(SERVERS.filesystem(madeTempDir('airlock-schema-')));
  }, 30_000);

  it('accepts an edit that fits', () => {
    expect(checkEditedArguments(schemaOf('write_file'), { path: '/tmp/a', content: 'x' })).toEqual({
      ok: true,
    });
  });

  it('refuses a wrong type, a missing required field, with where and why', () => {
    expect(checkEditedArguments(schemaOf('write_file'), { path: 7, content: 'x' })).toEqual({
      ok: false,
      error: 'arguments/path: must be string',
    });
    expect(checkEditedArguments(schemaOf('write_file'), { path: '/tmp/a' })).toEqual({
      ok: false,
      error: 'arguments: "content" is required',
    });
  });

  it('refuses what is not an object, and a tool without a schema', () => {
    expect(checkEditedArguments(schemaOf('write_file'), ['/tmp/a'])).toMatchObject({
      ok: false,
      error: 'the arguments must be a JSON object',
    });
    expect(checkEditedArguments(undefined, {})).toMatchObject({
      ok: false,
      error: 'the tool has no input schema to check the edit against',
    });
  });
});

describe('checkEditedArguments with a hostile schema', () => {
  const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    type: 'object',
    properties,
    ...extra,
  });

  it('never runs a server-written pattern: a catastrophic one returns at once', () => {
    // (a+)+$ on "aaaa…!" backtracks exponentially if evaluated; 40 characters would take hours.
    const schema = obj({ q: { type: 'string', pattern: '^(a+)+$' } });
    expect(checkEditedArguments(schema, { q: `${'a'.repeat(40)}!` })).toEqual({ ok: true });
    // Structure is still checked under the same schema.
    expect(checkEditedArguments(schema, { q: 1 })).toMatchObject({ ok: false });
  });

  it('refuses patternProperties, whose effect depends on regular expressions', () => {
    const schema = obj({}, { patternProperties: { '^(a+)+$': { type: 'string' } } });
    expect(checkEditedArguments(schema, { a: 'x' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('patternProperties'),
    });
  });

  it('never fetches a remote $ref: the edit is refused, closed', () => {
    const schema = obj({ p: { $ref: 'https://attacker.example/schema.json' } });
    expect(checkEditedArguments(schema, { p: 1 })).toMatchObject({
      ok: false,
      error: expect.stringContaining('invalid'),
    });
  });

  it('bounds size and depth before compiling', () => {
    const huge = obj({ a: { type: 'string', description: 'x'.repeat(MAX_SCHEMA_CHARS) } });
    expect(checkEditedArguments(huge, { a: '' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('KB'),
    });
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < MAX_SCHEMA_DEPTH + 5; i++) deep = obj({ a: deep });
    expect(checkEditedArguments(deep, { a: {} })).toMatchObject({
      ok: false,
      error: expect.stringContaining('nested deeper'),
    });
  });

  it('keeps tools apart: the same $id in two schemas does not clash', () => {
    const a = obj({ x: { type: 'string' } }, { $id: 'https://example/s' });
    const b = obj({ x: { type: 'number' } }, { $id: 'https://example/s' });
    expect(checkEditedArguments(a, { x: 's' })).toEqual({ ok: true });
    expect(checkEditedArguments(b, { x: 1 })).toEqual({ ok: true });
    expect(checkEditedArguments(b, { x: 's' })).toMatchObject({ ok: false });
  });

  it('names an undeclared argument when the schema forbids extras', () => {
    const schema = obj({ a: { type: 'number' } }, { additionalProperties: false });
    expect(checkEditedArguments(schema, { a: 1, sidenote: 'x' })).toEqual({
      ok: false,
      error: 'arguments: "sidenote" is not an argument this tool declares',
    });
  });

  it('reads draft-07 schemas as draft-07', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      ...obj({ list: { type: 'array', items: [{ type: 'string' }] } }),
    };
    expect(checkEditedArguments(schema, { list: ['a'] })).toEqual({ ok: true });
    expect(checkEditedArguments(schema, { list: [1] })).toMatchObject({ ok: false });
  });

  it('a schema with code-looking keys and values compiles as data', () => {
    const schema = obj({
      "'];process.exit(1);//": { type: 'string', default: '${process.exit(1)}' },
      __proto__: { type: 'number' },
    });
    expect(checkEditedArguments(schema, { "'];process.exit(1);//": 'x' })).toEqual({ ok: true });
    expect(({} as Record<string, unknown>).type).toBeUndefined();
  });
});

describe('checkEditedArguments with hostile data for a recursive schema', () => {
  it('refuses data nested too deep for the stack instead of throwing', () => {
    const schema = {
      type: 'object',
      properties: { n: { $ref: '#/$defs/node' } },
      $defs: { node: { type: 'object', properties: { n: { $ref: '#/$defs/node' } } } },
    };
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 200_000; i++) deep = { n: deep };
    expect(checkEditedArguments(schema, deep)).toMatchObject({ ok: false });
  });
});
