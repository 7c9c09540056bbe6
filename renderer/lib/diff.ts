// What the consent and servers views diff: edits inside a call, and tool definitions.
import { canonicalJson } from '../../src/contract/canonicalJson';

export interface EditPair {
  label: string;
  before: string;
  after: string;
}

/**
 * Finds old/new text pairs in a call's arguments: server-filesystem `edit_file` edits
 * (`edits: [{oldText, newText}]`) and the common `old_string`/`new_string` shapes.
 */
export function editPairs(args: unknown): EditPair[] {
  if (!isRecord(args)) return [];
  const pairs: EditPair[] = [];
  const direct = pairOf(args);
  if (direct) pairs.push({ label: 'edit', ...direct });
  if (Array.isArray(args.edits)) {
    args.edits.forEach((edit, i) => {
      const pair = isRecord(edit) ? pairOf(edit) : null;
      if (pair)
        pairs.push({ label: `edit ${i + 1} of ${(args.edits as unknown[]).length}`, ...pair });
    });
  }
  return pairs;
}

const PAIR_KEYS: [string, string][] = [
  ['oldText', 'newText'],
  ['old_text', 'new_text'],
  ['old_string', 'new_string'],
  ['old_str', 'new_str'],
  ['oldString', 'newString'],
];

function pairOf(obj: Record<string, unknown>): { before: string; after: string } | null {
  for (const [from, to] of PAIR_KEYS) {
    const before = obj[from];
    const after = obj[to];
    if (typeof before === 'string' && typeof after === 'string') return { before, after };
  }
  return null;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Stable, readable text of a tool definition, so two versions diff line by line. */
export function definitionText(def: unknown): string {
  return def === undefined ? '' : canonicalJson(def, 2);
}

/**
 * What an edit changed, for History: the arguments asked and approved as stable JSON text, and
 * each changed text argument of several lines on its own (in JSON it would be one long line).
 */
export function argumentEditPairs(asked: unknown, approved: unknown): EditPair[] {
  const pairs: EditPair[] = [
    {
      label: 'Arguments: asked → approved',
      before: definitionText(asked),
      after: definitionText(approved),
    },
  ];
  if (!isRecord(asked) || !isRecord(approved)) return pairs;
  for (const key of Object.keys(approved)) {
    const before = asked[key];
    const after = approved[key];
    if (typeof before !== 'string' || typeof after !== 'string' || before === after) continue;
    if (before.includes('\n') || after.includes('\n'))
      pairs.push({ label: `Text of "${key}": asked → approved`, before, after });
  }
  return pairs;
}
