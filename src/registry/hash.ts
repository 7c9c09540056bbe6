import { createHash } from 'node:crypto';
import { canonicalJson } from '../contract/canonicalJson';
import type { ToolDefinition } from '../contract/types';

// Servers may reorder keys between two `tools/list` results; only content changes count.

/** sha256 hex of the canonical JSON of a tool definition. */
export function toolHash(def: ToolDefinition): string {
  return createHash('sha256').update(canonicalJson(def)).digest('hex');
}
