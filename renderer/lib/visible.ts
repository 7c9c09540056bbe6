// Tool data is untrusted text: characters that are invisible, reorder text (bidi) or control
// the terminal must be seen, not obeyed. This splits text into plain runs and escapes.

export interface Segment {
  text: string;
  /** True when `text` is an escape standing for an invisible or control character. */
  escaped: boolean;
}

// [from, to] code point ranges: C0 controls except tab and newline, DEL and C1 controls, soft
// hyphen, combining grapheme joiner, Arabic letter mark, Hangul fillers, Mongolian vowel
// separator, zero-width and bidi marks/embeddings/isolates, line and paragraph separators, word
// joiner and invisible operators, variation selectors, BOM, interlinear annotations, and tag
// characters (used to smuggle hidden instructions).
const INVISIBLE: [number, number][] = [
  [0x00, 0x08],
  [0x0b, 0x1f],
  [0x7f, 0x9f],
  [0xad, 0xad],
  [0x34f, 0x34f],
  [0x61c, 0x61c],
  [0x115f, 0x1160],
  [0x180e, 0x180e],
  [0x200b, 0x200f],
  [0x2028, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0xfff9, 0xfffb],
  [0xe0000, 0xe007f],
  [0xe0100, 0xe01ef],
];

export function isInvisible(cp: number): boolean {
  return INVISIBLE.some(([from, to]) => cp >= from && cp <= to);
}

const NAMED: Record<string, string> = {
  '\r': '\\r',
  '\u001b': '\\e',
  '\u0000': '\\0',
};

export function escapeChar(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const cp = ch.codePointAt(0) ?? 0;
  return `<U+${cp.toString(16).toUpperCase().padStart(4, '0')}>`;
}

export function visibleSegments(text: string): Segment[] {
  const out: Segment[] = [];
  let plain = '';
  for (const ch of text) {
    if (isInvisible(ch.codePointAt(0) ?? 0)) {
      if (plain) out.push({ text: plain, escaped: false });
      plain = '';
      out.push({ text: escapeChar(ch), escaped: true });
    } else {
      plain += ch;
    }
  }
  if (plain) out.push({ text: plain, escaped: false });
  return out;
}

/** The text with every invisible or control character replaced by a visible escape. */
export function escapeInvisible(text: string): string {
  return visibleSegments(text)
    .map((s) => s.text)
    .join('');
}

export function countInvisible(text: string): number {
  return visibleSegments(text).filter((s) => s.escaped).length;
}
