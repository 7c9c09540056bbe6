// A line's bytes as a JSON string literal, in parts: how the shim shows the gate a held call
// without a second whole copy of a message that may be megabytes (decoded to a string, escaped
// into another, encoded again: three). What needs no escaping goes out as views of the line;
// only what JSON forbids raw in a string is escaped, so JSON.parse of the joined parts gives
// exactly the line's text (and its SHA-256 as UTF-8 is the line's).

/** The line is escaped in windows of this size (cut where a character starts). */
const WINDOW_BYTES = 64 * 1024;
/** A stretch this short that holds an escape is copied escaped; a longer one is halved. */
export const LEAF_BYTES = 256;
/**
 * A window where at least one byte in this many needs escaping is copied escaped whole: its runs
 * are short, so halving it to find them would only make more, smaller parts.
 */
const DENSE_ESCAPES = 64;

const QUOTE_PART = Buffer.from('"');

/**
 * `"…"` holding the UTF-8 text of `line`, which must be valid UTF-8 (the host's lines are checked
 * before they get here), as parts that join to JSON.stringify(line.toString('utf8')) byte for
 * byte. What needs no escaping is a view of `line` itself, so a held call of megabytes is shown
 * to the gate without a second copy of it in memory; only stretches that hold escapes are
 * copied. The escaping is JSON.stringify's own, window by window: the shim runs without V8's
 * optimizing compiler, where a loop over every byte in JavaScript (millions of them in a line
 * of blank lines, `\\n` over and over) cost seconds and native code costs milliseconds.
 */
export function jsonStringParts(line: Buffer): Buffer[] {
  const parts: Buffer[] = [QUOTE_PART];
  for (let from = 0; from < line.length;) {
    const to = charStart(line, Math.min(from + WINDOW_BYTES, line.length));
    escapeInto(parts, line, from, to);
    from = to;
  }
  parts.push(QUOTE_PART);
  return parts;
}

/** The bytes JSON escapes in a string: the quote, the backslash and the control characters. */
const ESCAPED_BYTES = Uint8Array.from([0x22, 0x5c, ...Array.from({ length: 0x20 }, (_, b) => b)]);

/** Does any byte of `view` need escaping? Native searches only: no string is made for it. */
function needsEscape(view: Buffer): boolean {
  for (let k = 0; k < ESCAPED_BYTES.length; k++) {
    if (view.indexOf(ESCAPED_BYTES[k] as number) !== -1) return true;
  }
  return false;
}

/** Adds line[from, to) as a view when nothing in it needs escaping, else escaped (see above). */
function escapeInto(parts: Buffer[], line: Buffer, from: number, to: number): void {
  const view = line.subarray(from, to);
  // Most of a big line needs no escape: it is shown as it is, without a string made of it (the
  // shim's memory would grow with the strings a 5 MB line's windows left behind).
  if (!needsEscape(view)) return void parts.push(view);
  const text = line.toString('utf8', from, to);
  const json = JSON.stringify(text);
  const added = json.length - text.length - 2; // every escape makes its character longer
  if (to - from <= LEAF_BYTES || added * DENSE_ESCAPES >= to - from) {
    parts.push(Buffer.from(json.slice(1, -1), 'utf8'));
  } else {
    const middle = charStart(line, from + ((to - from) >> 1));
    escapeInto(parts, line, from, middle);
    escapeInto(parts, line, middle, to);
  }
}

/** The first index from `i` on where a character starts (not a UTF-8 continuation byte). */
function charStart(line: Buffer, i: number): number {
  while (i < line.length && ((line[i] as number) & 0xc0) === 0x80) i++;
  return i;
}
