// Writing new command/args values in the style of the ones they replace, so a guarded file still
// looks like the user's file.

/** A string literal valid in both JSON and TOML basic strings. */
export function quote(s: string): string {
  // JSON leaves DEL bare; TOML forbids it in basic strings.
  return JSON.stringify(s).replace(/\u007f/g, '\\u007F');
}

/** Renders a string array laid out like `like` (one item per line if it was multi-line). */
export function renderArray(items: readonly string[], like?: string): string {
  if (items.length === 0) return '[]';
  if (like !== undefined && like.includes('\n')) {
    const firstItem = /\[[^\S\n]*(?:(?:\/\/|#)[^\n]*)?\n([^\S\n]*)\S/.exec(like);
    const closing = /\n([^\S\n]*)\]$/.exec(like);
    if (firstItem && closing) {
      const indent = firstItem[1] ?? '';
      return `[\n${items.map((i) => indent + quote(i)).join(',\n')}\n${closing[1] ?? ''}]`;
    }
  }
  const padded = like !== undefined && /^\[ \S/.test(like) && /\S \]$/.test(like);
  const body = items.map(quote).join(', ');
  return padded ? `[ ${body} ]` : `[${body}]`;
}

/** Whitespace from the start of the line holding `offset` up to it. */
export function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const m = /^[^\S\n]*/.exec(text.slice(lineStart, offset));
  return m ? m[0] : '';
}

export interface PrefixEdit {
  /** How many leading elements to drop. */
  remove: number;
  /** Elements to put in their place. */
  insert: readonly string[];
}

/**
 * Rewrites only the head of an array, leaving the remaining elements, their comments and
 * separators as written. `elements` are spans relative to `arrayText`. Undefined when the array
 * is better re-rendered whole (empty before or after).
 */
export function editArrayPrefix(
  arrayText: string,
  elements: readonly { start: number; end: number }[],
  edit: PrefixEdit,
): string | undefined {
  const first = elements[0];
  const last = elements[elements.length - 1];
  if (!first || !last || edit.remove > elements.length) return undefined;
  const multiLine = arrayText.slice(0, first.start).includes('\n');
  const sep = multiLine ? `,\n${indentAt(arrayText, first.start)}` : ', ';
  const items = edit.insert.map(quote);
  const head = arrayText.slice(0, first.start);
  const keep = elements[edit.remove];
  if (keep) return head + items.map((x) => x + sep).join('') + arrayText.slice(keep.start);
  if (items.length === 0) return undefined;
  return head + items.join(sep) + arrayText.slice(last.end);
}
