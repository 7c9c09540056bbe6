// The hand check of the per-call messages never accepts what the wire schema refuses, and it
// does accept the messages a shim really sends (or it would save nothing). Pure; no socket.
import { describe, expect, it } from 'vitest';
import { perCallMessage } from './shimMessageCheck';
import { RESULT_PARTS_MAX, RESULT_SAMPLE_MAX_CHARS, shimMessageSchema } from './wire';

const D = 'a'.repeat(64);
const valid: Record<string, unknown>[] = [
  { t: 'ask', rid: 0, line: '{"jsonrpc":"2.0","id":1,"method":"tools/call"}', digest: D },
  { t: 'observed', rid: Number.MAX_SAFE_INTEGER, line: '', digest: '0123456789abcdef'.repeat(4) },
  { t: 'outcome', rid: 3, isError: false, durationMs: 1.25, size: 120 },
  {
    t: 'outcome',
    rid: 3,
    isError: true,
    durationMs: 0,
    size: 0,
    digest: D,
    sample: 'x'.repeat(RESULT_SAMPLE_MAX_CHARS),
    textChars: 10,
    held: true,
    parts: RESULT_PARTS_MAX,
  },
  { t: 'cancel', rid: 9, reason: '' },
  { t: 'cancel', rid: 9, reason: 'r'.repeat(2000) },
];

/** Each valid message, broken one way at a time: every one must be refused by both. */
const broken: [string, unknown][] = [
  ['not an object', 'ask'],
  ['null', null],
  ['an array', [valid[0]]],
  ['an unknown kind', { ...valid[0], t: 'asks' }],
  ['an extra key', { ...valid[0], extra: 1 }],
  ['a __proto__ key', JSON.parse(`{"t":"ask","rid":1,"line":"","digest":"${D}","__proto__":{}}`)],
  ['no rid', { t: 'ask', line: '', digest: D }],
  ['a negative rid', { ...valid[0], rid: -1 }],
  ['a fractional rid', { ...valid[0], rid: 1.5 }],
  ['an unsafe rid', { ...valid[0], rid: 2 ** 53 }],
  ['a rid as text', { ...valid[0], rid: '1' }],
  ['an upper-case digest', { ...valid[0], digest: 'A'.repeat(64) }],
  ['a short digest', { ...valid[0], digest: 'a'.repeat(63) }],
  ['a line that is not text', { ...valid[0], line: 1 }],
  ['an outcome without size', { t: 'outcome', rid: 1, isError: false, durationMs: 1 }],
  ['a negative duration', { ...valid[2], durationMs: -0.5 }],
  ['an infinite duration', { ...valid[2], durationMs: JSON.parse('1e999') as number }],
  ['isError as a number', { ...valid[2], isError: 0 }],
  ['held false', { ...valid[2], held: false }],
  ['a bad outcome digest', { ...valid[2], digest: 'z'.repeat(64) }],
  ['a sample too long', { ...valid[2], sample: 'x'.repeat(RESULT_SAMPLE_MAX_CHARS + 1) }],
  ['fractional textChars', { ...valid[2], textChars: 0.5 }],
  ['negative parts', { ...valid[3], parts: -1 }],
  ['too many parts', { ...valid[3], parts: RESULT_PARTS_MAX + 1 }],
  ['a cancel reason too long', { ...valid[4], reason: 'r'.repeat(2001) }],
  ['a cancel with a line', { ...valid[4], line: '' }],
];

describe('perCallMessage', () => {
  it.each(valid)('accepts what a shim sends, as the schema reads it (%#)', (m) => {
    const schema = shimMessageSchema.safeParse(m);
    expect(schema.success).toBe(true);
    expect(perCallMessage(m)).toEqual(schema.data);
  });

  it.each(broken)('refuses %s, as the schema does', (_why, m) => {
    expect(perCallMessage(m)).toBeNull();
    expect(shimMessageSchema.safeParse(m).success).toBe(false);
  });

  it('leaves every other kind of message to the schema', () => {
    expect(perCallMessage({ t: 'roots', roots: [] })).toBeNull();
    expect(perCallMessage({ t: 'resultPart', rid: 1, text: 'x' })).toBeNull();
    expect(perCallMessage({ t: 'dropped', what: 'x' })).toBeNull();
    expect(shimMessageSchema.safeParse({ t: 'roots', roots: [] }).success).toBe(true);
  });

  it('never accepts a message the schema refuses, over many mixed fields', () => {
    // A small deterministic generator: each field of a kind left out, good or bad by turns.
    let seed = 7;
    const pick = <T>(xs: readonly T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return xs[(seed >> 8) % xs.length] as T;
    };
    const count = { good: [0, 1, Number.MAX_SAFE_INTEGER, -0], bad: [-1, 0.5, 2 ** 53, '1', null] };
    const text = { good: ['', 'x', '{}'], bad: [1, null, true] };
    const hex = { good: [D], bad: ['A'.repeat(64), 'a'.repeat(65), 1] };
    const fields: Record<string, Record<string, { good: unknown[]; bad: unknown[] }>> = {
      ask: { rid: count, line: text, digest: hex },
      observed: { rid: count, line: text, digest: hex },
      cancel: { rid: count, reason: text },
      outcome: {
        rid: count,
        isError: { good: [true, false], bad: [0, 'true'] },
        durationMs: { good: [0, 1.5, 1e308], bad: [-1, '1', null] },
        size: count,
        digest: hex,
        sample: text,
        textChars: count,
        held: { good: [true], bad: [false, 1] },
        parts: { good: [0, 1, RESULT_PARTS_MAX], bad: [-1, RESULT_PARTS_MAX + 1, 1.5, '1'] },
      },
    };
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const t = pick(Object.keys(fields));
      const m: Record<string, unknown> = { t };
      for (const [key, values] of Object.entries(fields[t]!)) {
        const roll = pick([0, 1, 2, 3, 4, 5]);
        if (roll === 0) continue;
        m[key] = pick(roll === 1 ? values.bad : values.good);
      }
      if (pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) === 0) m[pick(['extra', 'line', 'held'])] = true;
      const fast = perCallMessage(m);
      if (fast === null) continue;
      accepted++;
      const schema = shimMessageSchema.safeParse(m);
      expect(schema.success, JSON.stringify(m)).toBe(true);
      expect(fast).toEqual(schema.data);
    }
    // The mix reached the accepting side often, so the comparison above was made.
    expect(accepted).toBeGreaterThan(500);
  });
});
