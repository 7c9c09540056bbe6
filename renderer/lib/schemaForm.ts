// Turns a tool's inputSchema and a call's arguments into the fields of the popup's Edit… form.
//
// The form is a view over the arguments, never a copy of them: each field points at a path in
// the arguments value, and an edit replaces that one value (setAt). Untouched arguments are the
// very object the agent sent, so "edit nothing" approves exactly what was asked.
//
// The schema comes from the server, which may be hostile: it can be huge, deeply nested, or use
// constructs a form cannot express. Anything the form cannot show faithfully, or any subtree
// past the limits below, becomes a raw JSON field: still editable, never reshaped.

import { firstInexactNumber, inexactNumberShown } from '../../src/contract/exactNumbers';

export type FieldPath = readonly (string | number)[];

export interface FormLimits {
  /** Objects and arrays nested deeper than this are edited as raw JSON. */
  maxDepth: number;
  /** Fields in the whole form; past this, whole subtrees are edited as raw JSON. */
  maxFields: number;
  /** A schema larger than this (as JSON text) is not read at all: the form is one raw field. */
  maxSchemaChars: number;
  /** A select with more options than this is edited as raw JSON. */
  maxEnum: number;
  /** An array with more items than this is edited as raw JSON. */
  maxItems: number;
  /** Descriptions are cut to this many characters (the full text is in Tool description). */
  maxDescription: number;
}

export const DEFAULT_LIMITS: FormLimits = {
  maxDepth: 5,
  maxFields: 150,
  maxSchemaChars: 200_000,
  maxEnum: 200,
  maxItems: 50,
  maxDescription: 300,
};

/** Strings longer than this, or with a line break, get a multi-line box. */
export const MULTILINE_AT = 60;

interface FieldBase {
  path: FieldPath;
  /** The property name (or "item N"), as the agent sends it. */
  label: string;
  description: string | null;
  /** The schema lists it as required: it cannot be removed. */
  required: boolean;
}

export type Field =
  | (FieldBase & { kind: 'string'; value: string; multiline: boolean })
  | (FieldBase & { kind: 'number'; value: number; integer: boolean })
  | (FieldBase & { kind: 'boolean'; value: boolean })
  | (FieldBase & { kind: 'enum'; value: unknown; options: unknown[] })
  | (FieldBase & { kind: 'object'; fields: Field[]; missing: MissingField[] })
  | (FieldBase & { kind: 'array'; items: Field[]; itemSchema: unknown })
  | (FieldBase & { kind: 'raw'; value: unknown; why: string });

/** A property the schema declares but the arguments leave out: offered with "Add". */
export interface MissingField {
  path: FieldPath;
  label: string;
  description: string | null;
  schema: unknown;
}

export type FormResult =
  { kind: 'form'; root: Field & { kind: 'object' } } | { kind: 'raw'; why: string };

/**
 * The form for these arguments. `raw` when the whole thing can only be edited as JSON: no
 * schema, a schema too large to read, or arguments that are not an object.
 */
export function buildForm(
  schema: unknown,
  args: unknown,
  limits: FormLimits = DEFAULT_LIMITS,
): FormResult {
  if (!isRecord(schema)) return { kind: 'raw', why: 'The server gave no schema for this tool.' };
  if (jsonLength(schema, limits.maxSchemaChars) > limits.maxSchemaChars)
    return { kind: 'raw', why: 'The tool’s schema is too large to turn into a form.' };
  if (!isRecord(args)) return { kind: 'raw', why: 'The arguments are not an object.' };
  const budget = { left: limits.maxFields };
  const root = fieldFor(schema, args, [], '', true, 0, limits, budget);
  if (root.kind !== 'object') {
    return { kind: 'raw', why: root.kind === 'raw' ? root.why : 'Not an object.' };
  }
  return { kind: 'form', root };
}

