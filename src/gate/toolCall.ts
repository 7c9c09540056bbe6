// A gated call as the gate reads it, and the text the agent reads back.
import { parseHostLine } from '../mcp/hostLine';
import { parseStrictJsonDetailed } from '../mcp/strictJson';
import type { Resolution } from './broker';

export interface ToolCall {
  tool: string;
  arguments: unknown;
  /** The arguments exactly as the host wrote them (big integers and all). */
  argumentsRaw: string;
}

/** A host line as the gate reads it: strictly, with the arguments' own source text. */
export function readToolCall(line: string): ToolCall | null {
  const parsed = parseHostLine(Buffer.from(line, 'utf8'));
  if (
    parsed.kind !== 'request' ||
    parsed.method !== 'tools/call' ||
    typeof parsed.params?.name !== 'string'
  )
    return null;
  const { raw } = parseStrictJsonDetailed(line, { capture: [['params', 'arguments']] });
  const args = parsed.params.arguments ?? {};
  return {
    tool: parsed.params.name,
    arguments: args,
    argumentsRaw: raw[0] ?? JSON.stringify(args),
  };
}

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
