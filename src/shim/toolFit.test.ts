// The shim's hand-written check of tool definitions must accept exactly what the gate's zod
// schema accepts (a `tools` message of wire.ts): hand-picked cases, then generated ones.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shimMessageSchema } from '../gate/wire';
import { toolMisfit } from './toolFit';

const gateAccepts = (tool: unknown): boolean =>
  shimMessageSchema.safeParse({ t: 'tools', tools: [tool] }).success;

const oddValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 5 }),
  fc.constant('x'.repeat(1001)),
  fc.constant('x'.repeat(10_001)),
  fc.constant(['a']),
  fc.constant({}),
  fc.constant({ readOnlyHint: 'yes' }),
);
const annotations = fc.record(
  {
    title: fc.oneof(fc.string({ maxLength: 5 }), oddValue),
    readOnlyHint: fc.oneof(fc.boolean(), oddValue),
    destructiveHint: fc.oneof(fc.boolean(), oddValue),
    idempotentHint: fc.boolean(),
    openWorldHint: fc.oneof(fc.boolean(), oddValue),
    other: oddValue,
  },
  { requiredKeys: [] },
);
const definitions = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 8 }), oddValue),
    title: fc.oneof(fc.string({ maxLength: 8 }), oddValue),
    description: fc.oneof(fc.string({ maxLength: 8 }), oddValue),
    inputSchema: oddValue,
    outputSchema: oddValue,
    annotations: fc.oneof(annotations, oddValue),
    extra: oddValue,
  },
  { requiredKeys: [] },
);

describe('toolMisfit', () => {
  it('says why an entry does not fit, and accepts a real one', () => {
    expect(toolMisfit({ name: 'read', annotations: { readOnlyHint: 'true' } })).toBe(
      'annotations.readOnlyHint is not true or false',
    );
    expect(toolMisfit({ name: 'x'.repeat(1001) })).toBe('name is longer than 1000 characters');
    expect(toolMisfit({ name: 'a', annotations: [] })).toBe('annotations is not an object');
    expect(toolMisfit('a')).toBe('not an object');
    expect(toolMisfit({ description: 'no name' })).toBe('name is not a string');
    const real = {
      name: 'read_file',
      description: 'Read a file',
      inputSchema: { type: 'object' },
      annotations: { readOnlyHint: true, title: 'Read', custom: 3 },
      _meta: { anything: [1] },
    };
    expect(toolMisfit(real)).toBeNull();
    expect(gateAccepts(real)).toBe(true);
  });

  it('agrees with the gate schema on generated definitions', () => {
    fc.assert(
      fc.property(fc.oneof(definitions, oddValue), (tool) => {
        expect(toolMisfit(tool) === null).toBe(gateAccepts(tool));
      }),
      { numRuns: 2000 },
    );
  });
});
