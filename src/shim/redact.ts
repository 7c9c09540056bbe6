// "Pass redacted": the held result goes to the agent with every secret the detectors find
// masked, in every string of the result (text items, resources, structuredContent, _meta), so
// a key the server leaked never reaches the model. The response is rebuilt around the host's
// own id token (never re-serialised from a parsed number, so a big integer id keeps its digits).
import { maskText } from '../hosts/mask';
import { maskSecrets } from '../policy/secrets';

/** Deeper than this, a value is dropped rather than walked (no result nests that far). */
const MAX_DEPTH = 64;

export function maskString(s: string): string {
  return maskText(maskSecrets(s));
}

/** A copy of `value` with every string masked (keys too: a key can carry a secret). */
export function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return null;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    out[maskString(k)] = maskDeep(v, depth + 1);
  return out;
}

/** The response line with its result (or error) masked, answering `idRaw`. */
export function redactedResponse(idRaw: string, message: Record<string, unknown>): string {
  const body =
    'error' in message
      ? `"error":${JSON.stringify(maskDeep(message.error))}`
      : `"result":${JSON.stringify(maskDeep(message.result ?? {}))}`;
  return `{"jsonrpc":"2.0","id":${idRaw},${body}}`;
}
