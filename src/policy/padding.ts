// Blank padding that pushes the rest of a value out of view: a run of 64 or more spaces (of any
// width), or 20 or more line breaks each followed by spaces or tabs. Written as short loops and
// bounded searches, not as `/[ \t…]{64,}|(?:\r?\n[ \t]*){20,}/`: that regex recurses once per
// line break it repeats and throws "Maximum call stack size exceeded" on a few megabytes of
// blank lines. Where a long run ends is found by a native search for its first other character,
// so a megabyte of blank lines is not read one character at a time in JavaScript.

export interface Padding {
  /** Where the padding starts, and how many characters it spans. */
  index: number;
  length: number;
}

const MIN_BLANKS = 64;
const MIN_LINE_BREAKS = 20;

const isSpaceOrTab = (code: number): boolean => code === 0x20 || code === 0x09;

function isBlank(code: number): boolean {
  return (
    code === 0x20 ||
    code === 0x09 ||
    code === 0xa0 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x3000
  );
}

// Where a run of blanks ends: the first character that is not one. One character at a time,
// natively, without a quantifier.
const NOT_BLANK = /[^ \t\u00a0\u2000-\u200a\u3000]/g;
// Where a run of `\r?\n[ \t]*` ends: the first character that is none of them, or a `\r` that
// does not start a line break. NOT_LF_SPACE_TAB first: Unix line breaks are the common case,
// and a search without the `\r` alternative is about twice as fast.
const NOT_LF_SPACE_TAB = /[^\n\t ]/g;
const NOT_LINE_BREAK = /[^\n\r\t ]|\r(?!\n)/g;

/** The index of the first match of a global regex at or after `from`, or the string's end. */
function firstMatchFrom(re: RegExp, s: string, from: number): number {
  re.lastIndex = from;
  return re.exec(s)?.index ?? s.length;
}

/**
 * The first run of at least MIN_BLANKS blank characters. It probes the character MIN_BLANKS - 1
 * ahead: when that one is not blank, no long enough run starts before it, so most text is read
 * one character in MIN_BLANKS.
 */
function firstBlankRun(s: string): Padding | null {
  const n = s.length;
  // No run of MIN_BLANKS starts before i, and s[i - 1] is not blank (or i is 0).
  let i = 0;
  while (i + MIN_BLANKS <= n) {
    const probe = i + MIN_BLANKS - 1;
    if (!isBlank(s.charCodeAt(probe))) {
      i = probe + 1;
      continue;
    }
    let start = probe;
    while (start > i && isBlank(s.charCodeAt(start - 1))) start--;
    const end = firstMatchFrom(NOT_BLANK, s, probe + 1);
    if (end - start >= MIN_BLANKS) return { index: start, length: end - start };
    // s[end] is not blank: the next run starts after it.
    i = end + 1;
  }
  return null;
}

/**
 * From `start` (a line break), up to MIN_LINE_BREAKS `\r?\n[ \t]*` that follow each other:
 * their count and where they end. Greedy and without choices, so this is exactly what the
 * regex would match.
 */
function firstLineBreaksFrom(s: string, start: number): { count: number; end: number } {
  let i = start;
  let count = 0;
  while (count < MIN_LINE_BREAKS) {
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
  // Line breaks are found natively (indexOf); only what follows each one is read here, and
  // only up to MIN_LINE_BREAKS of them: the rest of a long run is skipped natively.
  for (let newline = s.indexOf('\n'); newline >= 0;) {
    const start = newline > 0 && s.charCodeAt(newline - 1) === 0x0d ? newline - 1 : newline;
    const { count, end } = firstLineBreaksFrom(s, start);
    if (count >= MIN_LINE_BREAKS) {
      // Padding: it goes on for as long as line breaks, spaces and tabs follow each other.
      let runEnd = firstMatchFrom(NOT_LF_SPACE_TAB, s, end);
      if (s.charCodeAt(runEnd) === 0x0d) runEnd = firstMatchFrom(NOT_LINE_BREAK, s, runEnd);
      return { index: start, length: runEnd - start };
    }
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
