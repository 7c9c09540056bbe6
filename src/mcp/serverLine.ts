// The server→host direction. The server is not trusted: a line reaches the host only if it is one
// well-formed JSON-RPC message, and the shim reads the exact id token of every response so that it
// can be matched to a request the host sent (see proxy.ts). Bytes that do go through are the
// server's own, never re-serialised. JSON.parse validates the line (native, about 1 ms per MB);
// a small scan of the top-level members then finds the id's source text and refuses a line that
// names a member twice, since hosts disagree on which of two `id`s counts.

import { stringTokenEnd } from '../contract/jsonTokens';
import { idKeyOf } from './hostLine';
import { parseStrictJson, StrictJsonError } from './strictJson';
import type { OversizeInfo } from './framing';

export type ServerLine =
  | { kind: 'request'; method: string; idKey: string; message: Record<string, unknown> }
  | { kind: 'notification'; method: string; message: Record<string, unknown> }
  | {
      kind: 'response';
      idKey: string;
      /** The id as the server wrote it, for logs. */
      idRaw: string;
      message: Record<string, unknown>;
    }
  /** Not a JSON-RPC message: never forwarded. */
  | { kind: 'invalid'; reason: string };

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function peekServerLine(line: Buffer): ServerLine {
  const text = serverLineText(line);
  return typeof text === 'string' ? peekServerText(text) : text;
}

/**
 * The text of a server line, decoded strictly: UTF-8 that does not decode is refused, so the
 * text encodes back to exactly the line's bytes.
 */
export function serverLineText(line: Buffer): string | Extract<ServerLine, { kind: 'invalid' }> {
  try {
    return decoder.decode(line);
  } catch {
    return { kind: 'invalid', reason: 'invalid UTF-8' };
  }
}

/** peekServerLine for a line's text (see serverLineText). */
export function peekServerText(text: string): ServerLine {
  if (text.charCodeAt(0) === 0xfeff) return invalid('a byte order mark');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid('not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid(Array.isArray(value) ? 'a batch' : 'not a JSON object');
  }
  const members = topLevelMembers(text);
  if (typeof members === 'string') return invalid(members);
  const message = value as Record<string, unknown>;
  if (message.jsonrpc !== '2.0') return invalid('jsonrpc is not "2.0"');
  const idSpan = members.get('id');
  const id = members.has('id') ? message.id : undefined;
  const validId = (typeof id === 'string' || typeof id === 'number') && idSpan !== undefined;
  const method = members.has('method') ? message.method : undefined;
  if (typeof method === 'string') {
    if (members.has('result') || members.has('error')) {
      return invalid('a method and a result or error');
    }
    if (validId) {
      return { kind: 'request', method, idKey: idKeyOf(id, text.slice(...idSpan)), message };
    }
    if (!members.has('id')) return { kind: 'notification', method, message };
    return invalid('a request id that is not a string or number');
  }
  if (method !== undefined) return invalid('a method that is not a string');
  if (!validId) return invalid('a response without a string or number id');
  if (members.has('result') === members.has('error')) {
    return invalid('a response needs exactly one of result and error');
  }
  const idRaw = text.slice(...idSpan);
  return { kind: 'response', idKey: idKeyOf(id, idRaw), idRaw, message };
}

function invalid(reason: string): ServerLine {
  return { kind: 'invalid', reason };
}

/**
 * Where each top-level member's value starts and ends in `text`, which must be a JSON object that
 * JSON.parse accepted (so only strings and nesting need tracking). Returns what is wrong instead
 * when a member appears twice.
 */
export function topLevelMembers(text: string): Map<string, [number, number]> | string {
  const members = new Map<string, [number, number]>();
  let i = text.indexOf('{') + 1;
  for (;;) {
    i = skipWs(text, i);
    if (text[i] === '}') return members;
    if (text[i] === ',') i = skipWs(text, i + 1);
    if (text[i] !== '"') return 'a member name that is not a string';
    const keyEnd = stringTokenEnd(text, i);
    if (keyEnd === -1) return 'an unterminated member name';
    const keyToken = text.slice(i, keyEnd);
    // Most names have no escape: their text is their name, without a parse of its own.
    const key = keyToken.includes('\\') ? (JSON.parse(keyToken) as string) : keyToken.slice(1, -1);
    if (members.has(key)) return `the member ${keyToken} twice`;
    i = skipWs(text, keyEnd);
    i = skipWs(text, i + 1); // the ':'
    const end = valueEnd(text, i);
    if (end === -1) return 'an unterminated value';
    members.set(key, [i, end]);
    i = end;
  }
}

function skipWs(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return i;
    i++;
  }
}

// JSON.parse accepted the text before it is scanned, so the -1s below (unterminated strings and
// containers) cannot happen; they are there so a mistake can never loop forever.

/** End of the (valid) value starting at `i`. */
function valueEnd(s: string, i: number): number {
  const first = s[i];
  if (first === '"') return stringTokenEnd(s, i);
  if (first !== '{' && first !== '[') {
    let j = i;
    while (j < s.length && !',}] \t\r\n'.includes(s[j] ?? '')) j++;
    return j;
  }
  let depth = 0;
  let j = i;
  while (j < s.length) {
    const c = s[j];
    if (c === '"') {
      j = stringTokenEnd(s, j);
      if (j === -1) return -1;
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return j + 1;
    }
    j++;
  }
  return -1;
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
      return typeof v === 'string' ? idKeyOf(v, text) : null;
    } catch {
      return null;
    }
  }
  return NUMBER_TOKEN.test(text) ? idKeyOf(Number(text), text) : null;
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

/**
 * Why a server line (JSON already) may read differently to different parsers, or null when it
 * reads one way. An object anywhere in it that names a key twice (`text`, or `text` and
 * `\u0074ext`) is read with the first value by some parsers, the last by others (JSON.parse),
 * both by a few: a person who reviewed one of them may not have seen what the agent reads. Read
 * strictly, so every nested object is reached; a line the strict parser cannot read to its end
 * (lone surrogates, nesting deeper than it goes) cannot be vouched for either. About as fast as
 * the rest of a held result's scan (tens of ms per MB).
 */
export function ambiguousJson(text: string): string | null {
  try {
    parseStrictJson(text);
    return null;
  } catch (err) {
    if (!(err instanceof StrictJsonError)) throw err;
    const repeated = /^duplicate key (".*") at position \d+$/s.exec(err.message);
    return repeated
      ? `names the key ${repeated[1]} twice in one object`
      : `cannot be read strictly as JSON (${err.message})`;
  }
}
