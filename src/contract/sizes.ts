// Sizes of text as a person reads them, the same in the summary line and the argument view.

/** "13.4 KB", "812 bytes": the size the file will have (UTF-8). */
export function sizeOf(text: string): string {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes < 1000) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** "200 lines": a final newline ends the last line rather than starting another. */
export function linesOf(text: string): string {
  const n = text === '' ? 0 : text.replace(/\r?\n$/, '').split('\n').length;
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'line' : 'lines'}`;
}
