// Classifies one line from the host. This is the gate's front door: a message is only ever
// recognised by a strict parse, so whatever reading a server might make of a line (first or last
// duplicate key, escaped method names, lenient UTF-8), it cannot smuggle a tools/call past us.

import { parseStrictJsonDetailed, type JsonValue } from './strictJson';

export type JsonObject = { [key: string]: JsonValue };

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;

export type HostLine =
  | { kind: 'invalid'; code: number; reason: string; idRaw: string | null }
  | {
      kind: 'request';
      method: string;
      idRaw: string;
      idKey: string;
      params: JsonObject | undefined;
      message: JsonObject;
      /** Exact source of `params._meta.progressToken` when it is a string or number. */
      progressTokenRaw?: string;
    }
  | {
      kind: 'notification';
      method: string;
      params: JsonObject | undefined;
      message: JsonObject;
      /** Key of `params.requestId` when it is a string or number (what a cancellation names). */
      requestIdKey?: string;
    }
  | { kind: 'response'; idRaw: string; idKey: string; message: JsonObject };

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The source texts a host message is classified with: capture these (first, in this order) when
 * parsing, and pass the parse's `raw` to classifyHostMessage. Further paths may follow them.
 */
export const HOST_MESSAGE_CAPTURE = [
  ['id'],
  ['params', '_meta', 'progressToken'],
  ['params', 'requestId'],
] as const;

export function parseHostLine(line: Buffer): HostLine {
  if (line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) {
    return invalid(PARSE_ERROR, 'a byte order mark is not allowed', null);
  }
  let text: string;
  try {
    text = decoder.decode(line);
  } catch {
    return invalid(PARSE_ERROR, 'invalid UTF-8', null);
  }
  let value: JsonValue;
  let raw: (string | undefined)[];
  try {
    ({ value, raw } = parseStrictJsonDetailed(text, { capture: HOST_MESSAGE_CAPTURE }));
  } catch (err) {
    return invalid(PARSE_ERROR, `parse error: ${(err as Error).message}`, null);
  }
  return classifyHostMessage(value, raw);
}

/**
 * What a strictly parsed host message is: a request, a notification, a response, or invalid
 * (with the JSON-RPC error to answer). The one judgment of a request, shared by the shim (over
 * the line's bytes, above) and the gate (over the held line's text, gate/toolCall.ts), so that
 * both always take the same lines for a call. `raw` holds the source texts of
 * HOST_MESSAGE_CAPTURE, in its order.
 */
export function classifyHostMessage(
  value: JsonValue,
  raw: readonly (string | undefined)[],
): HostLine {
  if (Array.isArray(value)) return invalid(INVALID_REQUEST, 'batches are not supported', null);
  if (!isObject(value)) return invalid(INVALID_REQUEST, 'a message must be a JSON object', null);
  const message = value;

  let idRaw: string | null = null;
  let idKey: string | null = null;
  if (has(message, 'id')) {
    const id = message.id;
    const source = raw[0];
    if ((typeof id !== 'string' && typeof id !== 'number') || source === undefined) {
      return invalid(INVALID_REQUEST, 'id must be a string or a number', null);
    }
    idRaw = source;
    idKey = idKeyOf(id, source);
  }
  if (!has(message, 'jsonrpc') || message.jsonrpc !== '2.0') {
    return invalid(INVALID_REQUEST, 'jsonrpc must be "2.0"', idRaw);
  }

  if (has(message, 'method')) {
    const method = message.method;
    if (typeof method !== 'string')
      return invalid(INVALID_REQUEST, 'method must be a string', idRaw);
    if (has(message, 'result') || has(message, 'error')) {
      return invalid(
        INVALID_REQUEST,
        'a message cannot have both a method and a result or error',
        idRaw,
      );
    }
    let params: JsonObject | undefined;
    if (has(message, 'params')) {
      const p = message.params;
      if (!isObject(p)) return invalid(INVALID_REQUEST, 'params must be an object', idRaw);
      params = p;
    }
    if (idRaw === null || idKey === null) {
      const notification: HostLine = { kind: 'notification', method, params, message };
      const requestId = params !== undefined && has(params, 'requestId') ? params.requestId : null;
      const requestIdRaw = raw[2];
      if ((typeof requestId === 'string' || typeof requestId === 'number') && requestIdRaw) {
        notification.requestIdKey = idKeyOf(requestId, requestIdRaw);
      }
      return notification;
    }
    const request: HostLine = { kind: 'request', method, idRaw, idKey, params, message };
    const token = progressToken(params);
    const tokenRaw = raw[1];
    if (token !== undefined && tokenRaw !== undefined) request.progressTokenRaw = tokenRaw;
    return request;
  }

  if (idRaw === null || idKey === null) {
    return invalid(INVALID_REQUEST, 'a message needs a method or an id', null);
  }
  if (has(message, 'result') === has(message, 'error')) {
    return invalid(INVALID_REQUEST, 'a response needs exactly one of result and error', idRaw);
  }
  return { kind: 'response', idRaw, idKey, message };
}

/**
 * The key that matches an id across directions: a number by its exact spelling (`1`, `1.0` and
 * `1e0` are three ids, and a big integer is never rounded), a string by its value (`"\u0061"` is
 * only one writer's way to encode `"a"`; hosts compare the decoded string). `raw` is the token's
 * source text.
 */
export function idKeyOf(id: string | number, raw: string): string {
  return typeof id === 'number' ? `n:${raw}` : `s:${id}`;
}

function progressToken(params: JsonObject | undefined): string | number | undefined {
  const meta = params !== undefined && has(params, '_meta') ? params._meta : undefined;
  if (!isObject(meta) || !has(meta, 'progressToken')) return undefined;
  const token = meta.progressToken;
  return typeof token === 'string' || typeof token === 'number' ? token : undefined;
}

function invalid(code: number, reason: string, idRaw: string | null): HostLine {
  return { kind: 'invalid', code, reason, idRaw };
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function has(o: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}
