// A result held for review is judged on all of its text, not on the sample the record keeps
// (resultSample.ts): a server could otherwise hide an injection in the middle of a long page, in
// a deeply nested value, or in a field the sample does not read, and have it passed as clean.
// So the shim sends the gate every string of the result, in parts it scans as they come. Pure.

/** Characters of each part (wire.ts RESULT_PART_MAX_CHARS). */
export const SCAN_PART_CHARS = 256 * 1024;
/** Parts overlap by this much: a phrase or a link cut at an edge is whole on one side of it. */
export const SCAN_OVERLAP_CHARS = 2 * 1024;
/**
 * Parts of one result at most (wire.ts RESULT_PARTS_MAX), about 8M characters: what the gate
 * scans for one result is bounded. A result with more text is not sent in parts at all, and
 * the gate holds it for a person as not scanned.
 */
export const MAX_SCAN_PARTS = 32;
/** More text than MAX_SCAN_PARTS parts can hold. */
const MAX_SCAN_CHARS = MAX_SCAN_PARTS * SCAN_PART_CHARS;

/** A key that is only a name: nothing to read. */
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
/** The kinds of MCP content items: a `type` naming one is not text anyone reads. */
const ITEM_TYPES = new Set(['text', 'image', 'audio', 'resource', 'resource_link']);
/** Media whose bytes are not text: an image's or audio's `data`, such a resource's `blob`. */
const MEDIA = /^(image|audio|video)\//i;

/**
 * Every string a reader of the response (the model, the host) may be shown, in document order:
 * string values at any depth and keys that are more than a name, of the result (or of the
 * error); a resource's `blob` that is not media, decoded. Left out: content item kinds
 * (`"type": "text"`), and the bytes of images, audio and video. Walked without recursion, so no
 * nesting is too deep; strings are referenced, not copied.
 */
export function scanTexts(message: Record<string, unknown>): string[] {
  const texts: string[] = [];
  const stack: unknown[] = ['error' in message ? message.error : message.result];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      texts.push(v);
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    const next: unknown[] = [];
    if (Array.isArray(v)) for (const item of v as unknown[]) next.push(item);
    else {
      const o = v as Record<string, unknown>;
      for (const [key, value] of Object.entries(o)) {
        if (!NAME.test(key)) next.push(key);
        next.push(readable(o, key, value));
      }
    }
    // Reversed onto the stack: popped in document order.
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
  }
  return texts;
}

/** What of `o[key]` a reader may be shown (undefined: nothing). */
function readable(o: Record<string, unknown>, key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (key === 'type' && ITEM_TYPES.has(value)) return undefined;
  if (key === 'data' && (o.type === 'image' || o.type === 'audio')) return undefined;
  if (key !== 'blob') return value;
  if (typeof o.mimeType === 'string' && MEDIA.test(o.mimeType)) return undefined;
  // A host may decode a text blob for the model: its text is read, not its base64. One too long
  // to scan is not decoded (a copy of megabytes for nothing): its length alone makes the
  // result too long, and it is held as not scanned.
  if (value.length > MAX_SCAN_CHARS) return value;
  return Buffer.from(value, 'base64').toString('utf8');
}

/**
 * The texts joined by newlines, in parts of at most `partChars` that overlap by
 * SCAN_OVERLAP_CHARS, made one at a time as they are taken (never the whole join); null when it
 * would take more than MAX_SCAN_PARTS.
 */
export function scanParts(
  texts: readonly string[],
  partChars = SCAN_PART_CHARS,
): Iterable<string> | null {
  let chars = Math.max(0, texts.length - 1);
  for (const t of texts) chars += t.length;
  const step = partChars - SCAN_OVERLAP_CHARS;
  const count = chars <= partChars ? 1 : Math.ceil((chars - SCAN_OVERLAP_CHARS) / step);
  if (count > MAX_SCAN_PARTS) return null;
  return chars === 0 ? [] : partsOf(texts, partChars);
}

function* partsOf(texts: readonly string[], partChars: number): Generator<string, void, undefined> {
  let part = '';
  for (const [i, text] of texts.entries()) {
    let rest = i > 0 ? `\n${text}` : text;
    while (rest.length > 0) {
      const room = partChars - part.length;
      part += rest.slice(0, room);
      rest = rest.slice(room);
      if (part.length === partChars && (rest.length > 0 || i < texts.length - 1)) {
        yield whole(part);
        part = part.slice(-SCAN_OVERLAP_CHARS);
      }
    }
  }
  if (part.length > 0) yield whole(part);
}

/**
 * A part without half a surrogate pair at either edge (it would not encode); the overlap holds
 * the pair whole on the other side.
 */
function whole(part: string): string {
  let start = 0;
  let end = part.length;
  const first = part.charCodeAt(0);
  if (first >= 0xdc00 && first <= 0xdfff) start = 1;
  const last = part.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return part.slice(start, end);
}
