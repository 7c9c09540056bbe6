// One line that says what a call will do, in plain words, before the details: "Write 13.4 KB
// (200 lines) to ~/src/big.ts (replaces an existing file)". Built from the tool's name, its
// schema and the arguments; when none of these says clearly what happens, it says so instead
// of guessing. Pure: what the gate found on disk comes in as `target`.
import type { ToolDefinition } from '../contract/types';
import { linesOf, sizeOf } from '../contract/sizes';
import { preview } from '../contract/visible';
import { displayPath, isAbsolutePath, type PathEnv } from './paths';
import { parseUrl } from './urls';
import { nameVerbs, nameWords } from './verbs';

export { linesOf, sizeOf };

export interface SummaryInput {
  tool: string;
  /** The listed definition (its schema names the arguments); null when never listed. */
  definition: ToolDefinition | null;
  arguments: unknown;
  env: PathEnv;
  /** What the gate found at the path a write targets; absent when it did not look. */
  target?: { exists: boolean } | null;
}

export type SummaryKind =
  'write' | 'edit' | 'move' | 'mkdir' | 'delete' | 'run' | 'fetch' | 'email' | 'read' | 'generic';

export interface CallSummary {
  kind: SummaryKind;
  text: string;
}

type Args = Record<string, unknown>;

const PATH_KEYS = ['path', 'file', 'filename', 'file_path', 'filepath', 'target', 'dest'];
const CONTENT_KEYS = ['content', 'contents', 'text', 'data', 'body', 'file_text'];
const COMMAND_KEYS = ['command', 'cmd', 'commandline', 'command_line', 'script', 'shell'];
const CWD_KEYS = ['cwd', 'workdir', 'working_directory', 'workingdirectory', 'directory', 'dir'];
const URL_KEYS = ['url', 'uri', 'href', 'link', 'endpoint'];
const RECIPIENT_KEYS = ['to', 'cc', 'bcc', 'recipients', 'recipient'];
const SHOWN = 60;

export function summarizeCall(input: SummaryInput): CallSummary {
  const args: Args = isRecord(input.arguments) ? input.arguments : {};
  const words = nameWords(input.tool);
  const verbs = nameVerbs(input.tool);
  // A relative path is resolved by the server, not here: show it as written.
  const path = (raw: string) =>
    preview(isAbsolutePath(raw, input.env) ? displayPath(raw, input.env) : raw, SHOWN);

  const command = firstString(args, COMMAND_KEYS);
  if (command !== null && (verbs.executes.length > 0 || words.length <= 2)) {
    const cwd = firstString(args, CWD_KEYS);
    return {
      kind: 'run',
      text: `Run \`${preview(command, SHOWN)}\`${cwd ? ` in ${path(cwd)}` : ''}`,
    };
  }

  const isEmail = words.some((w) => w === 'email' || w === 'mail' || w === 'gmail');
  if (isEmail && (verbs.outward.length > 0 || words.includes('draft'))) {
    const recipients = RECIPIENT_KEYS.flatMap((k) => addresses(args[k]));
    const what = words.includes('draft') && verbs.outward.length === 0 ? 'Draft' : 'Send';
    const to =
      recipients.length === 0
        ? ''
        : recipients.length === 1
          ? ` to ${preview(recipients[0] as string, SHOWN)}`
          : ` to ${recipients.length} recipients`;
    return { kind: 'email', text: `${what} an email${to}` };
  }

  const target = firstString(args, PATH_KEYS);
  const content = firstString(args, CONTENT_KEYS);
  if (writeTarget(input.tool, args) !== null && target !== null && content !== null) {
    const replaces =
      input.target === undefined || input.target === null
        ? ''
        : input.target.exists
          ? ' (replaces an existing file)'
          : ' (a new file)';
    return {
      kind: 'write',
      text: `Write ${sizeOf(content)} (${linesOf(content)}) to ${path(target)}${replaces}`,
    };
  }
  if (target !== null && Array.isArray(args.edits) && words.includes('edit')) {
    const n = args.edits.length;
    const dry =
      args.dryRun === true || args.dry_run === true ? ' (a preview: nothing is saved)' : '';
    return {
      kind: 'edit',
      text: `Edit ${path(target)}: ${n} ${n === 1 ? 'change' : 'changes'}${dry}`,
    };
  }
  const source = firstString(args, ['source', 'src', 'from', 'old_path', 'oldpath']);
  const destination = firstString(args, ['destination', 'dst', 'dest', 'to', 'new_path']);
  if (source !== null && destination !== null && words.some((w) => MOVES.has(w))) {
    const verb = words.some((w) => w === 'copy' || w === 'cp') ? 'Copy' : 'Move';
    return { kind: 'move', text: `${verb} ${path(source)} to ${path(destination)}` };
  }
  if (target !== null && verbs.destroys.length > 0) {
    return { kind: 'delete', text: `Delete ${path(target)}` };
  }
  const makesFolder =
    words.includes('mkdir') || (words.includes('create') && words.some((w) => FOLDERS.has(w)));
  if (target !== null && makesFolder) {
    return { kind: 'mkdir', text: `Create the folder ${path(target)}` };
  }

  const url = firstUrl(args);
  if (url !== null && verbs.writes.length + verbs.destroys.length + verbs.outward.length === 0) {
    const fact = parseUrl(url);
    const shown = preview(url, SHOWN);
    const host = fact && fact.punycode ? ` (shown as ${fact.unicodeHost})` : '';
    return { kind: 'fetch', text: `Fetch ${shortUrl(shown, fact?.host)}${host}` };
  }

  if (verbs.reads.length > 0 && !hasActingVerb(verbs)) {
    const paths = Array.isArray(args.paths) ? args.paths.filter((p) => typeof p === 'string') : [];
    if (paths.length > 0) return { kind: 'read', text: `Read ${paths.length} files` };
    if (target !== null) {
      const pattern = firstString(args, ['pattern', 'query', 'glob']);
      if (words.includes('search') && pattern !== null)
        return {
          kind: 'read',
          text: `Search ${path(target)} for “${preview(pattern, SHOWN)}”`,
        };
      if (words.some((w) => w === 'info' || w === 'stat' || w === 'metadata'))
        return { kind: 'read', text: `Look up details of ${path(target)}` };
      const listing = words.some((w) => w === 'list' || w === 'tree' || w === 'ls');
      return { kind: 'read', text: `${listing ? 'List' : 'Read'} ${path(target)}` };
    }
  }

  return { kind: 'generic', text: genericText(input, args) };
}

