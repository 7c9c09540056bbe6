// A strict RFC 8259 parser for everything the host sends. JSON.parse is not enough for a gate:
// it keeps the last of duplicate keys (a server may keep the first, or the last), tolerates lone
// surrogate escapes, and cannot tell us the exact source text of a token (ids must be echoed as
// written). The parser is iterative with an explicit stack, so hostile nesting cannot overflow the
// call stack; depth is bounded anyway so memory stays proportional to the input.

import { numberTokenEnd } from '../contract/jsonTokens';

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export class StrictJsonError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'StrictJsonError';
  }
}

export const DEFAULT_MAX_DEPTH = 512;

export interface StrictJsonOptions {
  /** Containers nested deeper than this are rejected. */
  maxDepth?: number;
  /**
   * Key paths (through objects only) whose value's exact source text is wanted, e.g.
   * `[['id'], ['params', '_meta', 'progressToken']]`. An empty path captures the whole value.
   */
  capture?: readonly (readonly string[])[];
}

export interface StrictJsonResult {
  value: JsonValue;
  /** Exact source text (no surrounding whitespace) for each capture path, if present. */
  raw: (string | undefined)[];
  /** Where each captured text starts in the input (UTF-16 offset), if present. */
  rawAt: (number | undefined)[];
}

export function parseStrictJson(text: string, options?: { maxDepth?: number }): JsonValue {
  return parseStrictJsonDetailed(text, options).value;
}

type ObjectFrame = {
  isArray: false;
  value: { [key: string]: JsonValue };
  key: string;
  /** Capture indices whose path runs through this object. */
  captures: number[] | null;
  /** Capture indices that end at the member value being parsed, and where it starts. */
  capturing: number[] | null;
  captureStart: number;
};
type ArrayFrame = { isArray: true; value: JsonValue[] };
type Frame = ObjectFrame | ArrayFrame;

/**
 * A run of string characters the loop below would only step over: not a quote, a backslash, a
 * control character or a surrogate (those take the careful path, one at a time), or a
 * one-character escape (`\n`, `\"`…), which JSON.parse decodes for the whole run at once: a
 * text of blank lines is millions of them, each a turn of the loop and a piece of the string
 * otherwise. `\u` escapes take the careful path (lone surrogates are refused). Without the `u`
 * flag it matches UTF-16 code units, so a surrogate always stops it. Bounded, so that a long run
 * is a series of short matches: no input makes the regex engine's work grow faster than it.
 */
const PLAIN_RUN = /(?:[^"\\\u0000-\u001f\ud800-\udfff]|\\["\\/bfnrt]){0,4096}/y;

/** The text of a run PLAIN_RUN stepped over (and surrogate pairs after it), escapes decoded. */
function runText(text: string, from: number, to: number): string {
  const run = text.slice(from, to);
  return run.indexOf('\\') < 0 ? run : (JSON.parse(`"${run}"`) as string);
}

const hasOwn = Object.prototype.hasOwnProperty;

