// User text never reaches FTS5 as query syntax: each word becomes a quoted prefix phrase, so
// `foo"bar`, `-x`, `NEAR(`, `a:b` or a lone `*` cannot raise a syntax error or change meaning.

/** An FTS5 MATCH expression for free text (all words must match, each as a prefix), or null
 * when the text has no word to search for. */
export function ftsQuery(text: string): string | null {
  const words = text
    .split(/\s+/u)
    .filter((w) => /[\p{L}\p{N}]/u.test(w))
    .map((w) => `"${w.replace(/"/g, '""')}"*`);
  return words.length > 0 ? words.join(' ') : null;
}
