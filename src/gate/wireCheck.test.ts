// The shim's hand-written check of gate messages must accept exactly what wire.ts's schemas
// accept: checked on hand-picked cases and on generated messages and mutations of them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gateHandshakeSchema, gateMessageSchema } from './wire';
import { checkGateHandshake, checkGateMessage } from './wireCheck';

const hex = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constant(-1),
  fc.constant(2 ** 53),
  fc.string({ maxLength: 5 }),
  hex(64),
  fc.constant(['a']),
  fc.constant([1]),
  fc.constant({}),
);

const gateMessages = fc.oneof(
  fc.record({ t: fc.constant('held'), rid: fc.nat(), deadline: fc.nat() }),
  fc.record({
    t: fc.constant('decision'),
    rid: fc.nat(),
    verdict: fc.constantFrom('allow', 'deny'),
    text: fc.string(),
    mac: hex(64),
  }),
  fc.record({ t: fc.constant('disabled'), tools: fc.array(fc.string()) }),
  fc.record({ t: fc.constant('mode'), observe: fc.boolean() }),
);
const handshakes = fc.oneof(
  fc.record({ t: fc.constant('challenge'), v: fc.integer(), nonce: hex(32) }),
  fc.record({ t: fc.constant('welcome'), proof: hex(64) }),
  fc.record({ t: fc.constant('refused'), reason: fc.string() }),
);

/** A message with one field replaced, removed, or one added. */
const mutated = (base: fc.Arbitrary<Record<string, unknown>>) =>
  fc
    .tuple(
      base,
      fc.constantFrom(
        't',
        'rid',
        'deadline',
        'verdict',
        'text',
        'mac',
        'tools',
        'observe',
        'v',
        'nonce',
        'proof',
        'reason',
        'extra',
      ),
      anyValue,
      fc.boolean(),
    )
    .map(([msg, key, value, remove]) => {
      const copy: Record<string, unknown> = { ...msg };
      if (remove) delete copy[key];
      else copy[key] = value;
      return copy;
    });

const agree =
  (check: (v: unknown) => unknown, schema: { safeParse(v: unknown): { success: boolean } }) =>
  (v: unknown) => {
    expect(check(v) !== null).toBe(schema.safeParse(v).success);
  };

describe('the shim’s check of gate messages', () => {
  it('agrees with the schema on valid messages', () => {
    fc.assert(fc.property(gateMessages, agree(checkGateMessage, gateMessageSchema)));
    fc.assert(fc.property(handshakes, agree(checkGateHandshake, gateHandshakeSchema)));
    fc.assert(fc.property(gateMessages, (m) => checkGateMessage(m) !== null));
  });

  it('agrees with the schema on mutated messages', () => {
    fc.assert(fc.property(mutated(gateMessages), agree(checkGateMessage, gateMessageSchema)), {
      numRuns: 2000,
    });
    fc.assert(fc.property(mutated(handshakes), agree(checkGateHandshake, gateHandshakeSchema)), {
      numRuns: 2000,
    });
  });

  it.each([
    [
      'the injected mode without its MAC layer is still a valid message',
      { t: 'mode', observe: true },
      true,
    ],
    ['observe as a string', { t: 'mode', observe: 'true' }, false],
    ['a fractional request number', { t: 'held', rid: 1.5, deadline: 1 }, false],
    ['a negative deadline', { t: 'held', rid: 1, deadline: -1 }, false],
    [
      'an unknown verdict',
      { t: 'decision', rid: 1, verdict: 'maybe', text: '', mac: 'a'.repeat(64) },
      false,
    ],
    ['a tool list with a number', { t: 'disabled', tools: ['a', 1] }, false],
    ['an array', [{ t: 'mode', observe: true }], false],
    ['null', null, false],
  ])('%s', (_what, value, ok) => {
    expect(checkGateMessage(value) !== null).toBe(ok);
    expect(gateMessageSchema.safeParse(value).success).toBe(ok);
  });
});
