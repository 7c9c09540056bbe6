// `airlock hosts secure`: each plain-text secret of a guarded server (an env value, a token in its
// arguments) goes into the OS keychain, and the config keeps a reference in its place that only
// the shim resolves at launch. `--undo` puts every value back where its reference is, byte for
// byte, and deletes the keychain items.
//
// The edit is textual (every occurrence of the secret's source text in the file becomes the
// reference) and then verified by parsing: the file must mean exactly what it meant, with the
// secret replaced only inside the chosen servers. A secret that also appears anywhere else in the
// file refuses the file. Neither the plan's output nor the ledger ever holds a value: the ledger
// records where each reference sits, and the install ledger's copy of the launch is scrubbed too.
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { keychainRefs, refText } from './keychainRef';
import { itemValue, sealItem, type BoundLaunch } from './keychainItem';
import { type SecretStore } from './keychain';
import { readLedger, writeLedger, type KeychainRecord, type Ledger } from './ledger';
import { MASK } from './mask';
import { inScope, keyOf, selectedTargets, type Selection } from './plan';
import { isReference, SECRET_FLAG, SECRET_VALUE, secretsInArgs, secretsInMap } from './posture';
import { entriesOf, getAt, loadConfig, openDocument } from './scan';
import { realTarget, writeAtomic } from './fsWrite';
import type { ConfigFormat, HostsContext, ServerEntry } from './types';

/** One secret of one server: where it sits (`env KEY`, `argument N`) and its value. */
export interface SecretSite {
  site: string;
  value: string;
}

/** One keychain item to write (secure) or to read back and delete (undo). */
export interface SecureItem {
  id: string;
  /** Only in memory, never printed or stored by Airlock. */
  value: string;
  /** How the value is spelled in the file: as is, or JSON-escaped inside a string. */
  encoding: 'plain' | 'json';
  uses: { server: string; location: string[]; site: string }[];
  /** The launches (with references in place) the shim will hand this secret to. */
  launches: BoundLaunch[];
}

export interface SecureFile {
  path: string;
  realPath: string;
  oldText: string;
  newText: string;
  items: SecureItem[];
}

export interface SecureServerNote {
  server: string;
  /** moved: the sites that change; unchanged / skipped: why. */
  action: 'moved' | 'restored' | 'unchanged' | 'skipped';
  detail: string;
}

export interface SecurePlan {
  kind: 'secure' | 'undo';
  files: SecureFile[];
  servers: SecureServerNote[];
  errors: { path: string; message: string }[];
  notFound: string[];
}