function fieldFor(
  schema: unknown,
  value: unknown,
  path: FieldPath,
  label: string,
  required: boolean,
  depth: number,
  limits: FormLimits,
  budget: { left: number },
): Field {
  const description = describe(schema, limits);
  const base = { path, label, description, required };
  const raw = (why: string): Field => {
    budget.left -= 1;
    return { ...base, kind: 'raw', value, why };
  };
  if (budget.left <= 0) return raw('The form has too many fields.');
  if (!isRecord(schema)) return raw('The schema does not describe it.');
  for (const key of COMPOSITES) {
    if (key in schema) return raw(`The schema uses ${key}.`);
  }

  if (Array.isArray(schema.enum)) {
    const options = schema.enum;
    if (options.length === 0 || options.length > limits.maxEnum)
      return raw('Too many choices to list.');
    if (!options.some((o) => jsonEqual(o, value)))
      return raw('The value is not one of the choices.');
    budget.left -= 1;
    return { ...base, kind: 'enum', value, options };
  }

  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return raw('The value is not a string.');
      budget.left -= 1;
      return {
        ...base,
        kind: 'string',
        value,
        multiline: value.length > MULTILINE_AT || value.includes('\n'),
      };
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || !Number.isFinite(value))
        return raw('The value is not a number.');
      if (schema.type === 'integer' && !Number.isInteger(value))
        return raw('The value is not an integer.');
      budget.left -= 1;
      return { ...base, kind: 'number', value, integer: schema.type === 'integer' };
    case 'boolean':
      if (typeof value !== 'boolean') return raw('The value is not true or false.');
      budget.left -= 1;
      return { ...base, kind: 'boolean', value };
    case 'array': {
      if (!Array.isArray(value)) return raw('The value is not a list.');
      if (depth >= limits.maxDepth) return raw('Nested too deeply for a form.');
      if (value.length > limits.maxItems) return raw('Too many items for a form.');
      if (Array.isArray(schema.items)) return raw('The schema lists items by position.');
      if (budget.left < value.length + 1) return raw('The form has too many fields.');
      budget.left -= 1;
      const items = value.map((item, i) =>
        fieldFor(
          schema.items,
          item,
          [...path, i],
          `item ${i + 1}`,
          true,
          depth + 1,
          limits,
          budget,
        ),
      );
      return { ...base, kind: 'array', items, itemSchema: schema.items };
    }
    case 'object': {
      if (!isRecord(value)) return raw('The value is not an object.');
      if (depth >= limits.maxDepth) return raw('Nested too deeply for a form.');
      const props = isRecord(schema.properties) ? schema.properties : {};
      const declared = Object.keys(props);
      const present = Object.keys(value);
      if (budget.left < present.length + 1) return raw('The form has too many fields.');
      budget.left -= 1;
      const requiredSet = new Set(
        Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === 'string') : [],
      );
      // The agent's order: the form reads like the arguments it replaces.
      const fields = present.map((key) =>
        Object.hasOwn(props, key)
          ? fieldFor(
              props[key],
              value[key],
              [...path, key],
              key,
              requiredSet.has(key),
              depth + 1,
              limits,
              budget,
            )
          : undeclared(value[key], [...path, key], key, budget),
      );
      const missing = declared
        .filter((key) => !Object.hasOwn(value, key))
        .map((key) => ({
          path: [...path, key],
          label: key,
          description: describe(props[key], limits),
          schema: props[key],
        }));
      return { ...base, kind: 'object', fields, missing };
    }
    default:
      return raw(
        schema.type === undefined ? 'The schema gives no type.' : 'The schema’s type has no form.',
      );
  }
}

/** An argument the schema does not declare: kept, shown, edited only as JSON. */
function undeclared(
  value: unknown,
  path: FieldPath,
  label: string,
  budget: { left: number },
): Field {
  budget.left -= 1;
  return {
    path,
    label,
    description: null,
    required: false,
    kind: 'raw',
    value,
    why: 'The tool’s schema does not declare this argument.',
  };
}

const COMPOSITES = ['$ref', 'oneOf', 'anyOf', 'allOf', 'not', 'if', 'const'] as const;

function describe(schema: unknown, limits: FormLimits): string | null {
  if (!isRecord(schema) || typeof schema.description !== 'string') return null;
  const text = schema.description.trim();
  if (!text) return null;
  return text.length > limits.maxDescription ? `${text.slice(0, limits.maxDescription)}…` : text;
}

