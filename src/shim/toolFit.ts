// Whether a tool definition from the server fits the wire schema the gate parses `tools`
// messages with (wire.ts toolDefinitionSchema), written out by hand like link/wireCheck.ts
// because the shim never loads zod. One entry that does not fit would make the gate close the
// connection, and every call of the server would be denied: the shim drops such entries instead
// (from the gate's list and from the host's: no unpinned tool reaches the host).
// toolFit.test.ts holds this check to the zod schema: both accept and refuse the same entries.
import type { ToolDefinition } from '../contract/types';

/** The most definitions one `tools` message may carry (wire.ts). */
export const MAX_WIRE_TOOLS = 10_000;
/**
 * The most bytes of definitions one `tools` message may carry: well inside the socket's line
 * limit (80 MiB, gate/lineChannel.ts), so the message itself is never refused as too long.
 */
export const MAX_WIRE_TOOLS_BYTES = 64 * 1024 * 1024;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Optional text of at most `max` UTF-16 units (zod's string().max()). */
function textMisfit(o: Obj, key: string, max: number, where = ''): string | null {
  if (!Object.hasOwn(o, key) || o[key] === undefined) return null;
  const v = o[key];
  if (typeof v !== 'string') return `${where}${key} is not a string`;
  return v.length > max ? `${where}${key} is longer than ${max} characters` : null;
}

const HINTS = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const;

/** Why this entry cannot go to the gate, or null when it fits. */
export function toolMisfit(v: unknown): string | null {
  if (!isObj(v)) return 'not an object';
  if (typeof v.name !== 'string') return 'name is not a string';
  if (v.name.length > 1000) return 'name is longer than 1000 characters';
  const text = textMisfit(v, 'title', 10_000) ?? textMisfit(v, 'description', 1024 * 1024);
  if (text) return text;
  if (!Object.hasOwn(v, 'annotations') || v.annotations === undefined) return null;
  const a = v.annotations;
  if (!isObj(a)) return 'annotations is not an object';
  const title = textMisfit(a, 'title', 10_000, 'annotations.');
  if (title) return title;
  for (const hint of HINTS) {
    if (Object.hasOwn(a, hint) && a[hint] !== undefined && typeof a[hint] !== 'boolean')
      return `annotations.${hint} is not true or false`;
  }
  return null;
}

export const fitsWire = (v: unknown): v is ToolDefinition => toolMisfit(v) === null;