const SECRET_VALUE_G = new RegExp(SECRET_VALUE.source, 'g');
const SHELL_FLAG_G =
  /\s--?(?:token|api[-_]?key|apikey|password|passwd|secret|access[-_]?token|auth[-_]?token)[=\s]+([^\s$'"-][^\s'"]*)/gi;

/** The secret substrings of each argument, the same ones `hosts scan` flags. Pure. */
export function argSecrets(args: readonly string[]): { index: number; value: string }[] {
  const out: { index: number; value: string }[] = [];
  args.forEach((a, i) => {
    const found: string[] = [];
    const eq = a.indexOf('=');
    if (a.startsWith('-') && eq > 0 && SECRET_FLAG.test(a.slice(0, eq)))
      found.push(a.slice(eq + 1));
    else if (i > 0 && SECRET_FLAG.test(args[i - 1] ?? '') && !a.startsWith('-')) found.push(a);
    else {
      for (const m of a.matchAll(SECRET_VALUE_G)) found.push(m[2]!);
      for (const m of a.matchAll(/(?:^|\s)Bearer\s+([^\s$"']{8,})/gi)) found.push(m[1]!);
      for (const m of a.matchAll(/:\/\/[^/\s:@]+:([^/\s@$]+)@/g)) found.push(m[1]!);
      for (const m of a.matchAll(SHELL_FLAG_G)) found.push(m[1]!);
    }
    const usable = [...new Set(found)].filter(
      (v) => v.trim() !== '' && !isReference(v) && keychainRefs(v).length === 0,
    );
    // A value inside another one (a key inside a URL's password) goes with the outer one.
    for (const v of usable)
      if (!usable.some((w) => w !== v && w.includes(v))) out.push({ index: i, value: v });
  });
  return out;
}

/** Every plain-text secret of a stdio entry that the shim can stand in for. Pure. */
export function entrySecrets(e: ServerEntry): SecretSite[] {
  const out: SecretSite[] = [];
  for (const k of secretsInMap(e.env)) out.push({ site: `env ${k}`, value: e.env![k]! });
  for (const { index, value } of argSecrets(e.original?.args ?? []))
    out.push({ site: `argument ${index + 1}`, value });
  return out;
}

/** Every string inside `v` with `from` replaced by `to`. */
function deepReplace(v: unknown, from: string, to: string): unknown {
  if (typeof v === 'string') return v.split(from).join(to);
  if (Array.isArray(v)) return v.map((x) => deepReplace(x, from, to));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v))
      Object.defineProperty(out, k, {
        value: deepReplace(x, from, to),
        enumerable: true,
        writable: true,
      });
    return out;
  }
  return v;
}

function setAt(value: unknown, path: readonly string[], v: unknown): void {
  let cur = value as Record<string, unknown>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  Object.defineProperty(cur, path[path.length - 1]!, {
    value: v,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Plain data, whatever the parser's object prototypes: the meaning to compare. */
function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v ?? null)) as unknown;
}

function encode(value: string, encoding: 'plain' | 'json'): string {
  return encoding === 'json' ? JSON.stringify(value).slice(1, -1) : value;
}

/** How the value is written in this file, or undefined when Airlock cannot find it as written. */
function encodingIn(
  text: string,
  value: string,
  format: ConfigFormat,
): 'plain' | 'json' | undefined {
  if (text.includes(value)) return 'plain';
  if (format === 'json' && text.includes(encode(value, 'json'))) return 'json';
  return undefined;
}

function newId(): string {
  return randomBytes(16).toString('hex');
}

function chosenEntries(
  ctx: HostsContext,
  sel: Selection,
): {
  target: ReturnType<typeof selectedTargets>[number];
  text: string;
  entries: ServerEntry[];
  error?: string;
}[] {
  const out = [];
  for (const target of selectedTargets(ctx, sel)) {
    const loaded = loadConfig(target);
    if (!loaded.exists) continue;
    if (loaded.error !== undefined) {
      out.push({
        target,
        text: '',
        entries: [],
        error: `cannot parse ${target.path}: ${loaded.error}`,
      });
      continue;
    }
    const entries = entriesOf(target, loaded.doc).filter(
      (e) => inScope(e, sel) && (sel.servers === 'all' || sel.servers.includes(e.name)),
    );
    out.push({ target, text: loaded.text, entries });
  }
  return out;
}

/** Moves the plain-text secrets of the chosen guarded servers to keychain references (a plan). */
export function planSecure(ctx: HostsContext, sel: Selection, makeId = newId): SecurePlan {
  const out: SecurePlan = { kind: 'secure', files: [], servers: [], errors: [], notFound: [] };
  const seen = new Set<string>();
  for (const { target, text, entries, error } of chosenEntries(ctx, sel)) {
    if (error) {
      out.errors.push({ path: target.path, message: error });
      continue;
    }
    const byValue = new Map<string, SecureItem>();
    const moving: { e: ServerEntry; sites: SecretSite[] }[] = [];
    for (const e of entries) {
      seen.add(e.name);
      const note = (action: SecureServerNote['action'], detail: string) =>
        out.servers.push({ server: e.name, action, detail });
      if (e.source !== undefined) {
        note('skipped', e.note ?? 'read-only');
        continue;
      }
      if (e.transport !== 'stdio') {
        if (secretsInMap(e.headers).length > 0 || secretsInMap(e.env).length > 0)
          note(
            'skipped',
            'remote server: the host itself sends its headers and cannot read the keychain, so they stay in the file',
          );
        else note('unchanged', 'no plain-text secret');
        continue;
      }
      const sites = entrySecrets(e);
      if (sites.length === 0) {
        note('unchanged', 'no plain-text secret');
        continue;
      }
      if (!e.guarded || !e.original) {
        note(
          'skipped',
          'not guarded: only the Airlock shim resolves keychain references; guard it first (airlock hosts install)',
        );
        continue;
      }
      if (sites.some((s) => e.original!.command.includes(s.value))) {
        note('skipped', 'a secret also appears in its command; move it by hand');
        continue;
      }
      const missed = secretsInArgs(e.original.args).filter(
        (w) => w.startsWith('argument ') && !sites.some((s) => s.site === w),
      );
      moving.push({ e, sites });
      for (const s of sites) {
        const item = byValue.get(s.value) ?? {
          id: makeId(),
          value: s.value,
          encoding: 'plain' as const,
          uses: [],
          launches: [],
        };
        item.uses.push({ server: e.name, location: e.location, site: s.site });
        byValue.set(s.value, item);
      }
      note(
        'moved',
        sites.map((s) => s.site).join(', ') +
          (missed.length ? `; left as is (not isolated): ${missed.join(', ')}` : ''),
      );
    }
    if (byValue.size === 0) continue;
    try {
      out.files.push(secureFile(target.path, target.format, text, moving, [...byValue.values()]));
    } catch (err) {
      out.errors.push({ path: target.path, message: (err as Error).message });
      out.servers = out.servers.filter(
        (n) => !(n.action === 'moved' && moving.some((m) => m.e.name === n.server)),
      );
    }
  }
  if (sel.servers !== 'all') out.notFound = sel.servers.filter((s) => !seen.has(s));
  return out;
}

function secureFile(
  path: string,
  format: ConfigFormat,
  oldText: string,
  moving: { e: ServerEntry; sites: SecretSite[] }[],
  items: SecureItem[],
): SecureFile {
  // Longest first: a secret that contains another is replaced whole.
  const ordered = [...items].sort((a, b) => b.value.length - a.value.length);
  let newText = oldText;
  for (const item of ordered) {
    const enc = encodingIn(newText, item.value, format);
    if (!enc)
      throw new Error(
        `a secret of "${item.uses[0]!.server}" (${item.uses[0]!.site}) is written with escapes Airlock cannot replace exactly; move it by hand`,
      );
    item.encoding = enc;
    newText = newText.split(encode(item.value, enc)).join(refText(item.id));
  }
  for (const { e, sites } of moving) {
    // The launch as the shim will get it: the arguments with every secret replaced, like the file.
    let args: unknown = e.original!.args;
    for (const item of ordered) args = deepReplace(args, item.value, refText(item.id));
    for (const item of ordered) {
      const here = sites.filter((s) => s.value === item.value);
      if (here.length === 0) continue;
      item.launches.push({
        command: e.original!.command,
        args: args as string[],
        env: here.filter((s) => s.site.startsWith('env ')).map((s) => s.site.slice(4)),
      });
    }
  }
  const expected = openDocument(format, oldText).value;
  for (const { e } of moving) {
    const entryPath = [...e.location, keyOf(e)];
    let entry = getAt(expected, entryPath);
    for (const item of ordered) entry = deepReplace(entry, item.value, refText(item.id));
    setAt(expected, entryPath, entry);
  }
  if (!isDeepStrictEqual(plain(openDocument(format, newText).value), plain(expected)))
    throw new Error(
      `a secret of ${moving.map((m) => `"${m.e.name}"`).join(', ')} also appears elsewhere in ${path} (another server or setting); secure those together (--all) or edit by hand; file left untouched`,
    );
  return { path, realPath: realTarget(path), oldText, newText, items };
}

/** Puts back the values of the chosen servers' keychain references (a plan; reads the keychain). */
export async function planUnsecure(
  ctx: HostsContext,
  sel: Selection,
  store: SecretStore,
): Promise<SecurePlan> {
  const out: SecurePlan = { kind: 'undo', files: [], servers: [], errors: [], notFound: [] };
  const ledger = readLedger(ctx.dataDir);
  const seen = new Set<string>();
  for (const { target, text, entries, error } of chosenEntries(ctx, sel)) {
    if (error) {
      out.errors.push({ path: target.path, message: error });
      continue;
    }
    const items = new Map<string, SecureItem>();
    const servers: SecureServerNote[] = [];
    let problem: string | undefined;
    for (const e of entries) {
      seen.add(e.name);
      const raw = getAt(openDocument(target.format, text).value, [...e.location, keyOf(e)]);
      const ids = [...new Set(keychainRefs(JSON.stringify(raw ?? null)))];
      if (ids.length === 0) {
        servers.push({ server: e.name, action: 'unchanged', detail: 'no keychain reference' });
        continue;
      }
      for (const id of ids) {
        if (items.has(id)) continue;
        let value: string | null;
        try {
          value = await store.get(id);
        } catch (err) {
          problem = `cannot read the keychain (${(err as Error).message}); unlock it and run again`;
          break;
        }
        if (value === null) {
          problem = `the keychain has no item for reference ${id} of "${e.name}"; nothing was restored in this file`;
          break;
        }
        const rec = ledger.keychain?.[id];
        items.set(id, {
          id,
          value: itemValue(value),
          encoding: rec?.encoding ?? 'plain',
          uses: rec?.uses ?? [{ server: e.name, location: e.location, site: 'reference' }],
          launches: [],
        });
      }
      if (problem) break;
      servers.push({ server: e.name, action: 'restored', detail: `${ids.length} secret(s)` });
    }
    if (problem) {
      out.errors.push({ path: target.path, message: problem });
      continue;
    }
    out.servers.push(...servers);
    if (items.size === 0) continue;
    let newText = text;
    let expected = openDocument(target.format, text).value;
    for (const item of items.values()) {
      newText = newText.split(refText(item.id)).join(encode(item.value, item.encoding));
      expected = deepReplace(expected, refText(item.id), item.value);
    }
    try {
      if (!isDeepStrictEqual(plain(openDocument(target.format, newText).value), plain(expected)))
        throw new Error('the restored file did not verify');
    } catch (err) {
      out.errors.push({
        path: target.path,
        message: `${(err as Error).message}; file left untouched`,
      });
      continue;
    }
    out.files.push({
      path: target.path,
      realPath: realTarget(target.path),
      oldText: text,
      newText,
      items: [...items.values()],
    });
  }
  if (sel.servers !== 'all') out.notFound = sel.servers.filter((s) => !seen.has(s));
  return out;
}

/** The file's text with the plan's secret values masked, for a --dry-run diff. */
export function maskedOld(f: SecureFile): string {
  let t = f.oldText;
  for (const item of [...f.items].sort((a, b) => b.value.length - a.value.length))
    t = t.split(encode(item.value, item.encoding)).join(MASK);
  return t;
}

/** The install ledger's copies of the launch, with the secrets replaced by their references. */
function scrubLedger(ledger: Ledger, f: SecureFile): void {
  for (const [key, entry] of Object.entries(ledger.entries)) {
    if (entry.configPath !== f.realPath) continue;
    let scrubbed: unknown = entry;
    for (const item of f.items) {
      scrubbed = deepReplace(scrubbed, encode(item.value, item.encoding), refText(item.id));
      scrubbed = deepReplace(scrubbed, item.value, refText(item.id));
    }
    ledger.entries[key] = scrubbed as typeof entry;
  }
}

export interface SecureResult {
  written: { path: string; items: number }[];
  errors: { path: string; message: string }[];
  /** Items that could not be deleted after an undo (the file is restored all the same). */
  warnings: string[];
}

/**
 * Secure: each item is written to the keychain and read back before the ledger and then the file
 * change (a file never references an item that is not there); a failure takes the items back.
 * Undo: the file is restored first, then the items and their ledger records go.
 */
export async function applySecure(
  ctx: HostsContext,
  p: SecurePlan,
  store: SecretStore,
  now: Date = new Date(),
): Promise<SecureResult> {
  const result: SecureResult = { written: [], errors: [], warnings: [] };
  for (const f of p.files) {
    const written: string[] = [];
    try {
      if (readFileSync(f.path, 'utf8') !== f.oldText)
        throw new Error(`${f.path} changed since it was read; run the command again`);
      const mode = statSync(f.realPath).mode & 0o7777;
      if (p.kind === 'secure') {
        for (const item of f.items) {
          written.push(item.id);
          const sealed = sealItem(item);
          await store.set(item.id, sealed);
          if ((await store.get(item.id)) !== sealed)
            throw new Error('the keychain did not keep the secret it was given');
        }
        const ledger = readLedger(ctx.dataDir);
        ledger.keychain ??= {};
        for (const item of f.items)
          ledger.keychain[item.id] = {
            configPath: f.realPath,
            uses: item.uses,
            encoding: item.encoding,
            securedAt: now.toISOString(),
          } satisfies KeychainRecord;
        scrubLedger(ledger, f);
        writeLedger(ctx.dataDir, ledger);
        writeAtomic(f.path, f.newText, mode);
      } else {
        writeAtomic(f.path, f.newText, mode);
        const ledger = readLedger(ctx.dataDir);
        for (const item of f.items) delete ledger.keychain?.[item.id];
        writeLedger(ctx.dataDir, ledger);
        for (const item of f.items) {
          try {
            await store.delete(item.id);
          } catch (err) {
            result.warnings.push(
              `keychain item ${item.id} could not be deleted (${(err as Error).message}); delete it by hand`,
            );
          }
        }
      }
      result.written.push({ path: f.path, items: f.items.length });
    } catch (err) {
      result.errors.push({ path: f.path, message: (err as Error).message });
      if (p.kind === 'secure') {
        for (const id of written) await store.delete(id).catch(() => false);
        const ledger = readLedger(ctx.dataDir);
        if (written.some((id) => ledger.keychain?.[id])) {
          for (const id of written) delete ledger.keychain?.[id];
          writeLedger(ctx.dataDir, ledger);
        }
      }
    }
  }
  return result;
}

/** Backups of this file in the data directory, taken before it was secured: they hold the values. */
export function plainBackups(dataDir: string, realPath: string): string[] {
  const dir = join(dataDir, 'backups');
  const flat = realPath
    .replace(/^[A-Za-z]:/, '')
    .replace(/[\\/]+/g, '_')
    .replace(/^_/, '');
  try {
    return readdirSync(dir)
      .filter((n) => n.startsWith(`${flat}.airlock-backup-`))
      .map((n) => join(dir, n));
  } catch {
    return [];
  }
}
