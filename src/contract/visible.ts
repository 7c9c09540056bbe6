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

// Every code unit that may start a hidden character (hiddenKind below decides), in a table, so
// that scanning is one array read per unit (a regex with this many ranges is several times
// slower on non-ASCII text). `\udb40` is the high surrogate of the tag and supplementary
// variation-selector characters. Bit 1: always; bit 2: `\r`; bit 4: `\t` and `\n`.
const ALWAYS = 1;
const CR = 2;
const LAYOUT = 4;
const MAYBE_HIDDEN = new Uint8Array(0x10000);
for (const [from, to] of [
  [0x00, 0x08],
  [0x0b, 0x0c],
  [0x0e, 0x1f],
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
  [0xdb40, 0xdb40],
] as const) {
  MAYBE_HIDDEN.fill(ALWAYS, from, to + 1);
}
MAYBE_HIDDEN[0x0d] = CR;
MAYBE_HIDDEN[0x09] = LAYOUT;
MAYBE_HIDDEN[0x0a] = LAYOUT;

// Plain ASCII is skipped first by one native search (the bulk of most arguments).
const NOT_PLAIN = /[^\t\n\r\x20-\x7e]/g;
const NOT_PLAIN_OR_CR = /[^\t\n\x20-\x7e]/g;
const NOT_PRINTABLE = /[^\x20-\x7e]/g;
/** Which bits of MAYBE_HIDDEN count: ALWAYS, ALWAYS | CR or ALWAYS | CR | LAYOUT. */
type Mask = number;

/** Index of the first code unit at or after `from` that may be hidden under `mask`, or -1. */
function nextCandidate(text: string, from: number, mask: Mask): number {
  const ascii =
    mask === ALWAYS ? NOT_PLAIN : mask === (ALWAYS | CR) ? NOT_PLAIN_OR_CR : NOT_PRINTABLE;
  ascii.lastIndex = from;
  const first = ascii.exec(text);
  if (!first) return -1;
  for (let i = first.index; i < text.length; i++) {
    if (((MAYBE_HIDDEN[text.charCodeAt(i)] as number) & mask) !== 0) return i;
  }
  return -1;
}

/** The code point at `i` (a lone surrogate stands for itself) and how many units it spans. */
function codePointAt(text: string, i: number): [number, number] {
  const cp = text.codePointAt(i) ?? 0;
  return [cp, cp > 0xffff ? 2 : 1];
}

/** The text as plain runs and escapes, so escapes can be styled apart from literal text. */
export function visibleSegments(text: string, options: EscapeOptions = {}): Segment[] {
  const keepLayout = options.keepLayout ?? true;
  const mask: Mask = keepLayout ? ALWAYS | CR : ALWAYS | CR | LAYOUT;
  const out: Segment[] = [];
  // Plain text is cut out in slices (no copy per character), from `start` up to the escape.
  let start = 0;
  for (let i = nextCandidate(text, 0, mask); i >= 0;) {
    const [cp, width] = codePointAt(text, i);
    if (hiddenKind(cp) !== null && !(keepLayout && isLayout(cp))) {
      if (i > start) out.push({ text: text.slice(start, i), escaped: false });
      out.push({ text: escapeCodePoint(cp), escaped: true });
      start = i + width;
    }
    i = nextCandidate(text, i + width, mask);
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
  let i = nextCandidate(s, 0, ALWAYS);
  while (i >= 0) {
    const [cp, width] = codePointAt(s, i);
    const kind = hiddenKind(cp);
    if (kind) {
      kinds.add(kind);
      if (kinds.size === 4) break; // every kind found: the rest cannot add one
    }
    i = nextCandidate(s, i + width, ALWAYS);
  }
  return kinds;
}

/** Tag characters mirror ASCII; decoding them shows the message a model would read. */
export function decodeTagChars(s: string): string {
  let out = '';
  // Every tag character starts with the high surrogate U+DB40: jump from one to the next.
  for (let i = s.indexOf('\udb40'); i >= 0; i = s.indexOf('\udb40', i + 1)) {
    const cp = s.codePointAt(i) ?? 0;
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
