// Single consent for hosts whose allow setting lives beside the servers in the same JSON file but
// outside the server entry, one item per tool:
//   Zed    agent.tool_permissions.tools["mcp:<server>:<tool>"].default = "allow"
//          (docs/src/ai/tool-permissions.md in zed-industries/zed; Zed 0.224 and later)
//   Crush  permissions.allowed_tools += "mcp_<server>_<tool>"
//          (internal/permission/permission.go and internal/agent/tools/mcp-tools.go in
//          charmbracelet/crush: an MCP tool asks under the name mcp_<server>_<tool>)
//   Amazon Q allowedTools += "@<server>" in the agent file that defines the server
//          (docs/agent-format.md in aws/amazon-q-developer-cli: "@server_name" allows all its
//          tools); the legacy mcp.json has no such field
// Every edit is one jsonc-parser modification; undo removes exactly what was added, puts back a
// value Airlock replaced as its old source text, and drops the containers Airlock created once
// nothing but empty ones is left in them, so the file ends byte-identical to before.
import { applyEdits, findNodeAtLocation, modify, parseTree } from 'jsonc-parser';
import { openJson } from './jsonDoc';
import { getAt } from './scan';
import type { HostId } from './types';

export interface FileConsentItem {
  /** Object key path set to "allow" (Zed), or the array the element goes into (Crush). */
  path: string[];
  /** Set for an array element (Crush's allowed_tools). */
  element?: string;
  /** The value's source text before Airlock replaced it (a user's own `"default": "confirm"`). */
  prior?: string;
  /**
   * The source text of the top-level block holding the item ("agent", "permissions") before and
   * right after this item went in. jsonc-parser lays out the lines around an edit again, so undo
   * puts `before` back whenever the block still reads `after`; only otherwise does it remove the
   * item structurally.
   */
  block?: { before: string; after: string };
}

/** Where each host's allow items live in the file (what the edit may touch). */
export const FILE_CONSENT_AREA: Partial<Record<HostId, string[]>> = {
  zed: ['agent', 'tool_permissions', 'tools'],
  crush: ['permissions', 'allowed_tools'],
  'amazon-q': ['allowedTools'],
};

/** Hosts whose allow item covers every tool of a server at once (no tool names needed). */
export function wholeServerConsent(host: HostId): boolean {
  return host === 'amazon-q';
}

export const ZED_ALLOW = 'allow';

/** The allow items single consent writes for these tools of a server. */
export function fileConsentItems(
  host: HostId,
  server: string,
  tools: readonly string[],
): FileConsentItem[] {
  const sorted = [...tools].sort();
  if (host === 'zed')
    return sorted.map((t) => ({
      path: ['agent', 'tool_permissions', 'tools', `mcp:${server}:${t}`, 'default'],
    }));
  if (host === 'crush')
    return sorted.map((t) => ({
      path: ['permissions', 'allowed_tools'],
      element: `mcp_${server}_${t}`,
    }));
  if (host === 'amazon-q') return [{ path: ['allowedTools'], element: `@${server}` }];
  return [];
}

/** Does the file auto-approve any tool of this server (scan grades F when it is unguarded)? */
export function fileAutoApproved(host: HostId, file: unknown, server: string): boolean {
  if (host === 'zed') {
    const tools = getAt(file, ['agent', 'tool_permissions', 'tools']);
    if (typeof tools !== 'object' || tools === null) return false;
    return Object.entries(tools).some(
      ([k, v]) =>
        k.startsWith(`mcp:${server}:`) &&
        typeof v === 'object' &&
        v !== null &&
        (v as Record<string, unknown>).default === ZED_ALLOW,
    );
  }
  if (host === 'amazon-q') {
    const allowed = getAt(file, ['allowedTools']);
    return (
      Array.isArray(allowed) &&
      allowed.some(
        (x) => x === `@${server}` || (typeof x === 'string' && x.startsWith(`@${server}/`)),
      )
    );
  }
  if (host === 'crush') {
    const allowed = getAt(file, ['permissions', 'allowed_tools']);
    return (
      Array.isArray(allowed) &&
      allowed.some((x) => typeof x === 'string' && x.startsWith(`mcp_${server}_`))
    );
  }
  return false;
}

function formatting(text: string): { insertSpaces: boolean; tabSize: number; eol: string } {
  const m = /\n([ \t]+)\S/.exec(text);
  const indent = m?.[1] ?? '  ';
  return {
    insertSpaces: !indent.startsWith('\t'),
    tabSize: indent.startsWith('\t') ? 1 : indent.length,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
  };
}

function valueOf(text: string): unknown {
  return openJson(text).value;
}

