// What the shim tells the gate about a tool call's result: its digest and a bounded sample of
// its text. Results can be tens of megabytes; the gate must never receive, parse or hold all of
// that for its record and its scan, so the sample is cut to a fixed budget here: the start of
// the text (where a reader and a model look first) and its end (where injected text likes to
// hide behind a long, ordinary body). Pure, and never copies more than the budget.

/** Characters of the sample at most: the head part, then the tail part. */
export const SAMPLE_HEAD_CHARS = 48 * 1024;
export const SAMPLE_TAIL_CHARS = 16 * 1024;
/** Put between head and tail when text was left out, so no reader takes it for one run. */
export const SAMPLE_GAP = '\n[…]\n';

export interface ResultSample {
  /** Head and tail of the result's text, within SAMPLE_HEAD_CHARS + gap + SAMPLE_TAIL_CHARS. */
  text: string;
  /** Characters of text the result holds in all (the sample may be shorter). */
  chars: number;
}

/**
 * The texts of a tools/call response, in order: each text item, the text of embedded
 * resources, structuredContent as JSON, or the JSON-RPC error's message. Strings are
 * referenced, never joined, so a big result costs nothing extra here.
 */
export function resultTexts(message: Record<string, unknown>): string[] {
  const texts: string[] = [];
  const error = message.error;
  if (isObj(error)) {
    if (typeof error.message === 'string') texts.push(error.message);
    if (error.data !== undefined) texts.push(boundedJson(error.data, SAMPLE_HEAD_CHARS));
    return texts;
  }
  const result = message.result;
  if (!isObj(result)) return texts;
  if (Array.isArray(result.content)) {
    for (const item of result.content as unknown[]) {
      if (!isObj(item)) continue;
      if (typeof item.text === 'string') texts.push(item.text);
      const resource = item.resource;
      if (isObj(resource) && typeof resource.text === 'string') texts.push(resource.text);
    }
  }
  // A structured result is read by the model too (and may be all a 2026-07-28 client shows).
  if (result.structuredContent !== undefined)
    texts.push(boundedJson(result.structuredContent, SAMPLE_HEAD_CHARS));
  return texts;
}

/** Head and tail of the texts joined by newlines, without building the whole join. */
export function sampleOf(texts: readonly string[]): ResultSample {
  let chars = 0;
  for (const t of texts) chars += t.length;
  chars += Math.max(0, texts.length - 1); // the newlines between them
  const budget = SAMPLE_HEAD_CHARS + SAMPLE_TAIL_CHARS;
  if (chars <= budget) return { text: texts.join('\n'), chars };
  const cut =
    cutWhole(head(texts, SAMPLE_HEAD_CHARS)) +
    SAMPLE_GAP +
    cutWhole(tail(texts, SAMPLE_TAIL_CHARS), true);
  return { text: ownCopy(cut), chars };
}

/**
 * The same characters in a string of their own. V8 makes a slice of a long string a view that
 * keeps the whole string alive: the sample of a result of megabytes would hold all of it for as
 * long as the sample lives (its report may wait for the next message to the gate). UTF-16 keeps
 * every code unit as it is, lone surrogates included.
 */
function ownCopy(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}

function head(texts: readonly string[], max: number): string {
  let out = '';
  for (const t of texts) {
    if (out.length > 0) out += '\n';
    out += t.slice(0, max - out.length);
    if (out.length >= max) break;
  }
  return out.slice(0, max);
}

function tail(texts: readonly string[], max: number): string {
  let out = '';
  for (let i = texts.length - 1; i >= 0; i--) {
    if (out.length > 0) out = `\n${out}`;
    const t = texts[i] as string;
    out = t.slice(Math.max(0, t.length - (max - out.length))) + out;
    if (out.length >= max) break;
  }
  return out.slice(-max);
}

/** A cut never leaves half of a surrogate pair at its edge (it would not encode). */
function cutWhole(s: string, atStart = false): string {
  if (atStart) {
    const c = s.charCodeAt(0);
    return c >= 0xdc00 && c <= 0xdfff ? s.slice(1) : s;
  }
  const c = s.charCodeAt(s.length - 1);
  return c >= 0xd800 && c <= 0xdbff ? s.slice(0, -1) : s;
}

/**
 * JSON of a value, stopping once `max` characters are written (with "…" at the cut). A walk of
 * its own because JSON.stringify of a 20 MB structuredContent would build all 20 MB first.
 */
export function boundedJson(value: unknown, max: number): string {
  const parts: string[] = [];
  let length = 0;
  let full = false;
  const put = (s: string): void => {
    if (full) return;
    if (length + s.length > max) {
      parts.push(s.slice(0, max - length), '…');
      full = true;
      length = max;
      return;
    }
    parts.push(s);
    length += s.length;
  };
  const walk = (v: unknown, depth: number): void => {
    if (full) return;
    if (v === null || typeof v !== 'object') {
      if (typeof v === 'string') {
        // A long string is quoted only as far as it can show.
        put(JSON.stringify(v.length > max ? v.slice(0, max - length + 1) : v));
      } else put(JSON.stringify(v) ?? 'null');
      return;
    }
    if (depth > 64) return put('…');
    if (Array.isArray(v)) {
      put('[');
      v.forEach((item, i) => {
        if (i > 0) put(',');
        walk(item, depth + 1);
      });
      return put(']');
    }
    put('{');
    let first = true;
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      if (full) return;
      if (item === undefined) continue;
      if (!first) put(',');
      first = false;
      put(`${JSON.stringify(k)}:`);
      walk(item, depth + 1);
    }
    put('}');
  };
  walk(value, 0);
  return cutWhole(parts.join(''));
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
