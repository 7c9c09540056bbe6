// Tool data is untrusted text: characters a person cannot see must never reach the screen raw.
// No Node imports, so the renderer can share this (it may move to src/contract/).

export type HiddenKind = 'control' | 'invisible' | 'bidi' | 'tag';

/** Classify one code point as hidden, or null when it shows as itself. */
export function hiddenKind(cp: number): HiddenKind | null {
  if (cp === 0x202a || (cp >= 0x202b && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
    return 'bidi';
  if (cp === 0x200e || cp === 0x200f || cp === 0x061c) return 'bidi';
  if (cp >= 0xe0000 && cp <= 0xe007f) return 'tag';
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp <= 0x9f)) return 'control';
  if (
    (cp >= 0x200b && cp <= 0x200d) ||
    (cp >= 0x2060 && cp <= 0x2064) ||
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
    // Variation selectors 17–256 carry no glyph and are used to smuggle bytes.
    (cp >= 0xe0100 && cp <= 0xe01ef)
  )
    return 'invisible';
  return null;
}

export interface EscapeOptions {
  /** Keep `\n` and `\t` as they are (multi-line display). Default true. */
  keepLayout?: boolean;
}

function codePointLabel(cp: number): string {
  return `⟨U+${cp.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

/** Show control, invisible, tag and bidi characters as visible escapes like ⟨U+202E⟩. */
export function escapeInvisible(s: string, options: EscapeOptions = {}): string {
  const keepLayout = options.keepLayout ?? true;
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (keepLayout && (cp === 0x0a || cp === 0x09)) {
      out += ch;
      continue;
    }
    out += hiddenKind(cp) === null ? ch : codePointLabel(cp);
  }
  return out;
}

/** Which kinds of hidden characters a string holds (`\n`, `\r` and `\t` do not count). */
export function hiddenKinds(s: string): Set<HiddenKind> {
  const kinds = new Set<HiddenKind>();
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp === 0x0a || cp === 0x0d || cp === 0x09) continue;
    const kind = hiddenKind(cp);
    if (kind) kinds.add(kind);
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
  const shown = escapeInvisible(s, { keepLayout: false }).replace(/⟨U\+000A⟩/g, '⏎');
  return shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
}