export function parseStrictJsonDetailed(
  text: string,
  options: StrictJsonOptions = {},
): StrictJsonResult {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const paths = options.capture ?? [];
  const raw: (string | undefined)[] = paths.map(() => undefined);
  const rawAt: (number | undefined)[] = paths.map(() => undefined);
  const len = text.length;
  const stack: Frame[] = [];
  let pos = 0;

  const fail = (message: string, at = pos): never => {
    throw new StrictJsonError(message, at);
  };

  const skipWs = (): void => {
    while (pos < len) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
  };

  const parseString = (): string => {
    // pos is on the opening quote
    let i = pos + 1;
    let out = '';
    let runStart = i;
    for (;;) {
      // Jump over characters that need no look (see PLAIN_RUN) in native code, not one by one.
      PLAIN_RUN.lastIndex = i;
      PLAIN_RUN.test(text);
      i = PLAIN_RUN.lastIndex;
      if (i >= len) return fail('unterminated string', pos);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += runText(text, runStart, i);
        pos = i + 1;
        return out;
      }
      if (c === 0x5c) {
        out += runText(text, runStart, i);
        const e = text.charCodeAt(i + 1);
        switch (e) {
          case 0x22:
            out += '"';
            break;
          case 0x5c:
            out += '\\';
            break;
          case 0x2f:
            out += '/';
            break;
          case 0x62:
            out += '\b';
            break;
          case 0x66:
            out += '\f';
            break;
          case 0x6e:
            out += '\n';
            break;
          case 0x72:
            out += '\r';
            break;
          case 0x74:
            out += '\t';
            break;
          case 0x75: {
            const unit = hex4(text, i + 2);
            if (unit < 0) return fail('bad \\u escape', i);
            if (unit >= 0xdc00 && unit <= 0xdfff) return fail('lone low surrogate escape', i);
            if (unit >= 0xd800 && unit <= 0xdbff) {
              const low =
                text.charCodeAt(i + 6) === 0x5c && text.charCodeAt(i + 7) === 0x75
                  ? hex4(text, i + 8)
                  : -1;
              if (low < 0xdc00 || low > 0xdfff) return fail('lone high surrogate escape', i);
              out += String.fromCharCode(unit, low);
              i += 12;
            } else {
              out += String.fromCharCode(unit);
              i += 6;
            }
            runStart = i;
            continue;
          }
          default:
            return fail('bad escape', i);
        }
        i += 2;
        runStart = i;
        continue;
      }
      if (c < 0x20) return fail('control character in string', i);
      if (c >= 0xd800 && c <= 0xdfff) {
        // Raw lone surrogates cannot come from valid UTF-8; reject them as the escapes are.
        const next = text.charCodeAt(i + 1);
        if (c >= 0xdc00 || !(next >= 0xdc00 && next <= 0xdfff)) {
          return fail('lone surrogate', i);
        }
        i += 2;
        continue;
      }
      i++;
    }
  };

  const parseKey = (frame: ObjectFrame): void => {
    skipWs();
    if (text.charCodeAt(pos) !== 0x22) fail('expected a string key');
    const keyStart = pos;
    const key = parseString();
    if (hasOwn.call(frame.value, key)) {
      fail(`duplicate key ${JSON.stringify(key)}`, keyStart);
    }
    skipWs();
    if (text.charCodeAt(pos) !== 0x3a) fail("expected ':'");
    pos++;
    frame.key = key;
    frame.capturing = null;
    if (frame.captures !== null) {
      // Captures only run through objects, so the frame's path depth is its stack depth.
      // Indexed loops here and below: the parser runs untiered in the shim (see
      // shim/memory.ts), where for-of steps an iterator object for every key.
      const depth = stack.length - 1;
      const captures = frame.captures;
      for (let k = 0; k < captures.length; k++) {
        const idx = captures[k] as number;
        const path = paths[idx];
        if (path !== undefined && path.length === depth + 1 && path[depth] === key) {
          (frame.capturing ??= []).push(idx);
        }
      }
    }
  };

  // Which capture paths continue into an object that starts now.
  const capturesForNewObject = (): number[] | null => {
    const parent = stack[stack.length - 1];
    if (parent === undefined) {
      const all: number[] = [];
      for (let idx = 0; idx < paths.length; idx++) {
        if ((paths[idx] as readonly string[]).length > 0) all.push(idx);
      }
      return all.length > 0 ? all : null;
    }
    if (parent.isArray || parent.captures === null) return null;
    const depth = stack.length - 1;
    const next: number[] = [];
    const captures = parent.captures;
    for (let k = 0; k < captures.length; k++) {
      const idx = captures[k] as number;
      const path = paths[idx];
      if (path !== undefined && path.length > depth + 1 && path[depth] === parent.key) {
        next.push(idx);
      }
    }
    return next.length > 0 ? next : null;
  };

  const wholeCaptures: number[] = [];
  paths.forEach((p, idx) => {
    if (p.length === 0) wholeCaptures.push(idx);
  });

  skipWs();
  const rootStart = pos;
  let value: JsonValue;
  // Each turn parses one value start; containers push a frame and loop back for their first
  // member, scalars fall through to the completion loop below.
  for (;;) {
    const top = stack[stack.length - 1];
    if (top !== undefined && !top.isArray && top.capturing !== null) top.captureStart = pos;
    const c = text.charCodeAt(pos);
    let completing = true;
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= maxDepth) fail(`nesting deeper than ${maxDepth}`);
      pos++;
      skipWs();
      if (c === 0x7b) {
        const frame: ObjectFrame = {
          isArray: false,
          value: {},
          key: '',
          captures: capturesForNewObject(),
          capturing: null,
          captureStart: 0,
        };
        if (text.charCodeAt(pos) === 0x7d) {
          pos++;
          value = frame.value;
        } else {
          stack.push(frame);
          parseKey(frame);
          skipWs();
          continue;
        }
      } else {
        const frame: ArrayFrame = { isArray: true, value: [] };
        if (text.charCodeAt(pos) === 0x5d) {
          pos++;
          value = frame.value;
        } else {
          stack.push(frame);
          skipWs();
          continue;
        }
      }
    } else if (c === 0x22) {
      value = parseString();
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const end = numberTokenEnd(text, pos);
      if (end < 0) return fail('bad number');
      value = Number(text.slice(pos, end));
      pos = end;
    } else if (c === 0x74 && text.startsWith('true', pos)) {
      pos += 4;
      value = true;
    } else if (c === 0x66 && text.startsWith('false', pos)) {
      pos += 5;
      value = false;
    } else if (c === 0x6e && text.startsWith('null', pos)) {
      pos += 4;
      value = null;
    } else {
      return fail(pos >= len ? 'unexpected end of input' : 'unexpected character');
    }

    // Complete values, closing containers as long as they end here.
    while (completing) {
      const frame = stack[stack.length - 1];
      if (frame === undefined) {
        for (const idx of wholeCaptures) {
          raw[idx] = text.slice(rootStart, pos);
          rawAt[idx] = rootStart;
        }
        skipWs();
        if (pos !== len) fail('trailing characters after the value');
        return { value, raw, rawAt };
      }
      if (frame.isArray) {
        frame.value.push(value);
      } else {
        if (frame.capturing !== null) {
          const source = text.slice(frame.captureStart, pos);
          for (const idx of frame.capturing) {
            raw[idx] = source;
            rawAt[idx] = frame.captureStart;
          }
        }
        if (frame.key === '__proto__') {
          // Plain data, as JSON.parse makes it: never the prototype setter.
          Object.defineProperty(frame.value, '__proto__', {
            value,
            writable: true,
            enumerable: true,
            configurable: true,
          });
        } else {
          frame.value[frame.key] = value;
        }
      }
      skipWs();
      const d = text.charCodeAt(pos);
      if (d === 0x2c) {
        pos++;
        if (!frame.isArray) parseKey(frame);
        skipWs();
        completing = false;
      } else if (d === (frame.isArray ? 0x5d : 0x7d)) {
        pos++;
        stack.pop();
        value = frame.value;
      } else {
        fail(
          pos >= len ? 'unexpected end of input' : `expected ',' or '${frame.isArray ? ']' : '}'}'`,
        );
      }
    }
  }
}

function hex4(text: string, at: number): number {
  if (at + 4 > text.length) return -1;
  let n = 0;
  for (let k = 0; k < 4; k++) {
    const c = text.charCodeAt(at + k);
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else return -1;
    n = n * 16 + d;
  }
  return n;
}
