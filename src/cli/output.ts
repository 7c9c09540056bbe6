// How the CLI talks: results on stdout, one-line errors on stderr.
//
// Tool names, arguments and messages come from servers and agents, and a terminal obeys the
// control sequences it is sent (ESC, the 8-bit CSI U+009B, a carriage return that overwrites
// the line, bidi overrides that reorder what is shown). Every line leaves with those characters
// written as \uXXXX escapes: readable in text, and the same data in JSON (which may only carry
// them inside strings).
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

// C0 controls except tab and newline, DEL and C1, zero-width and bidi controls, line and
// paragraph separators, BOM.
const UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

export function visible(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const line = (text: string): string => {
  const safe = visible(text);
  return safe.endsWith('\n') ? safe : safe + '\n';
};

export const processIo: Io = {
  out: (text) => process.stdout.write(line(text)),
  err: (text) => process.stderr.write(line(text)),
};
