// The one canonical JSON of the project. Tool definitions are hashed, stored and chained with
// it, event payloads are hashed as its text, and rule conditions compare values through it, so
// the text must not depend on the order in which an object's keys happened to be written, and
// every caller must get the same bytes for the same value.
//
// Semantics are JSON.stringify's, with keys sorted at every depth:
// - `undefined` and function members are dropped; in arrays they become null;
// - an object with a `toJSON` method is replaced by what that method returns (a Date becomes
//   its ISO text, as JSON.stringify would write it);
// - a `__proto__` key (JSON.parse makes it an own key of data a server or agent sent) stays a
//   plain key: it is defined, not assigned, so it can neither vanish from the text nor change
//   the copy's prototype.
//
// Databases written before this file used the store's own copy, which assigned keys (a
// `__proto__` key vanished) and ignored toJSON. For every other value the bytes are the same
// (a property test holds it), and no hashed or chained value could hold either: definitions
// and parsed rows come from JSON (no methods), and the stored text had already lost every
// `__proto__` key, so re-reading it gives the same text; rules pass zod's JSON schema, which
// drops `__proto__`; settings, facts and risk reasons have fixed keys and plain values. So no
// migration: existing hashes and chains verify as they are.

/** JSON with object keys sorted at every depth (JSON.stringify semantics otherwise). */
export function canonicalJson(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value), null, indent) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeys(v)));
  if (value !== null && typeof value === 'object') {
    const withToJson = value as { toJSON?: () => unknown };
    if (typeof withToJson.toJSON === 'function') return sortKeys(withToJson.toJSON());
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined && typeof v !== 'function') {
        Object.defineProperty(out, key, { value: sortKeys(v), enumerable: true, writable: true });
      }
    }
    return out;
  }
  return value;
}
