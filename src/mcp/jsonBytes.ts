// A line's bytes as a JSON string literal, in parts: how the shim shows the gate a held call
// without decoding it to a string, escaping that into another string and encoding the result
// again (three copies of a message that may be megabytes), and without even one copy of its long
// runs. Valid UTF-8 passes through as it is; only what JSON forbids raw in a string is escaped,
// so JSON.parse of the joined parts gives exactly the line's text (and its SHA-256 as UTF-8 is
// the line's).

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Runs of this many bytes and more go out as views of the line, not copies. */
export const SHARED_RUN_BYTES = 1024;
/** Short pieces gathered before they are joined into one part (bounds the array of pieces). */
const MAX_PENDING_PIECES = 1024;

const ESCAPED: Buffer[] = [];
for (let b = 0; b <= BACKSLASH; b++) {
  if (b !== QUOTE && b !== BACKSLASH && b >= 0x20) continue;
  ESCAPED[b] = Buffer.from(JSON.stringify(String.fromCharCode(b)).slice(1, -1), 'latin1');
}
const QUOTE_PART = Buffer.from('"');

/**
 * `"…"` holding the UTF-8 text of `line`, which must be valid UTF-8 (the host's lines are checked
 * before they get here), as parts that join to JSON.stringify(line.toString('utf8')) byte for
 * byte. The long runs between escapes are views of `line` itself, so a held call of megabytes is
 * shown to the gate without a second copy of it in memory. Short runs and escapes are joined
 * into small parts (at most one per MAX_PENDING_PIECES pieces).
 */
export function jsonStringParts(line: Buffer): Buffer[] {
  const parts: Buffer[] = [QUOTE_PART];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = (): void => {
    if (pending.length === 0) return;
    parts.push(
      pending.length === 1
        ? Buffer.from(pending[0] as Buffer)
        : Buffer.concat(pending, pendingBytes),
    );
    pending = [];
    pendingBytes = 0;
  };
  const piece = (b: Buffer): void => {
    pending.push(b);
    pendingBytes += b.length;
    if (pending.length >= MAX_PENDING_PIECES) flush();
  };
  const run = (from: number, to: number): void => {
    if (to - from >= SHARED_RUN_BYTES) {
      flush();
      parts.push(line.subarray(from, to));
    } else if (to > from) piece(line.subarray(from, to));
  };
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const b = line[i] as number;
    if (b > BACKSLASH || (b !== QUOTE && b !== BACKSLASH && b >= 0x20)) continue;
    run(start, i);
    piece(ESCAPED[b] as Buffer);
    start = i + 1;
  }
  run(start, line.length);
  flush();
  parts.push(QUOTE_PART);
  return parts;
}
