import { createHash } from 'node:crypto';
import type { ToolDefinition } from '../contract/types';

// Servers may reorder keys between two `tools/list` results; only content changes count.

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

/** sha256 hex of the canonical JSON of a tool definition. */
export function toolHash(def: ToolDefinition): string {
  return createHash('sha256').update(canonicalJson(def)).digest('hex');
}
