// A unified diff of two texts for --dry-run, with the hunks grouped as `diff -u` does.
import { lineDiff } from '../contract/lineDiff';

type Op = { kind: ' ' | '-' | '+'; line: string };

const KIND = { same: ' ', del: '-', add: '+' } as const;

/** `label` names the new side in the header, e.g. "guarded" or "restored". */
export function unifiedDiff(
  path: string,
  before: string,
  after: string,
  label: string,
  context = 3,
): string {
  if (before === after) return '';
  const ops: Op[] = lineDiff(before, after).map((d) => ({ kind: KIND[d.op], line: d.text }));
  const out = [`--- ${path}`, `+++ ${path} (${label})`];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.kind === ' ') {
      k++;
      continue;
    }
    // Grow a hunk until `context * 2` unchanged lines separate it from the next change.
    const start = Math.max(0, k - context);
    let end = k;
    while (end < ops.length) {
      if (ops[end]!.kind !== ' ') {
        end++;
        continue;
      }
      let run = 0;
      while (end + run < ops.length && ops[end + run]!.kind === ' ') run++;
      if (end + run >= ops.length || run > context * 2) {
        end = Math.min(ops.length, end + context);
        break;
      }
      end += run;
    }
    let aLine = 1;
    let bLine = 1;
    for (let x = 0; x < start; x++) {
      if (ops[x]!.kind !== '+') aLine++;
      if (ops[x]!.kind !== '-') bLine++;
    }
    const hunk = ops.slice(start, end);
    const aCount = hunk.filter((o) => o.kind !== '+').length;
    const bCount = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${aLine},${aCount} +${bLine},${bCount} @@`, ...hunk.map((o) => o.kind + o.line));
    k = end;
  }
  return `${out.join('\n')}\n`;
}
