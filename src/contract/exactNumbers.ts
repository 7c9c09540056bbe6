// JSON numbers JavaScript cannot keep. JSON.parse reads every number into a double, so
// 12345678901234567890 comes back as 12345678901234567000 and 0.1000000000000000000001 as 0.1.
// Arguments that hold such a number cannot be edited as parsed values and written back without
// changing what the agent sent, so an edit of them is refused instead (the person approves or
// denies them as sent), and edited text that holds one is refused as typed.

import { numberTokenEnd, stringTokenEnd } from './jsonTokens';

/** A number token's parts (sign, whole digits, fraction, exponent), matched only whole. */
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * The first number in JSON `text` (outside its strings), as written, that JSON.parse then
 * JSON.stringify would give back with another value; null when every number comes back the same
 * (0.1 does: it is written back as 0.1).
 */
export function firstInexactNumber(text: string): string | null {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = stringTokenEnd(text, i);
      // A string that never closes holds the rest of the text: no number after it.
      if (end < 0) return null;
      i = end;
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const end = numberTokenEnd(text, i);
      if (end >= 0) {
        const literal = text.slice(i, end);
        if (!sameValue(literal, String(Number(literal)))) return literal;
        i = end;
        continue;
      }
    }
    i++;
  }
  return null;
}

/** Whether two decimal literals have the same value ("1.50" and "15e-1" do; -0 and 0 do too). */
function sameValue(a: string, b: string): boolean {
  const y = normalDecimal(b);
  return y !== null && normalDecimal(a) === y;
}

/**
 * A decimal literal as sign, significant digits and exponent; null for Infinity, NaN, or an
 * exponent of more than 15 digits (no double holds such a number apart from 0 or Infinity, so
 * it is taken as inexact).
 */
function normalDecimal(literal: string): string | null {
  const m = DECIMAL.exec(literal);
  if (!m || (m[4] !== undefined && m[4].replace(/^[+-]/, '').length > 15)) return null;
  const fraction = m[3] ?? '';
  const all = m[2]! + fraction;
  // Loops, not /0+$/: a regex anchored at the end retries from every zero of a long run.
  let from = 0;
  while (from < all.length && all.charCodeAt(from) === 0x30) from++;
  if (from === all.length) return '0';
  let to = all.length;
  while (all.charCodeAt(to - 1) === 0x30) to--;
  const exponent = Number(m[4] ?? 0) - fraction.length + (all.length - to);
  return `${m[1]}${all.slice(from, to)}e${exponent}`;
}

/** The longest number shown as it was written; a longer one is shown by its two ends. */
export const INEXACT_NUMBER_MAX_CHARS = 48;

/** firstInexactNumber, cut for showing (a hostile literal may run to megabytes); undefined if none. */
export function inexactNumberShown(text: string): string | undefined {
  const n = firstInexactNumber(text);
  if (n === null) return undefined;
  return n.length <= INEXACT_NUMBER_MAX_CHARS ? n : `${n.slice(0, 30)}…${n.slice(-16)}`;
}