function spanOf(text: string, path: string[]): { start: number; end: number } | undefined {
  const root = parseTree(text, [], { allowTrailingComma: true });
  const node = root && findNodeAtLocation(root, path);
  return node && { start: node.offset, end: node.offset + node.length };
}

function sourceOf(text: string, path: string[]): string | undefined {
  const span = spanOf(text, path);
  return span && text.slice(span.start, span.end);
}

function set(text: string, path: (string | number)[], value: unknown, insert = false): string {
  return applyEdits(
    text,
    modify(text, path, value, {
      formattingOptions: formatting(text),
      ...(insert ? { isArrayInsertion: true } : {}),
    }),
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The shallowest missing prefix of `path` (what one insertion creates), if any is missing. */
function firstMissing(value: unknown, path: string[]): string[] | undefined {
  for (let i = 1; i <= path.length; i++) {
    const at = getAt(value, path.slice(0, i));
    if (at === undefined) return path.slice(0, i);
    if (i < path.length && !isObject(at))
      throw new Error(`${path.slice(0, i).join('.')} is not an object`);
  }
  return undefined;
}

/**
 * Adds the items not already there. Returns the new text, the items added (with any replaced
 * value's old text) and the containers this created (objects or arrays that did not exist).
 */
export function addFileConsent(
  text: string,
  items: readonly FileConsentItem[],
): { text: string; added: FileConsentItem[]; created: string[][] } {
  const added: FileConsentItem[] = [];
  const created: string[][] = [];
  for (const item of items) {
    const value = valueOf(text);
    const blockPath = item.path.slice(0, 1);
    const blockBefore = sourceOf(text, blockPath);
    let next: string;
    let done: FileConsentItem = item;
    if (item.element !== undefined) {
      const arr = getAt(value, item.path);
      if (Array.isArray(arr) && arr.includes(item.element)) continue;
      if (arr !== undefined && !Array.isArray(arr))
        throw new Error(`${item.path.join('.')} is not a list`);
      const missing = firstMissing(value, item.path);
      if (missing) created.push(missing);
      next =
        arr === undefined
          ? set(text, item.path, [item.element])
          : set(text, [...item.path, -1] as (string | number)[], item.element, true);
    } else {
      const now = getAt(value, item.path);
      if (now === ZED_ALLOW) continue;
      const missing = firstMissing(value, item.path.slice(0, -1));
      if (missing) created.push(missing);
      const prior = now !== undefined ? sourceOf(text, item.path) : undefined;
      if (prior !== undefined) done = { ...item, prior };
      next = set(text, item.path, ZED_ALLOW);
    }
    const blockAfter = sourceOf(next, blockPath);
    if (blockBefore !== undefined && blockAfter !== undefined)
      done = { ...done, block: { before: blockBefore, after: blockAfter } };
    text = next;
    added.push(done);
  }
  return { text, added, created };
}

/** Only empty objects and lists inside: a container Airlock made and nobody else filled. */
function hollow(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0;
  return isObject(v) && Object.values(v).every(hollow);
}

/**
 * Takes the items back (newest first) and then each container Airlock created that is left hollow.
 * Returns the new text and the containers still standing (other servers' items keep them).
 */
export function removeFileConsent(
  text: string,
  added: readonly FileConsentItem[],
  created: readonly string[][],
): { text: string; created: string[][] } {
  for (const item of [...added].reverse()) {
    const block = spanOf(text, item.path.slice(0, 1));
    if (block && item.block && item.block.after === text.slice(block.start, block.end)) {
      text = text.slice(0, block.start) + item.block.before + text.slice(block.end);
      continue;
    }
    const value = valueOf(text);
    if (item.element !== undefined) {
      const arr = getAt(value, item.path);
      const i = Array.isArray(arr) ? arr.lastIndexOf(item.element) : -1;
      if (i >= 0) text = set(text, [...item.path, i], undefined);
      continue;
    }
    if (getAt(value, item.path) === undefined) continue;
    if (item.prior !== undefined) {
      const root = parseTree(text, [], { allowTrailingComma: true });
      const node = root && findNodeAtLocation(root, item.path);
      if (node)
        text = text.slice(0, node.offset) + item.prior + text.slice(node.offset + node.length);
    } else text = set(text, item.path, undefined);
  }
  const left: string[][] = [];
  for (const c of [...created].sort((a, b) => b.length - a.length)) {
    const v = getAt(valueOf(text), c);
    if (v === undefined) continue;
    if (hollow(v)) text = set(text, c, undefined);
    else left.push(c);
  }
  return { text, created: left };
}
