// Do a call's arguments fit the tool's pinned inputSchema? Arguments the schema does not
// declare (the `sidenote` a poisoned description asks the model to fill in), values of the
// wrong type and missing required ones are risk reasons of their own. Pure and bounded: only
// the top level of the arguments and of the schema is read (what a tool declares as its
// parameters), so a 10 MB argument costs a type check, never a walk. No regular expression
// from the schema is ever run (see gate/argsSchema.ts on ReDoS).

export type Misfit =
  | { kind: 'undeclared'; name: string }
  | { kind: 'wrongType'; name: string; expected: string[]; actual: string }
  | { kind: 'missing'; name: string };

/** At most this many misfits are reported (the risk reasons cap their own count anyway). */
export const MAX_MISFITS = 50;
/** Keys of the arguments and of the schema's `properties` read at most. */
const MAX_KEYS = 10_000;

const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The JSON type of a value, as JSON Schema names it. */
export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v; // string, boolean, object
}

function fitsType(actual: string, expected: string[]): boolean {
  return expected.includes(actual) || (actual === 'integer' && expected.includes('number'));
}

/** The declared JSON types of a property schema; null when it does not say (or says oddly). */
function declaredTypes(prop: unknown): string[] | null {
  if (!isObject(prop)) return null;
  const t = prop.type;
  const list = typeof t === 'string' ? [t] : Array.isArray(t) ? t : null;
  if (!list || list.length === 0 || !list.every((x) => typeof x === 'string' && JSON_TYPES.has(x)))
    return null;
  return list as string[];
}

/**
 * How the arguments misfit the schema; empty when they fit, or when the schema says nothing
 * checkable (not an object schema with `properties`). Arguments beyond `properties` count as
 * undeclared unless the schema admits extra ones on purpose (`additionalProperties` true or a
 * schema, or `patternProperties`).
 */
export function argumentMisfits(inputSchema: unknown, args: unknown): Misfit[] {
  if (!isObject(inputSchema) || !isObject(inputSchema.properties)) return [];
  const props = inputSchema.properties;
  const out: Misfit[] = [];
  const add = (m: Misfit): boolean => out.push(m) < MAX_MISFITS;
  const a = isObject(args) ? args : {};
  const extra = inputSchema.additionalProperties;
  const extrasAllowed =
    extra === true || isObject(extra) || Object.hasOwn(inputSchema, 'patternProperties');
  let seen = 0;
  for (const name in a) {
    if (!Object.hasOwn(a, name)) continue;
    if (++seen > MAX_KEYS) break;
    if (!Object.hasOwn(props, name)) {
      if (!extrasAllowed && !add({ kind: 'undeclared', name })) return out;
      continue;
    }
    const expected = declaredTypes(props[name]);
    const actual = jsonType(a[name]);
    if (
      expected &&
      !fitsType(actual, expected) &&
      !add({ kind: 'wrongType', name, expected, actual })
    )
      return out;
  }
  const required = Array.isArray(inputSchema.required)
    ? inputSchema.required.slice(0, MAX_KEYS)
    : [];
  for (const name of required) {
    if (typeof name === 'string' && !Object.hasOwn(a, name) && !add({ kind: 'missing', name }))
      return out;
  }
  return out;
}
