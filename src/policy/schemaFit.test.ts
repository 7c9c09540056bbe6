import { describe, expect, it } from 'vitest';
import { assessRisk, type SessionFacts, type ToolState } from './risk';
import { argumentMisfits, jsonType, MAX_MISFITS } from './schemaFit';

const schema = (extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties: {
    path: { type: 'string' },
    count: { type: 'number' },
    tags: { type: ['array', 'null'] },
    any: {},
  },
  required: ['path'],
  ...extra,
});

describe('argumentMisfits', () => {
  it('names undeclared, wrong-type and missing arguments', () => {
    expect(argumentMisfits(schema(), { count: '3', sidenote: 'x', tags: {} })).toEqual([
      { kind: 'wrongType', name: 'count', expected: ['number'], actual: 'string' },
      { kind: 'undeclared', name: 'sidenote' },
      { kind: 'wrongType', name: 'tags', expected: ['array', 'null'], actual: 'object' },
      { kind: 'missing', name: 'path' },
    ]);
  });

  it('accepts what fits: integers are numbers, a type list, a property with no type', () => {
    expect(argumentMisfits(schema(), { path: '/p', count: 3, tags: null, any: [1] })).toEqual([]);
    expect(jsonType(1.5)).toBe('number');
    expect(jsonType(2)).toBe('integer');
  });

  it('counts extra arguments as declared when the schema admits them on purpose', () => {
    const args = { path: '/p', extra: 1 };
    expect(argumentMisfits(schema({ additionalProperties: true }), args)).toEqual([]);
    expect(argumentMisfits(schema({ additionalProperties: { type: 'number' } }), args)).toEqual([]);
    expect(argumentMisfits(schema({ patternProperties: { '^x': {} } }), args)).toEqual([]);
    expect(argumentMisfits(schema({ additionalProperties: false }), args)).toEqual([
      { kind: 'undeclared', name: 'extra' },
    ]);
  });

  it('says nothing when the schema says nothing checkable', () => {
    for (const s of [undefined, null, {}, { type: 'object' }, { properties: [] }, 'x'])
      expect(argumentMisfits(s, { a: 1 })).toEqual([]);
  });

  it('ignores a required list or type that is not one', () => {
    expect(
      argumentMisfits({ properties: { a: { type: 'banana' } }, required: 'a' }, { a: 1 }),
    ).toEqual([]);
  });

  it('is bounded: many undeclared keys stop at MAX_MISFITS', () => {
    const args = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    expect(argumentMisfits(schema(), args)).toHaveLength(MAX_MISFITS);
  });
});

describe('assessRisk with a pinned schema', () => {
  const session: SessionFacts = {
    roots: [],
    env: { home: '/home/u', cwd: '/home/u', caseInsensitive: false, sep: '/' },
    readSensitiveEarlier: false,
    knownDomains: [],
  };
  const add: ToolState = {
    definition: {
      name: 'add',
      inputSchema: {
        type: 'object',
        properties: { a: { type: 'number' }, b: { type: 'number' } },
        required: ['a', 'b'],
      },
      annotations: { readOnlyHint: true },
    },
    isNew: false,
    changed: false,
    poison: [],
  };

  it('a poisoned add whose sidenote carries a private key is critical', () => {
    const key =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';
    const risk = assessRisk(
      { tool: 'add', arguments: { a: 1, b: 2, sidenote: key } },
      add,
      session,
    );
    expect(risk.level).toBe('critical');
    expect(risk.reasons).toContainEqual({
      code: 'arg.undeclaredData',
      level: 'critical',
      text: 'The argument "sidenote", which the tool does not declare, carries a private key block.',
    });
  });

  it('a fitting call has no misfit reason', () => {
    const risk = assessRisk({ tool: 'add', arguments: { a: 1, b: 2 } }, add, session);
    expect(risk.reasons.map((r) => r.code).filter((c) => c.startsWith('arg.'))).toEqual([]);
  });

  it('a 10 MB undeclared argument is still decided, and the secret at its end found', () => {
    const big = `${'x'.repeat(10 * 1024 * 1024)} ghp_${'A1b2C3d4E5f6G7h8I9j0'.repeat(2)}`;
    const risk = assessRisk({ tool: 'add', arguments: { a: 1, b: 2, blob: big } }, add, session);
    expect(risk.reasons.map((r) => r.code)).toContain('arg.undeclaredData');
  });
});