/** The file a call writes whole (path and content arguments and a writing name), or null. */
export function writeTarget(tool: string, args: unknown): string | null {
  if (!isRecord(args)) return null;
  const words = nameWords(tool);
  if (nameVerbs(tool).writes.length === 0 && !words.includes('add')) return null;
  const target = firstString(args, PATH_KEYS);
  return target !== null && firstString(args, CONTENT_KEYS) !== null ? target : null;
}

const MOVES = new Set(['move', 'mv', 'rename', 'copy', 'cp']);
const FOLDERS = new Set(['directory', 'dir', 'folder']);

function hasActingVerb(v: ReturnType<typeof nameVerbs>): boolean {
  return v.writes.length + v.destroys.length + v.executes.length + v.outward.length > 0;
}

/** The honest fallback: the tool's own name and which arguments it gets, nothing guessed. */
function genericText(input: SummaryInput, args: Args): string {
  const keys = Object.keys(args);
  const name = preview(input.tool, 40);
  const given =
    keys.length === 0
      ? 'with no arguments'
      : `with ${keys
          .slice(0, 4)
          .map((k) => preview(k, 20))
          .join(', ')}${keys.length > 4 ? ` and ${keys.length - 4} more` : ''}`;
  const a = input.definition?.annotations;
  const claim =
    a?.readOnlyHint === true
      ? '; the server says it only reads'
      : '; Airlock cannot tell from its name what it changes';
  return `Call ${name} ${given}${claim}`;
}

function isRecord(v: unknown): v is Args {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first string argument under one of these keys, compared without case or separators. */
function firstString(args: Args, keys: string[]): string | null {
  const wanted = new Set(keys.map(squash));
  for (const [k, v] of Object.entries(args)) {
    if (typeof v === 'string' && v !== '' && wanted.has(squash(k))) return v;
  }
  return null;
}

function squash(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

function firstUrl(args: Args): string | null {
  const byKey = firstString(args, URL_KEYS);
  if (byKey !== null) return byKey;
  for (const v of Object.values(args)) {
    if (typeof v === 'string' && /^https?:\/\/\S+$/i.test(v)) return v;
  }
  return null;
}

/** A URL cut after its host when it is long: "https://xn--pple-43d.com/…". */
function shortUrl(shown: string, host: string | undefined): string {
  if (!host || shown.length <= 40) return shown;
  const at = shown.indexOf(host);
  if (at < 0) return shown;
  const end = at + host.length;
  return end < shown.length ? `${shown.slice(0, end)}/…` : shown;
}

function addresses(v: unknown): string[] {
  const list = Array.isArray(v) ? v : [v];
  return list
    .filter((x): x is string => typeof x === 'string')
    .flatMap((s) => s.split(/[,;]/))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
