import type { ToolDefinition } from '../contract/types';
import { canonicalJson } from './hash';

export interface DiffLine {
  op: ' ' | '+' | '-';
  line: string;
}

// Above this many LCS cells the middle is shown as removed-then-added: still a correct
// diff, just not a minimal one, and bounded in time and memory.
const MAX_CELLS = 4_000_000;

/** Line diff by longest common subsequence. */
export function diffLines(a: string[], b: string[]): DiffLine[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head = a.slice(0, start).map((line): DiffLine => ({ op: ' ', line }));
  const tail = a.slice(endA).map((line): DiffLine => ({ op: ' ', line }));
  return [...head, ...diffMiddle(a.slice(start, endA), b.slice(start, endB)), ...tail];
}

function diffMiddle(a: string[], b: string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_CELLS) {
    return [
      ...a.map((line): DiffLine => ({ op: '-', line })),
      ...b.map((line): DiffLine => ({ op: '+', line })),
    ];
  }
  // lcs[i][j] = LCS length of a[i..] and b[j..], in one flat array.
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const lineA = a[i] as string;
    const lineB = b[j] as string;
    if (lineA === lineB) {
      out.push({ op: ' ', line: lineA });
      i++;
      j++;
    } else if ((lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0)) {
      out.push({ op: '-', line: lineA });
      i++;
    } else {
      out.push({ op: '+', line: lineB });
      j++;
    }
  }
  for (; i < n; i++) out.push({ op: '-', line: a[i] as string });
  for (; j < m; j++) out.push({ op: '+', line: b[j] as string });
  return out;
}

function splitLines(s: string): string[] {
  return s === '' ? [] : s.split(/\r?\n/);
}

/** Line diff of two texts (the UI shows edit_file's oldText/newText with it). */
export function textDiff(a: string, b: string): DiffLine[] {
  return diffLines(splitLines(a), splitLines(b));
}

/** Line diff of two tool definitions as pretty canonical JSON; `a` null means all added. */
export function definitionDiff(a: ToolDefinition | null, b: ToolDefinition): DiffLine[] {
  const before = a === null ? [] : splitLines(canonicalJson(a, 2));
  return diffLines(before, splitLines(canonicalJson(b, 2)));
}
