// What the consent view shows beyond the call itself: the one-line summary and, for a write
// that replaces a file, that file's current text (the gate runs as the user and may read it),
// so the person sees the change as a diff. Never for a sensitive path, a large or binary file.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { CallDetails } from '../contract/ipc';
import type { PendingCall, ToolDefinition } from '../contract/types';
import { isAbsolutePath, normalizePath, pathKeyParts, type PathEnv } from '../policy/paths';
import { sensitivePathLabel } from '../policy/sensitive';
import { summarizeCall, writeTarget } from '../policy/summary';

/** Larger files are not read for a diff: the popup could not show it usefully anyway. */
export const MAX_DIFF_BYTES = 512 * 1024;

export function callDetails(
  call: PendingCall,
  definition: ToolDefinition | null,
  env: PathEnv,
): CallDetails {
  const path = writeTarget(call.tool, call.arguments);
  const current = path === null ? null : currentFile(path, env);
  const target =
    current === null ? (path === null ? undefined : { exists: false }) : { exists: true };
  const known = path !== null && isAbsolutePath(path, env);
  return {
    id: call.id,
    summary: summarizeCall({
      tool: call.tool,
      definition,
      arguments: call.arguments,
      env,
      // A relative path is resolved by the server, not here: say nothing about what it replaces.
      ...(known ? { target } : {}),
    }),
    current,
    // The edit form's shape; the gate checks an edit against the same pinned schema.
    inputSchema: definition?.inputSchema ?? null,
  };
}

/** The current text of the file a write would replace; null when there is no such file. */
export function currentFile(raw: string, env: PathEnv): CallDetails['current'] {
  if (!isAbsolutePath(raw, env)) return null;
  // pathKeyParts resolves symlinks: a link to ~/.ssh/id_rsa is as sensitive as the key.
  const label = sensitivePathLabel(pathKeyParts(raw, env));
  const path = normalizePath(raw, env);
  if (label) {
    return { path, withheld: `Airlock does not open sensitive files (${label}).` };
  }
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null; // no such file (or not readable): nothing shown, nothing claimed
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { path, withheld: 'It is not a regular file.' };
    if (stat.size > MAX_DIFF_BYTES)
      return { path, withheld: `The file is too large to compare (${stat.size} bytes).` };
    const buffer = Buffer.alloc(stat.size);
    const read = readSync(fd, buffer, 0, stat.size, 0);
    const bytes = buffer.subarray(0, read);
    if (bytes.includes(0)) return { path, withheld: 'The file is not text.' };
    return { path, content: bytes.toString('utf8') };
  } finally {
    closeSync(fd);
  }
}
