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

// Every code unit that may start a hidden character (hiddenKind below decides), so that one
// native regex search skips all the rest: plain ASCII, accented letters, CJK, emoji. `\udb40`
// is the high surrogate of the tag and supplementary variation-selector characters.
const MAYBE_HIDDEN =
  '\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\xad\\u034f\\u061c\\u115f\\u1160\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\u3164\\ufe00-\\ufe0f\\ufeff\\uffa0\\ufff9-\\ufffb\\udb40';
/** For hiddenKinds: `\t`, `\n` and `\r` never count. */
// eslint-disable-next-line no-misleading-character-class -- code units are matched one by one on purpose
const MAYBE_HIDDEN_KIND = new RegExp(`[${MAYBE_HIDDEN}]`, 'g');
/** For display with the layout kept: `\r` is escaped, `\t` and `\n` are not. */
// eslint-disable-next-line no-misleading-character-class -- code units are matched one by one on purpose
const MAYBE_ESCAPED = new RegExp(`[${MAYBE_HIDDEN}\\r]`, 'g');
/** For one-line display: `\t` and `\n` are escaped too. */
// eslint-disable-next-line no-misleading-character-class -- code units are matched one by one on purpose
const MAYBE_ESCAPED_ONE_LINE = new RegExp(`[${MAYBE_HIDDEN}\\t\\n\\r]`, 'g');

/** Index of the first character at or after `from` that `re` finds, or -1. */
function nextMatch(re: RegExp, text: string, from: number): number {
  re.lastIndex = from;
  const match = re.exec(text);
  return match ? match.index : -1;
}

/** The code point at `i` (a lone surrogate stands for itself) and how many units it spans. */
function codePointAt(text: string, i: number): [number, number] {
  const cp = text.codePointAt(i) ?? 0;
  return [cp, cp > 0xffff ? 2 : 1];
}

/** The text as plain runs and escapes, so escapes can be styled apart from literal text. */
export function visibleSegments(text: string, options: EscapeOptions = {}): Segment[] {
  const keepLayout = options.keepLayout ?? true;
  const candidates = keepLayout ? MAYBE_ESCAPED : MAYBE_ESCAPED_ONE_LINE;
  const out: Segment[] = [];
  // Plain text is cut out in slices (no copy per character), from `start` up to the escape.
  let start = 0;
  for (let i = nextMatch(candidates, text, 0); i >= 0;) {
    const [cp, width] = codePointAt(text, i);
    if (hiddenKind(cp) !== null && !(keepLayout && isLayout(cp))) {
      if (i > start) out.push({ text: text.slice(start, i), escaped: false });
      out.push({ text: escapeCodePoint(cp), escaped: true });
      start = i + width;
    }
    i = nextMatch(candidates, text, i + width);
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
  let i = nextMatch(MAYBE_HIDDEN_KIND, s, 0);
  while (i >= 0) {
    const [cp, width] = codePointAt(s, i);
    const kind = hiddenKind(cp);
    if (kind) {
      kinds.add(kind);
      if (kinds.size === 4) break; // every kind found: the rest cannot add one
    }
    i = nextMatch(MAYBE_HIDDEN_KIND, s, i + width);
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