// ---------------------------------------------------------------------------------------------
// Edits: each returns a new arguments value and leaves everything off the path untouched.

/** `root` with the value at `path` replaced. Keys keep their order; a new key goes last. */
export function setAt(root: unknown, path: FieldPath, next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path;
  if (Array.isArray(root) && typeof head === 'number') {
    const copy = root.slice();
    copy[head] = setAt(root[head], rest, next);
    return copy;
  }
  if (isRecord(root) && typeof head === 'string') {
    const entries = Object.entries(root);
    const at = entries.findIndex(([k]) => k === head);
    const value = setAt(at >= 0 ? entries[at]![1] : undefined, rest, next);
    if (at >= 0) entries[at] = [head, value];
    else entries.push([head, value]);
    // fromEntries defines own properties: a key named "__proto__" stays a plain key.
    return Object.fromEntries(entries);
  }
  throw new Error(`No value at ${pathText(path)} to change.`);
}

/** `root` without the object key or array item at `path`. */
export function removeAt(root: unknown, path: FieldPath): unknown {
  if (path.length === 0) throw new Error('The arguments themselves cannot be removed.');
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  let next: unknown;
  if (Array.isArray(parent) && typeof last === 'number') {
    next = parent.filter((_, i) => i !== last);
  } else if (isRecord(parent) && typeof last === 'string') {
    next = Object.fromEntries(Object.entries(parent).filter(([k]) => k !== last));
  } else {
    throw new Error(`No value at ${pathText(path)} to remove.`);
  }
  return setAt(root, path.slice(0, -1), next);
}

export function getAt(root: unknown, path: FieldPath): unknown {
  let at = root;
  for (const key of path) {
    if (Array.isArray(at) && typeof key === 'number') at = at[key];
    else if (isRecord(at) && typeof key === 'string' && Object.hasOwn(at, key)) at = at[key];
    else return undefined;
  }
  return at;
}

/** A starting value for a field the user adds: the schema's default if it is valid JSON. */
export function defaultFor(schema: unknown): unknown {
  if (!isRecord(schema)) return null;
  if ('default' in schema && schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  switch (schema.type) {
    case 'string':
      return '';
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Text the user types, checked before it becomes a value

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

export function parseNumber(text: string, integer: boolean): Parsed {
  const t = text.trim();
  // Number('') is 0 and Number('0x10') is 16: accept only what JSON would call a number.
  if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(t))
    return { ok: false, error: 'Not a number.' };
  const value = Number(t);
  if (!Number.isFinite(value)) return { ok: false, error: 'The number is too large.' };
  if (integer && !Number.isInteger(value)) return { ok: false, error: 'Must be a whole number.' };
  if (firstInexactNumber(t) !== null) return { ok: false, error: TOO_PRECISE };
  return { ok: true, value };
}

/** A number a JSON parser cannot keep as typed would reach the tool changed: refused as typed. */
const TOO_PRECISE = 'This number has more digits than can be kept exactly.';

export function parseJson(text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    return { ok: false, error: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  const inexact = inexactNumberShown(text);
  if (inexact !== undefined) return { ok: false, error: `${inexact}: ${TOO_PRECISE}` };
  return { ok: true, value };
}

/** The text a raw JSON field starts with. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'null';
}

/** An enum option's label and select value: its JSON text (so "1" and 1 stay apart). */
export function optionText(option: unknown): string {
  return JSON.stringify(option) ?? 'null';
}

export function pathText(path: FieldPath): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('') || '(arguments)';
}

/** Deep equality of JSON values (key order ignored, as for JSON objects). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON text length, stopping early past `cap` (a huge schema is never stringified whole). */
function jsonLength(value: unknown, cap: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && total <= cap) {
    const v = stack.pop();
    if (typeof v === 'string') total += v.length + 2;
    else if (Array.isArray(v)) {
      total += 2 + v.length;
      for (const x of v) stack.push(x);
    } else if (isRecord(v)) {
      for (const [k, x] of Object.entries(v)) {
        total += k.length + 4;
        stack.push(x);
      }
    } else total += 5;
  }
  return total;
}
