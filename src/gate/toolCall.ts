// A gated call as the gate reads it, and the text the agent reads back.
import { parseStrictJsonDetailed, type JsonValue } from '../mcp/strictJson';
import type { Resolution } from './broker';

export interface ToolCall {
  tool: string;
  arguments: unknown;
  /** The arguments exactly as the host wrote them (big integers and all). */
  argumentsRaw: string;
}

type JsonObject = { [key: string]: JsonValue };

const isObject = (v: JsonValue | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: JsonObject, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);
/** The request's id, and the arguments' own source text (big integers and all). */
const CAPTURE = [['id'], ['params', 'arguments']] as const;

/**
 * A host line as the gate reads it: strictly (duplicate keys, batches, a byte order mark and
 * text that is not well-formed Unicode are refused), parsed once, with the arguments' own source
 * text. It accepts what the shim's reading (mcp/hostLine.ts) takes for a request to call a tool,
 * and nothing else (toolCall.test.ts holds the two together).
 */
export function readToolCall(line: string): ToolCall | null {
  // The shim refuses both before a line gets here; a line that has them comes from no host.
  if (line.charCodeAt(0) === 0xfeff || !isWellFormed(line)) return null;
  let value: JsonValue;
  let raw: (string | undefined)[];
  try {
    ({ value, raw } = parseStrictJsonDetailed(line, { capture: CAPTURE }));
  } catch {
    return null;
  }
  if (!isObject(value) || !isRequest(value, raw[0]) || value.method !== 'tools/call') return null;
  const params = value.params;
  if (!isObject(params) || typeof params.name !== 'string') return null;
  const args = params.arguments ?? {};
  return {
    tool: params.name,
    arguments: args,
    argumentsRaw: raw[1] ?? JSON.stringify(args),
  };
}

/** A JSON-RPC request, as hostLine.ts judges one: an id, version 2.0, a method, no result. */
function isRequest(m: JsonObject, idRaw: string | undefined): boolean {
  const id = m.id;
  return (
    has(m, 'id') &&
    (typeof id === 'string' || typeof id === 'number') &&
    idRaw !== undefined &&
    has(m, 'jsonrpc') &&
    m.jsonrpc === '2.0' &&
    has(m, 'method') &&
    typeof m.method === 'string' &&
    !has(m, 'result') &&
    !has(m, 'error') &&
    (!has(m, 'params') || isObject(m.params))
  );
}

/** No lone surrogate: the text could have come from UTF-8 (Node 20's String#isWellFormed). */
const isWellFormed = (text: string): boolean =>
  (text as string & { isWellFormed(): boolean }).isWellFormed();

/** The text the agent (and the model behind it) reads. */
export function denialOrApproval(r: Pick<Resolution, 'verdict' | 'kind' | 'message'>): string {
  if (r.verdict === 'allow') return 'Approved in Airlock';
  switch (r.kind) {
    case 'denied':
      return `Denied by user in Airlock${r.message ? `: ${r.message}` : ''}`;
    case 'timed-out':
      return `Denied by Airlock: ${r.message ?? 'no decision in time'}`;
    default:
      return `Denied by Airlock${r.message ? `: ${r.message}` : ''}`;
  }
}
