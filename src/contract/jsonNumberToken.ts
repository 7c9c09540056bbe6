// Where a JSON number token ends (RFC 8259: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?).
// One scanner for the strict parser the gate reads every host line with (mcp/strictJson.ts)
// and for the search of numbers JSON.parse would round (contract/exactNumbers.ts, which the
// renderer runs too), so that the two can never disagree on where a number stops.
//
// A loop, one look per character and no going back: linear on any input, however hostile
// (megabytes of digits, a fraction or an exponent that never ends).

/**
 * The end (exclusive) of the longest number token that starts at `start` in `text`, or -1 when
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

/** The end of the run of ASCII digits from `i` (`i` itself when there is none). */
function digitsEnd(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    // Written so that NaN (past the end of the text) stops the run too.
    if (!(c >= 0x30 && c <= 0x39)) return i;
    i++;
  }
}
