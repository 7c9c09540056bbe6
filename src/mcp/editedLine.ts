// Edit, then approve: the line the shim forwards is the host's own request line with only the
// value of `params.arguments` replaced. The id token keeps its spelling (`1.0` stays `1.0`),
// `_meta` and every other byte stay as the host wrote them. The gate builds the line to bind
// its decision to the digest of what will run; the shim builds it again from the line it holds
// and forwards it only when the digests agree. One pure function for both, so they cannot drift.
import { parseStrictJson, parseStrictJsonDetailed } from './strictJson';

const CAPTURE = [['params', 'arguments'], ['params']] as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `line` (a tools/call request as the host sent it) with `params.arguments` replaced by
 * `argumentsJson`, the exact text of a JSON object. Null when the line has no `params` object
 * or `argumentsJson` is not one strict JSON object: nothing is forwarded then.
 */
export function withArguments(line: string, argumentsJson: string): string | null {
  let args: unknown;
  try {
    args = parseStrictJson(argumentsJson);
  } catch {
    return null;
  }
  // Whitespace around the value is not part of the value: keep the splice exactly one value.
  if (!isObject(args) || argumentsJson !== argumentsJson.trim()) return null;
  let parsed: ReturnType<typeof parseStrictJsonDetailed>;
  try {
    parsed = parseStrictJsonDetailed(line, { capture: CAPTURE });
  } catch {
    return null;
  }
  if (!isObject(parsed.value) || !isObject(parsed.value.params)) return null;
  const [argsRaw, paramsRaw] = parsed.raw;
  const [argsAt, paramsAt] = parsed.rawAt;
  if (argsRaw !== undefined && argsAt !== undefined) {
    return line.slice(0, argsAt) + argumentsJson + line.slice(argsAt + argsRaw.length);
  }
  if (paramsRaw === undefined || paramsAt === undefined) return null;
  // No arguments in the original (MCP allows that): they go first in params.
  const empty = Object.keys(parsed.value.params).length === 0;
  const member = `"arguments":${argumentsJson}${empty ? '' : ','}`;
  return line.slice(0, paramsAt + 1) + member + line.slice(paramsAt + 1);
}
