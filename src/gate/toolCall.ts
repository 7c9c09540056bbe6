// A gated call as the gate reads it, and the text the agent reads back.
import { classifyHostMessage, HOST_MESSAGE_CAPTURE } from '../mcp/hostLine';
import { parseStrictJsonDetailed, type JsonValue } from '../mcp/strictJson';
import type { Resolution } from './broker';

export interface ToolCall {
  tool: string;
  arguments: unknown;
  /** The arguments exactly as the host wrote them (big integers and all). */
  argumentsRaw: string;
}

/** What the shim's classification reads, then the arguments' own text (big integers and all). */
const CAPTURE = [...HOST_MESSAGE_CAPTURE, ['params', 'arguments']] as const;
const ARGUMENTS_RAW = HOST_MESSAGE_CAPTURE.length;

/**
 * A host line as the gate reads it: strictly (duplicate keys, batches, a byte order mark and
 * text that is not well-formed Unicode are refused), parsed once, with the arguments' own source
 * text. It is judged a request by the shim's own classification (mcp/hostLine.ts), over the
 * parsed text: the held line is not copied into a Buffer to be read again.
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
  const message = classifyHostMessage(value, raw);
  if (message.kind !== 'request' || message.method !== 'tools/call') return null;
  const params = message.params;
  if (params === undefined || typeof params.name !== 'string') return null;
  const args = params.arguments ?? {};
  return {
    tool: params.name,
    arguments: args,
    argumentsRaw: raw[ARGUMENTS_RAW] ?? JSON.stringify(args),
  };
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
