// Where a JSON token ends, for the code that walks JSON text without parsing it to values: one
// scanner of number tokens for the strict parser the gate reads every host line with
// (mcp/strictJson.ts) and for the search of numbers JSON.parse would round
// (contract/exactNumbers.ts, which the renderer runs too), and one skip over a string for that
// search and for the reading of a server's top-level members (mcp/serverLine.ts), so that none
// of them can disagree on where a token stops.
//
// Loops, no going back: linear on any input, however hostile (megabytes of digits, a fraction or
// an exponent that never ends, a string of backslashes).

/**
 * The end (exclusive) of the longest number token (RFC 8259:
 * -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?) that starts at `start` in `text`, or -1 when
 * no number starts there. Like a regex for the grammar above, a part that is not complete is not
 * taken: in `1.` and `1e+` the token is `1`, and what follows is left to the caller.
 */
export function numberTokenEnd(text: string, start: number): number {
  let i = start;
  if (text.charCodeAt(i) === 0x2d) i++;
  const lead = text.charCodeAt(i);
  if (lead === 0x30) i++;
  else if (lead >= 0x31 && lead <= 0x39) i = digitsEnd(text, i + 1);
  else return -1;
  if (text.charCodeAt(i) === 0x2e) {
    const fractionEnd = digitsEnd(text, i + 1);
    if (fractionEnd > i + 1) i = fractionEnd;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    let j = i + 1;
    const sign = text.charCodeAt(j);
    if (sign === 0x2b || sign === 0x2d) j++;
    const exponentEnd = digitsEnd(text, j);
    if (exponentEnd > j) i = exponentEnd;
  }
  return i;
}

/**
 * The end (exclusive, past the closing quote) of the string token whose opening quote is at
 * `start`, or -1 when it never closes. Only finds the end: it neither decodes nor checks the
 * escapes (the strict parser does both as it reads a string, in one pass of its own).
 */
export function stringTokenEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return -1;
    // An odd run of backslashes before the quote escapes it: the string goes on. Each run is
    // counted once, for the quote that ends it.
    let slashes = 0;
    while (text.charCodeAt(quote - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** The end of the run of ASCII digits from `i` (`i` itself when there is none). */
function digitsEnd(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    // Written so that NaN (past the end of the text) stops the run too.
    if (!(c >= 0x30 && c <= 0x39)) return i;
    i++;
  }
}
