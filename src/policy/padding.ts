// Blank padding that pushes the rest of a value out of view: a run of 64 or more spaces (of any
// width), or 20 or more line breaks each followed by spaces or tabs. Written as loops, not as
// `/[ \t…]{64,}|(?:\r?\n[ \t]*){20,}/`: that regex recurses once per line break it repeats and
// throws "Maximum call stack size exceeded" on a few megabytes of blank lines.

export interface Padding {
  /** Where the padding starts, and how many characters it spans. */
  index: number;
  length: number;
}

const MIN_BLANKS = 64;
const MIN_LINE_BREAKS = 20;

function isBlank(code: number): boolean {
  return (
    code === 0x20 ||
    code === 0x09 ||
    code === 0xa0 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x3000
  );
}

const isSpaceOrTab = (code: number): boolean => code === 0x20 || code === 0x09;

// The first place where MIN_BLANKS blanks follow each other is where the first long enough run
// starts (an earlier start inside it would have been found first): a bounded, native search.
const BLANKS = /[ \t\u00a0\u2000-\u200a\u3000]{64}/g;

/** The first run of at least MIN_BLANKS blank characters. */
function firstBlankRun(s: string): Padding | null {
  BLANKS.lastIndex = 0;
  const found = BLANKS.exec(s);
  if (!found) return null;
  let end = found.index + MIN_BLANKS;
  while (end < s.length && isBlank(s.charCodeAt(end))) end++;
  return { index: found.index, length: end - found.index };
}

/**
 * From `start`, as many `\r?\n[ \t]*` as follow each other: their count and where they end.
 * (Greedy and without choices, so this is exactly what the regex would match.)
 */
function lineBreaksFrom(s: string, start: number): { count: number; end: number } {
  let i = start;
  let count = 0;
  for (;;) {
    let j = i;
    if (s.charCodeAt(j) === 0x0d) j++;
    if (s.charCodeAt(j) !== 0x0a) break;
    j++;
    while (j < s.length && isSpaceOrTab(s.charCodeAt(j))) j++;
    count++;
    i = j;
  }
  return { count, end: i };
}

/** The first place where at least MIN_LINE_BREAKS line breaks follow each other. */
function firstLineBreakRun(s: string): Padding | null {
  // Line breaks are found natively (indexOf); only what follows each one is read here.
  for (let newline = s.indexOf('\n'); newline >= 0;) {
    const start = newline > 0 && s.charCodeAt(newline - 1) === 0x0d ? newline - 1 : newline;
    const { count, end } = lineBreaksFrom(s, start);
    if (count >= MIN_LINE_BREAKS) return { index: start, length: end - start };
    // A later start inside this run sees fewer line breaks: carry on after it.
    newline = s.indexOf('\n', Math.max(end, newline + 1));
  }
  return null;
}

/** The leftmost padding in a string (as the regex above would find it), or null. */
export function findPadding(s: string): Padding | null {
  const blanks = firstBlankRun(s);
  const breaks = firstLineBreakRun(s);
  if (blanks === null) return breaks;
  if (breaks === null) return blanks;
  return blanks.index <= breaks.index ? blanks : breaks;
}
