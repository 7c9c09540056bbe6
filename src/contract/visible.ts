// Tool data is untrusted text: characters a person cannot see (controls, zero-width, bidi
// overrides, tag characters that smuggle hidden instructions) must be seen, not obeyed. One
// classification for the whole app, so what the gate flags is exactly what the UI escapes.

export type HiddenKind = 'control' | 'invisible' | 'bidi' | 'tag';

/** Classify one code point as hidden, or null when it shows as itself. */
export function hiddenKind(cp: number): HiddenKind | null {
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) return 'bidi';
  if (cp === 0x200e || cp === 0x200f || cp === 0x061c) return 'bidi';
  if (cp >= 0xe0000 && cp <= 0xe007f) return 'tag';
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return 'control';
  if (
    (cp >= 0x200b && cp <= 0x200d) ||
    (cp >= 0x2060 && cp <= 0x2065) ||
    (cp >= 0x206a && cp <= 0x206f) ||
    cp === 0xfeff ||
    cp === 0x00ad ||
    cp === 0x034f ||
    cp === 0x180e ||
    cp === 0x115f ||
    cp === 0x1160 ||
    cp === 0x3164 ||
    cp === 0xffa0 ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    (cp >= 0xfff9 && cp <= 0xfffb) ||
    // Variation selectors carry no glyph of their own and can smuggle bytes.
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xe0100 && cp <= 0xe01ef)
  )
    return 'invisible';
  return null;
}

export interface Segment {
  text: string;
  /** True when `text` is an escape standing for a hidden character. */
  escaped: boolean;
}

export interface EscapeOptions {
  /** Keep `\n` and `\t` as they are (multi-line display). Default true. */
  keepLayout?: boolean;
}

const NAMED: Record<number, string> = { 0x00: '\\0', 0x0d: '\\r', 0x1b: '\\e' };

/** `\e`, `\r`, `\0` for the common controls, else `<U+202E>`. */
export function escapeCodePoint(cp: number): string {
  return NAMED[cp] ?? `<U+${cp.toString(16).toUpperCase().padStart(4, '0')}>`;
}

const isLayout = (cp: number): boolean => cp === 0x0a || cp === 0x09;

// Printable ASCII plus tab, newline and carriage return: the bulk of any argument, and never
// hidden. One regex search (native, linear) skips it, so only the rest is read code point by code point.
const NOT_PLAIN_ASCII = /[^\t\n\r\x20-\x7e]/g;
// The same for display, where `\r` is always escaped, and `\t`, `\n` too without the layout.
const NOT_LAYOUT_ASCII = /[^\t\n\x20-\x7e]/g;
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/g;

/** Index of the first character at or after `from` that `re` finds, or -1. */
function nextMatch(re: RegExp, text: string, from: number): number {
  re.lastIndex = from;
  const match = re.exec(text);
  return match ? match.index : -1;
}

const nextNonAscii = (text: string, from: number): number => nextMatch(NOT_PLAIN_ASCII, text, from);

/** The code point at `i` (a lone surrogate stands for itself) and how many units it spans. */
function codePointAt(text: string, i: number): [number, number] {
  const cp = text.codePointAt(i) ?? 0;
  return [cp, cp > 0xffff ? 2 : 1];
}

/** The text as plain runs and escapes, so escapes can be styled apart from literal text. */
export function visibleSegments(text: string, options: EscapeOptions = {}): Segment[] {
  const keepLayout = options.keepLayout ?? true;
  const out: Segment[] = [];
  // Plain text is cut out in slices (no copy per character), from `start` up to the escape.
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code <= 0x7e) {
      const next = nextMatch(keepLayout ? NOT_LAYOUT_ASCII : NOT_PRINTABLE_ASCII, text, i);
      i = next < 0 ? text.length : next;
      continue;
    }
    const [cp, width] = codePointAt(text, i);
    if ((keepLayout && isLayout(cp)) || hiddenKind(cp) === null) {
      i += width;
      continue;
    }
    if (i > start) out.push({ text: text.slice(start, i), escaped: false });
    out.push({ text: escapeCodePoint(cp), escaped: true });
    i += width;
    start = i;
  }
  if (text.length > start) out.push({ text: text.slice(start), escaped: false });
  return out;
}

/** The text with every hidden character replaced by a visible escape. */
export function escapeInvisible(text: string, options: EscapeOptions = {}): string {
  return visibleSegments(text, options)
    .map((s) => s.text)
    .join('');
}

export function countInvisible(text: string): number {
  return visibleSegments(text).filter((s) => s.escaped).length;
}

/** Which kinds of hidden characters a string holds (`\n`, `\r` and `\t` do not count). */
export function hiddenKinds(s: string): Set<HiddenKind> {
  const kinds = new Set<HiddenKind>();
  let i = nextNonAscii(s, 0);
  while (i >= 0 && i < s.length) {
    const [cp, width] = codePointAt(s, i);
    const kind = hiddenKind(cp);
    if (kind) {
      kinds.add(kind);
      if (kinds.size === 4) break; // every kind found: the rest cannot add one
    }
    i = nextNonAscii(s, i + width);
  }
  return kinds;
}

/** Tag characters mirror ASCII; decoding them shows the message a model would read. */
export function decodeTagChars(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xe0020 && cp <= 0xe007e) out += String.fromCharCode(cp - 0xe0000);
  }
  return out;
}

/** Cut a value for a one-line reason, escaping what cannot be seen. */
export function preview(s: string, max = 80): string {
  // Every code point shows as at least one character, so the first max + 1 code points (at
  // most 2 × max + 2 units) decide the preview: a megabyte argument is not escaped in full.
  const head = s.length > 2 * max + 2 ? s.slice(0, 2 * max + 2) : s;
  const shown = escapeInvisible(head, { keepLayout: false }).replace(/<U\+000A>/g, '⏎');
  return shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
}
