// Edit, then approve: the edited arguments are checked against the tool's pinned inputSchema
// with ajv before the gate approves them. The schema comes from the server, which is not
// trusted, and ajv compiles schemas to JavaScript it then runs ("Ajv treats JSON schemas as
// trusted as your application code", its security notes). So the schema is bounded before ajv
// ever sees it:
//   - size and depth: at most MAX_SCHEMA_CHARS of JSON and MAX_SCHEMA_DEPTH levels, so compiling
//     cannot overflow the stack or take long;
//   - no remote $ref: nothing is ever fetched (no loadSchema); a $ref ajv cannot resolve inside
//     the schema fails the check, closed;
//   - `pattern` is not evaluated: a regular expression a server wrote can take exponential time
//     on a short string (ReDoS) and would hang the gate, which decides every call. The server
//     checks its own patterns when the call runs; Airlock checks structure (types, required and
//     undeclared properties, enums, ranges, lengths). A schema with `patternProperties` is
//     refused outright, since which properties it allows depends on those expressions;
//   - `format` is not evaluated (the same ReDoS concern, and unknown formats would throw);
//   - a fresh ajv instance per check, so one tool's `$id` can neither clash with nor shadow
//     another's.
// Only the gate loads this module (the shim and the CLI's decide commands never do).
import Ajv, { type ErrorObject } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';

export const MAX_SCHEMA_CHARS = 256 * 1024;
export const MAX_SCHEMA_DEPTH = 64;
/** Edited arguments larger than this (as JSON) are refused: the host's own line limit. */
export const MAX_EDITED_ARGS_CHARS = 16 * 1024 * 1024;

/** Compiled validators by schema text (each on its own ajv instance); the oldest go first. */
const compiled = new Map<string, ReturnType<Ajv['compile']>>();
const MAX_COMPILED = 64;

export type ArgsCheck = { ok: true } | { ok: false; error: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A regular-expression engine for ajv that never compiles the expression and accepts every
 * string: `pattern` is not evaluated. (`code` names it in generated code; ajv requires it.)
 */
const unchecked = Object.assign((): { test: (s: string) => boolean } => ({ test: () => true }), {
  code: 'airlockUncheckedPattern',
});

/**
 * A copy of the schema ajv may compile, or why not. Walks iteratively (a hostile schema cannot
 * overflow the stack here), drops `$schema` (the dialect is chosen below; nothing is looked up).
 */
function boundedCopy(schema: unknown): { copy: unknown; text: string } | { error: string } {
  let text: string;
  try {
    text = JSON.stringify(schema) ?? '';
  } catch {
    return { error: 'its input schema cannot be read' };
  }
  if (text.length > MAX_SCHEMA_CHARS)
    return { error: `its input schema is over ${MAX_SCHEMA_CHARS / 1024} KB` };
  const copy = JSON.parse(text) as unknown;
  const stack: { node: unknown; depth: number }[] = [{ node: copy, depth: 0 }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > MAX_SCHEMA_DEPTH)
      return { error: `its input schema is nested deeper than ${MAX_SCHEMA_DEPTH} levels` };
    if (!Array.isArray(node)) {
      const o = node as Record<string, unknown>;
      if (Object.hasOwn(o, 'patternProperties'))
        return {
          error:
            'its input schema uses patternProperties, whose regular expressions Airlock does not run',
        };
      delete o.$schema;
    }
    for (const child of Object.values(node)) stack.push({ node: child, depth: depth + 1 });
  }
  return { copy, text };
}

/** draft-07 and older dialects by their `$schema`; everything else as 2020-12 (MCP's default). */
function validatorFor(schema: Record<string, unknown>): Ajv {
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  const options = {
    strict: false,
    allErrors: false,
    validateFormats: false,
    ownProperties: true,
    code: { regExp: unchecked },
  } as const;
  return /draft-0[4-7]/.test(dialect) ? new Ajv(options) : new Ajv2020(options);
}

function describeError(e: ErrorObject): string {
  const where = e.instancePath === '' ? 'arguments' : `arguments${e.instancePath}`;
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties' && typeof p.additionalProperty === 'string')
    return `${where}: "${p.additionalProperty}" is not an argument this tool declares`;
  if (e.keyword === 'required' && typeof p.missingProperty === 'string')
    return `${where}: "${p.missingProperty}" is required`;
  return `${where}: ${e.message ?? 'does not fit'}`;
}

/**
 * Whether edited arguments fit the tool's pinned input schema. Fails closed: no schema, a
 * schema past the bounds above or one ajv cannot compile refuses the edit, with why.
 */
export function checkEditedArguments(inputSchema: unknown, args: unknown): ArgsCheck {
  if (!isObject(args)) return { ok: false, error: 'the arguments must be a JSON object' };
  let argsText: string;
  try {
    argsText = JSON.stringify(args);
  } catch {
    return { ok: false, error: 'the arguments cannot be written as JSON' };
  }
  if (argsText.length > MAX_EDITED_ARGS_CHARS)
    return { ok: false, error: `the arguments are over ${MAX_EDITED_ARGS_CHARS >> 20} MiB` };
  if (!isObject(inputSchema))
    return { ok: false, error: 'the tool has no input schema to check the edit against' };
  const bounded = boundedCopy(inputSchema);
  if ('error' in bounded)
    return { ok: false, error: `the edit cannot be checked: ${bounded.error}` };
  const cacheKey = `${String((inputSchema as Record<string, unknown>).$schema)}\n${bounded.text}`;
  let validate = compiled.get(cacheKey);
  try {
    if (!validate) {
      validate = validatorFor(inputSchema).compile(bounded.copy as Record<string, unknown>);
      if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
      compiled.set(cacheKey, validate);
    }
  } catch (err) {
    const why = (err as Error).message.split('\n')[0]!.slice(0, 300);
    return {
      ok: false,
      error: `the edit cannot be checked: the tool's input schema is invalid (${why})`,
    };
  }
  if (validate(JSON.parse(argsText))) return { ok: true };
  const first = validate.errors?.[0];
  return { ok: false, error: first ? describeError(first) : 'the arguments do not fit the schema' };
}
