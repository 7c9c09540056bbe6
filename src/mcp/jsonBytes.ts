// A line's bytes as a JSON string literal, built in one buffer: how the shim shows the gate a
// held call without decoding it to a string, escaping that into another string and encoding the
// result again (three copies of a message that may be megabytes). Valid UTF-8 passes through as
// it is; only what JSON forbids raw in a string is escaped, so JSON.parse of the result gives
// exactly the line's text (and its SHA-256 as UTF-8 is the line's).

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX = '0123456789abcdef';

/** Extra bytes the escape of `b` takes beyond the byte itself. */
function extraFor(b: number): number {
  if (b === QUOTE || b === BACKSLASH) return 1;
  if (b >= 0x20) return 0;
  return b === 0x08 || b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d ? 1 : 5;
}

const SHORT: Record<number, number> = {
  0x08: 0x62,
  0x09: 0x74,
  0x0a: 0x6e,
  0x0c: 0x66,
  0x0d: 0x72,
};

/**
 * `"…"` holding the UTF-8 text of `line`, which must be valid UTF-8 (the host's lines are
 * checked before they get here). Matches JSON.stringify(line.toString('utf8')) byte for byte.
 */
export function jsonStringBytes(line: Uint8Array): Buffer {
  let extra = 0;
  for (let i = 0; i < line.length; i++) {
    const b = line[i] as number;
    if (b <= BACKSLASH && (b === QUOTE || b === BACKSLASH || b < 0x20)) extra += extraFor(b);
  }
  const out = Buffer.allocUnsafe(line.length + extra + 2);
  out[0] = QUOTE;
  if (extra === 0) {
    out.set(line, 1);
  } else {
    let o = 1;
    let run = 0; // start of the bytes not yet copied
    for (let i = 0; i < line.length; i++) {
      const b = line[i] as number;
      if (b > BACKSLASH || (b !== QUOTE && b !== BACKSLASH && b >= 0x20)) continue;
      out.set(line.subarray(run, i), o);
      o += i - run;
      run = i + 1;
      out[o++] = BACKSLASH;
      if (b === QUOTE || b === BACKSLASH) out[o++] = b;
      else if (SHORT[b] !== undefined) out[o++] = SHORT[b] as number;
      else {
        out[o++] = 0x75; // u00XX
        out[o++] = 0x30;
        out[o++] = 0x30;
        out[o++] = HEX.charCodeAt(b >> 4);
        out[o++] = HEX.charCodeAt(b & 0xf);
      }
    }
    out.set(line.subarray(run), o);
  }
  out[out.length - 1] = QUOTE;
  return out;
}
