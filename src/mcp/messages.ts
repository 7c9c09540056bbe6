// The few messages the shim writes itself. Ids and progress tokens are echoed as the exact tokens
// the host wrote (a big integer id must not be rounded), so they are spliced in as source text;
// each one is checked to be a single JSON string or number token first, so nothing else can be
// spliced into a message.

import { parseStrictJson, StrictJsonError } from './strictJson';

export function jsonRpcError(idRaw: string | null, code: number, message: string): string {
  if (!Number.isInteger(code)) throw new RangeError(`error code must be an integer, got ${code}`);
  const id = idRaw === null ? 'null' : checkedToken(idRaw);
  return `{"jsonrpc":"2.0","id":${id},"error":{"code":${code},"message":${JSON.stringify(message)}}}`;
}

export function toolDenial(idRaw: string, text: string): string {
  const result = `{"content":[{"type":"text","text":${JSON.stringify(text)}}],"isError":true,"resultType":"complete"}`;
  return `{"jsonrpc":"2.0","id":${checkedToken(idRaw)},"result":${result}}`;
}

export function progressNotification(
  progressTokenRaw: string,
  progress: number,
  message: string,
): string {
  if (!Number.isFinite(progress)) throw new RangeError(`progress must be finite, got ${progress}`);
  const params = `{"progressToken":${checkedToken(progressTokenRaw)},"progress":${JSON.stringify(progress)},"message":${JSON.stringify(message)}}`;
  return `{"jsonrpc":"2.0","method":"notifications/progress","params":${params}}`;
}

function checkedToken(raw: string): string {
  let value: unknown;
  try {
    value = parseStrictJson(raw);
  } catch (err) {
    if (err instanceof StrictJsonError)
      throw new TypeError(`not a JSON token: ${raw}`, { cause: err });
    throw err;
  }
  // Surrounding whitespace would be harmless, but it means the caller did not pass a raw token.
  if ((typeof value !== 'string' && typeof value !== 'number') || raw.trim() !== raw) {
    throw new TypeError(`not a JSON string or number token: ${raw}`);
  }
  return raw;
}
