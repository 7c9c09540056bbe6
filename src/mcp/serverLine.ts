// The server→host direction is forwarded byte for byte; the shim only peeks at it for its own
// bookkeeping (which host request a response answers, tools/list results). A misreading here can
// at worst misfile a response, never let a call through, so a lenient JSON.parse is enough.

import { idKeyOf } from './hostLine';
import type { OversizeInfo } from './framing';

export type ServerLine =
  | { kind: 'request'; method: string; idKey: string; message: Record<string, unknown> }
  | { kind: 'notification'; method: string; message: Record<string, unknown> }
  | { kind: 'response'; idKey: string; message: Record<string, unknown> }
  | { kind: 'other' };

const OTHER: ServerLine = { kind: 'other' };

export function peekServerLine(line: Buffer): ServerLine {
  let value: unknown;
  try {
    value = JSON.parse(line.toString('utf8'));
  } catch {
    return OTHER;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return OTHER;
  const message = value as Record<string, unknown>;
  const id = Object.prototype.hasOwnProperty.call(message, 'id') ? message.id : undefined;
  const validId = typeof id === 'string' || typeof id === 'number';
  const method = Object.prototype.hasOwnProperty.call(message, 'method')
    ? message.method
    : undefined;
  if (typeof method === 'string') {
    if (validId) return { kind: 'request', method, idKey: idKeyOf(id), message };
    if (id === undefined) return { kind: 'notification', method, message };
    return OTHER;
  }
  if (method === undefined && validId && ('result' in message || 'error' in message)) {
    return { kind: 'response', idKey: idKeyOf(id), message };
  }
  return OTHER;
}

const NUMBER_TOKEN = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/**
 * Best effort for a server response too large to parse: the TypeScript SDK writes
 * `{"result":…,"jsonrpc":"2.0","id":N}`, so the id is the top-level object's last member.
 * Returns null unless the tail plainly ends that way.
 */
export function idKeyFromTail(tail: Buffer): string | null {
  // latin1 keeps one char per byte; UTF-8 multi-byte sequences never contain ASCII bytes.
  const s = tail.toString('latin1');
  let i = skipWsBack(s, s.length - 1);
  if (s[i] !== '}') return null;
  i = skipWsBack(s, i - 1);
  const valueEnd = i + 1;
  let valueStart: number;
  if (s[i] === '"') {
    let j = i - 1;
    while (j >= 0 && !(s[j] === '"' && unescapedAt(s, j))) j--;
    if (j < 0 || backslashesBefore(s, j) === j) return null;
    valueStart = j;
  } else {
    let j = i;
    while (j >= 0 && /[0-9eE+\-.]/.test(s[j] ?? '')) j--;
    if (j < 0) return null; // the number may continue before the tail
    valueStart = j + 1;
  }
  const idKey = idKeyFromToken(tail.subarray(valueStart, valueEnd));
  if (idKey === null) return null;
  i = skipWsBack(s, valueStart - 1);
  if (s[i] !== ':') return null;
  i = skipWsBack(s, i - 1);
  const keyStart = i - 3;
  if (keyStart < 0 || s.slice(keyStart, i + 1) !== '"id"') return null;
  if (backslashesBefore(s, keyStart) === keyStart || !unescapedAt(s, keyStart)) return null;
  i = skipWsBack(s, keyStart - 1);
  return s[i] === ',' || s[i] === '{' ? idKey : null;
}

/**
 * Best effort from the start of an oversize line, for writers that put the id first
 * (`{"jsonrpc":"2.0","id":1,"result":…}`, as the Python SDK does). Only scalar members may
 * precede the id.
 */
export function idKeyFromHead(head: Buffer): string | null {
  const s = head.toString('latin1');
  const member =
    /\s*("(?:[^"\\]|\\.)*")\s*:\s*("(?:[^"\\]|\\.)*"|-?[0-9][0-9eE+\-.]*|true|false|null)\s*([,}])/y;
  let at = s.indexOf('{');
  if (at === -1 || s.slice(0, at).trim() !== '') return null;
  at++;
  for (;;) {
    member.lastIndex = at;
    const m = member.exec(s);
    if (m === null) return null;
    const [whole, key, value] = m;
    if (key === undefined || value === undefined) return null;
    if (key === '"id"') {
      const start = at + whole.lastIndexOf(value, whole.length - 1);
      return idKeyFromToken(head.subarray(start, start + value.length));
    }
    if (m[3] === '}') return null;
    at += whole.length;
  }
}

/** The id of a dropped server line: the tail first (SDK order), then the head. */
export function idKeyFromOversize(info: OversizeInfo): string | null {
  return idKeyFromTail(info.tail) ?? idKeyFromHead(info.head);
}

function idKeyFromToken(token: Buffer): string | null {
  const text = token.toString('utf8');
  if (text.startsWith('"')) {
    try {
      const v: unknown = JSON.parse(text);
      return typeof v === 'string' ? idKeyOf(v) : null;
    } catch {
      return null;
    }
  }
  return NUMBER_TOKEN.test(text) ? idKeyOf(Number(text)) : null;
}

function skipWsBack(s: string, i: number): number {
  while (i >= 0 && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i--;
  return i;
}

function backslashesBefore(s: string, i: number): number {
  let n = 0;
  while (i - 1 - n >= 0 && s[i - 1 - n] === '\\') n++;
  return n;
}

// A quote is a delimiter when an even number of backslashes precede it.
function unescapedAt(s: string, i: number): boolean {
  return backslashesBefore(s, i) % 2 === 0;
}
