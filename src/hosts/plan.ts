// Install and uninstall as a plan (old text, new text, per-server changes) that can be shown as a
// diff, then applied: backup, atomic write, ledger. Every edit is verified by re-parsing the new
// text and checking it differs from the old one only in the fields Airlock meant to change.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { applyEdits, modify } from 'jsonc-parser';
import { readClaudeLists, wrapVerdict } from './allowlists';
import {
  FILE_CONSENT_AREA,
  addFileConsent,
  fileConsentItems,
  removeFileConsent,
  wholeServerConsent,
} from './fileConsent';
import {
  CONSENT,
  consentSummary,
  claudeRule,
  claudeSettingsFor,
  entryAutoApproved,
  entryConsentValue,
} from './consent';
import { CODEX_STARTUP_KEY } from './startup';
import { launchPaths, launchValues } from './entry';
import { openJson } from './jsonDoc';
import { backupFile, realTarget, writeAtomic } from './fsWrite';
import { ledgerKey, readLedger, writeLedger, type LedgerEntry } from './ledger';
import { allTargets, type ConfigTarget } from './paths';
import { entriesOf, getAt, loadConfig, openDocument } from './scan';
import type { ConfigDocument } from './document';
import type { ConfigFormat, HostId, HostsContext, LaunchShape, ServerEntry } from './types';
import { wrapLaunch } from './wrap';

export interface Selection {
  host: HostId;
  /** Server names, or every server of the host in the chosen scope. */
  servers: 'all' | string[];
  /** Project directories; without any, only user-level (non-project) servers are chosen. */
  projects?: string[];
  /**
   * true: also write the host's own allow entry for each guarded server, so only Airlock asks.
   * false (install only): take back the allow entries Airlock wrote and keep the wraps.
   * Absent: leave allow entries as they are.
   */
  singleConsent?: boolean;
  /** Raise the host's startup budget (Codex startup_timeout_sec) to at least this, with the wrap. */
  startupTimeoutSec?: number;
}

/**
 * `consent`: only the host's allow entry was written (the wrap was already there);
 * `consent-off`: only the allow entry Airlock wrote was taken back (the wrap stays).
 */
export type ChangeAction =
  'wrap' | 'rewrap' | 'unwrap' | 'consent' | 'consent-off' | 'unchanged' | 'skipped';

export interface ServerChange {
  host: HostId;
  server: string;
  configPath: string;
  location: string[];
  project?: string;
  action: ChangeAction;
  /** Why skipped / unchanged, or how an uninstall restored ("exact" or "structural"). */
  detail?: string;
  before?: { command: string; args: string[] };
  after?: { command: string; args: string[] };
  /** The host allow entry written with the wrap (single consent), as shown to the user. */
  consent?: string;
  /** The startup budget raised with the wrap, as shown to the user. */
  startup?: string;
}

export interface FilePlan {
  path: string;
  oldText: string;
  newText: string;
  changes: ServerChange[];
  ledgerSet: Record<string, LedgerEntry>;
  ledgerDelete: string[];
  /** The file does not exist yet (oldText ''): write it new. */
  create?: boolean;
  /** Airlock created this file and takes it back: delete it. */
  remove?: boolean;
}

export interface Plan {
  kind: 'install' | 'uninstall';
  host: HostId;
  /** Files that change. */
  files: FilePlan[];
  /** Servers chosen but left as they are (already done, or cannot be guarded). */
  unchanged: ServerChange[];
  /** Files refused (unreadable, unparsable, or an edit that did not verify); nothing is written to them. */
  errors: { path: string; message: string }[];
  /** Requested server names found in no config of this host. */
  notFound: string[];
}

export function selectedTargets(ctx: HostsContext, sel: Selection): ConfigTarget[] {
  const projects = (sel.projects ?? []).map((p) => resolve(p));
  // Read-only sources (plugins, managed files, extensions) are never rewritten.
  return allTargets(ctx.env, ctx.platform, projects, {
    ...(ctx.systemRoot !== undefined ? { systemRoot: ctx.systemRoot } : {}),
  }).filter((t) => t.host === sel.host && t.readOnly === undefined);
}

export function inScope(e: ServerEntry, sel: Selection): boolean {
  const projects = (sel.projects ?? []).map((p) => resolve(p));
  if (projects.length === 0) return e.project === undefined;
  return e.project !== undefined && projects.includes(resolve(e.project));
}

function setAt(value: unknown, path: readonly string[], v: unknown): void {
  let cur = value as Record<string, unknown>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  const last = path[path.length - 1]!;
  if (v === undefined) delete cur[last];
  else
    Object.defineProperty(cur, last, {
      value: v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
}

/** Throws unless `newText` means `oldText` with only this server's command/args changed. */
function verifyEdit(
  format: ConfigFormat,
  oldText: string,
  newText: string,
  entryPath: string[],
  shape: LaunchShape,
  command: string,
  args: string[] | null,
  ...extras: ({ key: string; value: unknown } | undefined)[]
): void {
  const expected = openDocument(format, oldText).value;
  for (const [rel, v] of launchValues(shape, command, args))
    setAt(expected, [...entryPath, ...rel], v);
  for (const x of extras) if (x) setAt(expected, [...entryPath, x.key], x.value);
  const actual = openDocument(format, newText).value;
  if (!isDeepStrictEqual(normalise(actual), normalise(expected)))
    throw new Error(
      `the edit of "${entryPath[entryPath.length - 1]}" did not verify; file left untouched`,
    );
}

/** Key order is not meaning: compare objects key-sorted. */
function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort())
      Object.defineProperty(out, k, {
        value: normalise((v as Record<string, unknown>)[k]),
        enumerable: true,
      });
    return out;
  }
  return v;
}

/** The entry's key in its container: its name, or its position in a list. */
export function keyOf(e: ServerEntry): string {
  return e.key ?? e.name;
}

function spanText(doc: ConfigDocument, e: ServerEntry): string | undefined {
  const span = doc.launchSpan(e.location, keyOf(e), e.shape ?? 'flat');
  return span && doc.text.slice(span.start, span.end);
}

function changeOf(
  e: ServerEntry,
  action: ChangeAction,
  extra: Partial<ServerChange> = {},
): ServerChange {
  return {
    host: e.host,
    server: e.name,
    configPath: e.configPath,
    location: e.location,
    ...(e.project !== undefined ? { project: e.project } : {}),
    action,
    ...extra,
  };
}

function plan(ctx: HostsContext, sel: Selection, kind: 'install' | 'uninstall'): Plan {
  const out: Plan = { kind, host: sel.host, files: [], unchanged: [], errors: [], notFound: [] };
  const ledger = readLedger(ctx.dataDir);
  const seen = new Set<string>();
  // Claude Code servers whose allow rule (in a settings file of its own) follows the wrap.
  const claudeConsent: ServerEntry[] = [];
  for (const target of selectedTargets(ctx, sel)) {
    const loaded = loadConfig(target);
    if (!loaded.exists) continue;
    const chosen = (doc: ConfigDocument): ServerEntry[] =>
      entriesOf(target, doc).filter(
        (e) => inScope(e, sel) && (sel.servers === 'all' || sel.servers.includes(e.name)),
      );
    if (loaded.error !== undefined) {
      // Only refuse loudly when the user could have meant this file.
      out.errors.push({
        path: target.path,
        message: `cannot parse ${target.path}: ${loaded.error}`,
      });
      continue;
    }
    const file: FilePlan = {
      path: target.path,
      oldText: loaded.text,
      newText: loaded.text,
      changes: [],
      ledgerSet: {},
      ledgerDelete: [],
    };
    // Zed / Crush allow items for these servers, edited after the wraps in the same file.
    const fileAdd: { e: ServerEntry; change: ServerChange }[] = [];
    const fileDrop: ServerEntry[] = [];
    try {
      for (const first of chosen(loaded.doc)) {
        seen.add(first.name);
        // Re-read the entry from the current text: earlier edits in this file moved offsets.
        const doc = openDocument(target.format, file.newText);
        const e = chosen(doc).find(
          (x) => x.name === first.name && isDeepStrictEqual(x.location, first.location),
        )!;
        const change =
          kind === 'uninstall'
            ? planUnwrap(target, doc, e, ledger.entries, file)
            : sel.singleConsent === false && e.guarded
              ? planConsentOff(target, doc, e, ledger.entries, file)
              : planWrap(ctx, sel, target, doc, e, ledger.entries, file);
        if (change.action === 'unchanged' || change.action === 'skipped')
          out.unchanged.push(change);
        else file.changes.push(change);
        const guardedNow =
          change.action === 'wrap' ||
          change.action === 'rewrap' ||
          (change.action === 'unchanged' && e.guarded);
        if (
          CONSENT[sel.host]?.kind === 'claude-settings' &&
          (kind === 'uninstall' || sel.singleConsent === false || (sel.singleConsent && guardedNow))
        )
          claudeConsent.push(e);
        if (CONSENT[sel.host]?.kind === 'file') {
          if (kind === 'uninstall' ? change.action === 'unwrap' : change.action === 'consent-off')
            fileDrop.push(e);
          else if (kind === 'install' && sel.singleConsent && guardedNow)
            fileAdd.push({ e, change });
        }
      }
      if (fileAdd.length > 0 || fileDrop.length > 0)
        planFileConsent(ctx, sel, kind, target, file, fileAdd, fileDrop, ledger.entries, out);
    } catch (err) {
      out.errors.push({ path: target.path, message: (err as Error).message });
      continue;
    }
    if (
      file.newText !== file.oldText ||
      Object.keys(file.ledgerSet).length > 0 ||
      file.ledgerDelete.length > 0
    )
      out.files.push(file);
  }
  if (claudeConsent.length > 0)
    planClaudeConsent(
      ctx,
      sel.singleConsent === false ? 'uninstall' : kind,
      claudeConsent,
      ledger.entries,
      out,
    );
  if (sel.servers !== 'all') out.notFound = sel.servers.filter((s) => !seen.has(s));
  return out;
}

/** The JSON edit that sets (or, with undefined, removes) one key of a server entry. */
function setEntryKey(text: string, entryPath: string[], key: string, value: unknown): string {
  const edits = modify(text, [...entryPath, key], value, {
    formattingOptions: detectFormatting(text),
  });
  return applyEdits(text, edits);
}

function detectFormatting(text: string): { insertSpaces: boolean; tabSize: number; eol: string } {
  const m = /\n([ \t]+)\S/.exec(text);
  const indent = m?.[1] ?? '  ';
  return {
    insertSpaces: !indent.startsWith('\t'),
    tabSize: indent.startsWith('\t') ? 1 : indent.length,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
  };
}

interface ConsentEdit {
  key: string;
  value: unknown;
}

/** The allow entry single consent writes on this entry, or why not (undefined: not asked). */
function consentFor(
  ctx: HostsContext,
  sel: Selection,
  target: ConfigTarget,
  e: ServerEntry,
): { edit: ConsentEdit } | { reason: string } | undefined {
  if (!sel.singleConsent) return undefined;
  const c = CONSENT[sel.host];
  if (!c || c.kind !== 'entry') return undefined;
  if (target.format === 'yaml') return { reason: 'allow entries are not written in YAML files' };
  const v = entryConsentValue(c, ctx.toolNames?.(sel.host, e.name));
  if ('reason' in v) return v;
  return { edit: { key: c.key, value: v.value } };
}

function planWrap(
  ctx: HostsContext,
  sel: Selection,
  target: ConfigTarget,
  doc: ConfigDocument,
  e: ServerEntry,
  ledger: Record<string, LedgerEntry>,
  file: FilePlan,
): ServerChange {
  if (!e.guardable || !e.original || e.command === undefined || e.args === undefined)
    return changeOf(e, 'skipped', { detail: e.note ?? 'cannot be guarded' });
  const desired = wrapLaunch(e.original, {
    server: e.name,
    host: sel.host,
    launcher: ctx.shimLauncher,
    dataDir: ctx.dataDir,
  });
  if (sel.host === 'claude-code') {
    const verdict = wrapVerdict(
      readClaudeLists(ctx.env, ctx.platform, ctx.systemRoot),
      e.name,
      [e.original.command, ...e.original.args],
      [desired.command, ...desired.args],
    );
    if (verdict.refuse) return changeOf(e, 'skipped', { detail: `refused: ${verdict.refuse}` });
    if (verdict.blocked)
      return changeOf(e, 'skipped', { detail: `not wrapped: ${verdict.blocked}` });
  }
  const shape = e.shape ?? 'flat';
  const entryPath = [...e.location, keyOf(e)];
  const consent = consentFor(ctx, sel, target, e);
  const consentEdit = consent && 'edit' in consent ? consent.edit : undefined;
  const consentNote =
    consent && 'reason' in consent ? `allow entry not written: ${consent.reason}` : undefined;
  const budget =
    sel.startupTimeoutSec !== undefined &&
    e.startup?.raisable &&
    e.startup.seconds < sel.startupTimeoutSec &&
    target.format === 'toml'
      ? { key: CODEX_STARTUP_KEY, value: sel.startupTimeoutSec }
      : undefined;
  const launchSame = e.command === desired.command && isDeepStrictEqual(e.args, desired.args);
  const launchDone = launchSame && !budget;
  const consentDone =
    !consentEdit ||
    isDeepStrictEqual(getAt(doc.value, [...entryPath, consentEdit.key]), consentEdit.value);
  if (launchDone && consentDone)
    return changeOf(e, 'unchanged', {
      detail: consentNote ? `already guarded; ${consentNote}` : 'already guarded',
    });
  const before = spanText(doc, e);
  let newText = doc.text;
  if (!launchSame) {
    // Only the head of args changes: the original arguments after `--` keep their own formatting.
    const insert = desired.args.slice(
      0,
      desired.args.length - e.original.args.length - (e.guarded ? 1 : 0),
    );
    const remove = e.guarded ? e.args.length - e.original.args.length - 1 : 0;
    newText = doc.withLaunch(e.location, keyOf(e), shape, desired.command, desired.args, {
      remove,
      insert,
    });
  }
  if (budget) {
    const withBudget = openDocument(target.format, newText);
    if (!withBudget.withNumber) throw new Error('this file cannot hold a startup budget');
    newText = withBudget.withNumber(e.location, keyOf(e), budget.key, budget.value);
  }
  if (consentEdit && !consentDone) {
    if (target.format === 'toml') {
      const withConsent = openDocument(target.format, newText);
      if (!withConsent.withScalar || typeof consentEdit.value !== 'string')
        throw new Error('this file cannot hold the allow entry');
      newText = withConsent.withScalar(e.location, keyOf(e), consentEdit.key, consentEdit.value);
    } else newText = setEntryKey(newText, entryPath, consentEdit.key, consentEdit.value);
  }
  verifyEdit(
    target.format,
    doc.text,
    newText,
    entryPath,
    shape,
    desired.command,
    desired.args,
    consentEdit,
    budget,
  );
  const after = spanText(openDocument(target.format, newText), e);
  if (before === undefined || after === undefined)
    throw new Error(`cannot locate "${e.name}" in ${target.path}`);
  const key = ledgerKey(realTarget(target.path), e.location, e.name);
  const prior = ledger[key];
  const argsPath = launchPaths(shape).args;
  const argsWasAbsent =
    argsPath !== null && getAt(doc.value, [...entryPath, ...argsPath]) === undefined;
  const base: LedgerEntry =
    e.guarded && prior && prior.wrappedText === before
      ? { ...prior, wrappedText: after }
      : e.guarded
        ? {
            configPath: realTarget(target.path),
            location: e.location,
            server: e.name,
            originalText: '',
            wrappedText: after,
            originalCommand: e.original.command,
            originalArgs: e.original.args,
            argsWasAbsent: false,
            installedAt: new Date().toISOString(),
          }
        : {
            configPath: realTarget(target.path),
            location: e.location,
            server: e.name,
            originalText: before,
            wrappedText: after,
            originalCommand: e.command,
            originalArgs: e.args,
            argsWasAbsent,
            installedAt: new Date().toISOString(),
          };
  // What the allow key held before Airlock's first allow entry, so turning it off restores it exactly.
  const priorSpan = doc.valueSpan?.(e.location, keyOf(e), consentEdit?.key ?? '');
  const consentPrior =
    base.consent === true
      ? base.consentPrior
      : priorSpan && doc.text.slice(priorSpan.start, priorSpan.end);
  const writtenSpan =
    consentEdit &&
    openDocument(target.format, newText).valueSpan?.(e.location, keyOf(e), consentEdit.key);
  file.ledgerSet[key] =
    consentEdit && !consentDone
      ? {
          ...base,
          consent: true,
          ...(consentPrior !== undefined ? { consentPrior } : {}),
          ...(writtenSpan
            ? { consentText: newText.slice(writtenSpan.start, writtenSpan.end) }
            : {}),
        }
      : base;
  file.newText = newText;
  const action: ChangeAction = launchSame && !budget ? 'consent' : e.guarded ? 'rewrap' : 'wrap';
  return changeOf(e, action, {
    before: { command: e.command, args: e.args },
    after: desired,
    ...(consentEdit && !consentDone
      ? { consent: `${consentEdit.key}: ${JSON.stringify(consentEdit.value)}` }
      : {}),
    ...(consentNote ? { detail: consentNote } : {}),
    ...(budget ? { startup: `${budget.key} = ${budget.value}` } : {}),
  });
}

function planUnwrap(
  target: ConfigTarget,
  doc: ConfigDocument,
  e: ServerEntry,
  ledger: Record<string, LedgerEntry>,
  file: FilePlan,
): ServerChange {
  if (!e.guarded || !e.original || e.command === undefined || e.args === undefined)
    return changeOf(e, e.guardable ? 'unchanged' : 'skipped', {
      detail: e.guardable ? 'not guarded' : e.note,
    });
  const shape = e.shape ?? 'flat';
  const entryPath = [...e.location, keyOf(e)];
  const key = ledgerKey(realTarget(target.path), e.location, e.name);
  const prior = ledger[key];
  const span = doc.launchSpan(e.location, keyOf(e), shape);
  const current = span && doc.text.slice(span.start, span.end);
  const restoreArgs = prior?.argsWasAbsent && e.original.args.length === 0 ? null : e.original.args;
  const consent = CONSENT[e.host];
  // The allow entry Airlock wrote goes with the wrap: never leave a server unguarded AND
  // auto-approved. Without a ledger nobody knows who wrote it; scan then grades it F.
  const dropConsent =
    prior?.consent === true && consent?.kind === 'entry'
      ? { key: consent.key, value: undefined }
      : undefined;
  let newText: string | undefined;
  let detail = 'exact';
  if (span && prior && prior.originalText !== '' && prior.wrappedText === current) {
    const candidate = doc.replaceSpan(span, prior.originalText);
    try {
      // The keys that travel in the launch span come back as they were before the install.
      const restored = openDocument(target.format, candidate).value;
      const back = (k: string) => ({ key: k, value: getAt(restored, [...entryPath, k]) });
      verifyEdit(
        target.format,
        doc.text,
        candidate,
        entryPath,
        shape,
        e.original.command,
        restoreArgs,
        consent?.kind === 'entry' ? back(consent.key) : undefined,
        e.host === 'codex' ? back(CODEX_STARTUP_KEY) : undefined,
      );
      newText = candidate;
    } catch {
      newText = undefined;
    }
  }
  if (newText === undefined) {
    // The ledger is missing or the entry was edited since: rebuild command/args from the wrap itself.
    detail = 'structural';
    newText = doc.withLaunch(e.location, keyOf(e), shape, e.original.command, restoreArgs, {
      remove: e.args.length - e.original.args.length,
      insert: [],
    });
    if (dropConsent) {
      const d = openDocument(target.format, newText);
      newText = restoreConsent(d, e, dropConsent.key, prior?.consentPrior);
    }
    verifyEdit(
      target.format,
      doc.text,
      newText,
      entryPath,
      shape,
      e.original.command,
      restoreArgs,
      dropConsent && {
        key: dropConsent.key,
        value: getAt(openDocument(target.format, newText).value, [...entryPath, dropConsent.key]),
      },
    );
  }
  file.newText = newText;
  file.ledgerDelete.push(key);
  return changeOf(e, 'unwrap', {
    detail,
    before: { command: e.command, args: e.args },
    after: e.original,
  });
}

/** The file with Zed's tool_permissions.tools / Crush's allowed_tools taken out, for verifying. */
function outsideFileConsent(host: HostId, text: string): unknown {
  const v = openJson(text).value;
  const area = FILE_CONSENT_AREA[host] ?? [];
  // Drop the area, then each ancestor left empty (Airlock may have created them for it).
  for (let i = area.length; i > 0; i--) {
    const holder = getAt(v, area.slice(0, i - 1));
    if (!holder || typeof holder !== 'object') break;
    const key = area[i - 1]!;
    const child = (holder as Record<string, unknown>)[key];
    const empty = typeof child === 'object' && child !== null && Object.keys(child).length === 0;
    if (i !== area.length && !empty) break;
    delete (holder as Record<string, unknown>)[key];
  }
  return normalise(v);
}

/**
 * Zed and Crush keep their allow setting beside the servers in the same file: add (install with
 * single consent) or take back (uninstall, single consent off) each server's items, and keep the
 * containers Airlock created in a file-level ledger record so the last removal drops them.
 */
function planFileConsent(
  ctx: HostsContext,
  sel: Selection,
  kind: 'install' | 'uninstall',
  target: ConfigTarget,
  file: FilePlan,
  add: { e: ServerEntry; change: ServerChange }[],
  drop: ServerEntry[],
  ledger: Record<string, LedgerEntry>,
  out: Plan,
): void {
  const real = realTarget(target.path);
  const fkey = ledgerKey(real, ['$file-consent'], '');
  const fprior = file.ledgerSet[fkey] ?? ledger[fkey];
  let containers = fprior?.containers ?? [];
  const before = file.newText;
  let text = before;
  for (const e of drop) {
    const key = ledgerKey(real, e.location, e.name);
    const rec = ledger[key];
    if (!rec?.fileConsent?.length) continue;
    const r = removeFileConsent(text, rec.fileConsent, containers);
    text = r.text;
    containers = r.created;
    if (kind === 'install') {
      const { consent: _c, fileConsent: _f, ...rest } = file.ledgerSet[key] ?? rec;
      file.ledgerSet[key] = rest;
    }
  }
  for (const { e, change } of add) {
    const whole = wholeServerConsent(sel.host);
    const tools = whole ? [] : ctx.toolNames?.(sel.host, e.name);
    const key = ledgerKey(real, e.location, e.name);
    const rec = file.ledgerSet[key] ?? ledger[key];
    const why =
      sel.host === 'amazon-q' && !['cli-agents', 'agents'].includes(basename(dirname(real)))
        ? 'the legacy mcp.json has no allowedTools; move the server into an agent file to use single consent'
        : !whole && !tools?.length
          ? 'its tool names are not known yet: start the host once so Airlock sees the server, then install --single-consent again'
          : !rec
            ? 'Airlock has no record of guarding it here: unguard and guard it again'
            : undefined;
    if (why) {
      change.detail = `allow entry not written: ${why}`;
      continue;
    }
    const r = addFileConsent(text, fileConsentItems(sel.host, e.name, tools!));
    if (r.added.length === 0) continue;
    text = r.text;
    containers = [...containers, ...r.created];
    file.ledgerSet[key] = {
      ...rec!,
      consent: true,
      fileConsent: [...(rec!.fileConsent ?? []), ...r.added],
    };
    change.consent = consentSummary(sel.host).replace(/^writes /, '');
    if (change.action === 'unchanged') {
      // The wrap was there already: this run only writes the allow items.
      out.unchanged = out.unchanged.filter((u) => u !== change);
      change.action = 'consent';
      change.detail = undefined;
      file.changes.push(change);
    }
  }
  if (text === before) return;
  if (!isDeepStrictEqual(outsideFileConsent(sel.host, before), outsideFileConsent(sel.host, text)))
    throw new Error('the allow entries did not verify; file left untouched');
  file.newText = text;
  if (containers.length > 0)
    file.ledgerSet[fkey] = {
      configPath: real,
      location: ['$file-consent'],
      server: '',
      kind: 'file-consent',
      containers,
      originalText: '',
      wrappedText: '',
      originalCommand: '',
      originalArgs: [],
      argsWasAbsent: false,
      installedAt: fprior?.installedAt ?? new Date().toISOString(),
    };
  else if (fprior) {
    delete file.ledgerSet[fkey];
    file.ledgerDelete.push(fkey);
  }
}

/** The text with a server's allow key put back as it was: its old source text, or no key at all. */
function restoreConsent(
  doc: ConfigDocument,
  e: ServerEntry,
  key: string,
  prior: string | undefined,
): string {
  if (prior === undefined) {
    if (!doc.withoutKey) throw new Error('this file cannot drop the allow entry');
    return doc.withoutKey(e.location, keyOf(e), key);
  }
  const span = doc.valueSpan?.(e.location, keyOf(e), key);
  return span ? doc.replaceSpan(span, prior) : doc.text;
}

/**
 * Single consent off: takes back only the allow entry Airlock wrote on a guarded server, leaving
 * the wrap. The key gets back the exact text it had before (or goes, if it was not there), so a
 * file nothing else touched is byte-identical to the one before `--single-consent`.
 */
function planConsentOff(
  target: ConfigTarget,
  doc: ConfigDocument,
  e: ServerEntry,
  ledger: Record<string, LedgerEntry>,
  file: FilePlan,
): ServerChange {
  const c = CONSENT[e.host];
  const key = ledgerKey(realTarget(target.path), e.location, e.name);
  const prior = ledger[key];
  // Zed / Crush: the items go in planFileConsent, after every entry of the file.
  if (c?.kind === 'file')
    return prior?.fileConsent?.length
      ? changeOf(e, 'consent-off', { detail: 'allow items removed' })
      : changeOf(e, 'unchanged', { detail: 'no allow entry written by Airlock' });
  // Claude Code's rules live in a settings file of their own (planClaudeConsent).
  if (!c || c.kind !== 'entry') return changeOf(e, 'unchanged', { detail: 'already guarded' });
  if (prior?.consent !== true)
    return changeOf(e, 'unchanged', {
      detail: e.autoApproved
        ? "the host's allow entry was not written by Airlock; left as it is"
        : 'no allow entry to remove',
    });
  const entryPath = [...e.location, keyOf(e)];
  const nowSpan = doc.valueSpan?.(e.location, keyOf(e), c.key);
  const nowText = nowSpan && doc.text.slice(nowSpan.start, nowSpan.end);
  if (prior.consentText !== undefined && nowText !== undefined && nowText !== prior.consentText)
    return changeOf(e, 'unchanged', {
      detail: `${c.key} was edited since Airlock wrote it; left as it is (change it by hand)`,
    });
  const newText = restoreConsent(doc, e, c.key, prior.consentPrior);
  const after = openDocument(target.format, newText);
  if (e.original === undefined || e.command === undefined || e.args === undefined)
    throw new Error(`cannot locate "${e.name}" in ${target.path}`);
  verifyEdit(target.format, doc.text, newText, entryPath, e.shape ?? 'flat', e.command, e.args, {
    key: c.key,
    value: getAt(after.value, [...entryPath, c.key]),
  });
  if (entryAutoApproved(e.host, getAt(after.value, entryPath)) && prior.consentPrior === undefined)
    throw new Error(`the allow entry of "${e.name}" is still there after removing it`);
  const span = after.launchSpan(e.location, keyOf(e), e.shape ?? 'flat');
  const { consent: _c, consentPrior: _p, consentText: _t, ...rest } = prior;
  file.ledgerSet[key] = {
    ...rest,
    wrappedText: span ? newText.slice(span.start, span.end) : prior.wrappedText,
  };
  file.newText = newText;
  return changeOf(e, 'consent-off', { detail: `${c.key} restored to what it was before` });
}

/**
 * Claude Code's allow rules sit in a settings file of their own: one FilePlan per file, adding
 * (install) or removing (uninstall) `mcp__<server>__*`. A file Airlock created and still holds
 * exactly what Airlock wrote goes back to not existing; one it found goes back to its bytes.
 */
function planClaudeConsent(
  ctx: HostsContext,
  kind: 'install' | 'uninstall',
  servers: ServerEntry[],
  ledger: Record<string, LedgerEntry>,
  out: Plan,
): void {
  const byFile = new Map<string, string[]>();
  for (const e of servers) {
    const f = claudeSettingsFor(e, ctx.env, ctx.platform);
    byFile.set(f, [...(byFile.get(f) ?? []), claudeRule(e.name)]);
  }
  for (const [path, rules] of byFile) {
    const key = ledgerKey(realTarget(path), ['permissions', 'allow'], '');
    const prior = ledger[key];
    let oldText = '';
    let exists = true;
    try {
      oldText = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        out.errors.push({ path, message: (err as Error).message });
        continue;
      }
      exists = false;
    }
    try {
      const value = exists ? openJson(oldText).value : {};
      const allowNow = getAt(value, ['permissions', 'allow']);
      const allow: unknown[] = Array.isArray(allowNow) ? allowNow : [];
      if (allowNow !== undefined && !Array.isArray(allowNow))
        throw new Error('permissions.allow is not a list');
      const fp: FilePlan = {
        path,
        oldText,
        newText: oldText,
        changes: [],
        ledgerSet: {},
        ledgerDelete: [],
        ...(exists ? {} : { create: true }),
      };
      const mine = new Set(prior?.rules ?? []);
      if (kind === 'install') {
        const add = rules.filter((r) => !allow.includes(r));
        if (add.length === 0) continue;
        let text = exists ? oldText : '{}\n';
        for (const r of add)
          text = applyEdits(
            text,
            modify(text, ['permissions', 'allow', -1], r, {
              isArrayInsertion: true,
              formattingOptions: detectFormatting(exists ? oldText : '{\n  "x": 1\n}'),
            }),
          );
        fp.newText = text;
        fp.ledgerSet[key] = {
          configPath: realTarget(path),
          location: ['permissions', 'allow'],
          server: '',
          kind: 'claude-consent',
          rules: [...mine, ...add],
          originalText: prior ? prior.originalText : oldText,
          fileCreated: prior ? prior.fileCreated === true : !exists,
          wrappedText: text,
          originalCommand: '',
          originalArgs: [],
          argsWasAbsent: false,
          installedAt: prior?.installedAt ?? new Date().toISOString(),
        };
        fp.changes = add.map((r) => ({
          host: 'claude-code' as const,
          server: r,
          configPath: path,
          location: ['permissions', 'allow'],
          action: 'consent' as const,
          consent: `permissions.allow "${r}"`,
        }));
      } else {
        // Only rules Airlock wrote come out; the user's own stay.
        const drop = rules.filter((r) => mine.has(r) && allow.includes(r));
        if (!exists || drop.length === 0) continue;
        const left = [...mine].filter((r) => !drop.includes(r));
        if (left.length === 0 && prior && prior.wrappedText === oldText) {
          fp.newText = prior.fileCreated ? '' : prior.originalText;
          if (prior.fileCreated) fp.remove = true;
          fp.ledgerDelete.push(key);
        } else {
          let text = oldText;
          for (const r of drop) {
            const arr = getAt(openJson(text).value, ['permissions', 'allow']) as unknown[];
            text = applyEdits(
              text,
              modify(text, ['permissions', 'allow', arr.indexOf(r)], undefined, {
                formattingOptions: detectFormatting(text),
              }),
            );
          }
          fp.newText = text;
          if (left.length === 0) fp.ledgerDelete.push(key);
          else if (prior) fp.ledgerSet[key] = { ...prior, rules: left, wrappedText: text };
        }
        fp.changes = drop.map((r) => ({
          host: 'claude-code' as const,
          server: r,
          configPath: path,
          location: ['permissions', 'allow'],
          action: 'unwrap' as const,
          detail: 'allow entry removed',
        }));
      }
      out.files.push(fp);
    } catch (err) {
      out.errors.push({ path, message: `cannot edit ${path}: ${(err as Error).message}` });
    }
  }
}

export function planInstall(ctx: HostsContext, sel: Selection): Plan {
  return plan(ctx, sel, 'install');
}

export function planUninstall(ctx: HostsContext, sel: Selection): Plan {
  return plan(ctx, sel, 'uninstall');
}

export interface ApplyResult {
  written: { path: string; backup: string; changes: ServerChange[] }[];
  errors: { path: string; message: string }[];
}

/** Writes a plan: each file is checked unchanged since planning, backed up, then replaced atomically. */
export function applyPlan(ctx: HostsContext, p: Plan, now: Date = new Date()): ApplyResult {
  const result: ApplyResult = { written: [], errors: [] };
  for (const f of p.files) {
    try {
      if (f.create) {
        if (existsSync(f.path))
          throw new Error(`${f.path} appeared since it was read; run the command again`);
        const ledger = readLedger(ctx.dataDir);
        for (const [k, v] of Object.entries(f.ledgerSet)) ledger.entries[k] = v;
        writeLedger(ctx.dataDir, ledger);
        mkdirSync(dirname(f.path), { recursive: true });
        writeAtomic(f.path, f.newText, 0o600);
        result.written.push({ path: f.path, backup: '', changes: f.changes });
        continue;
      }
      const current = readFileSync(f.path, 'utf8');
      if (current !== f.oldText)
        throw new Error(`${f.path} changed since it was read; run the command again`);
      if (f.remove) {
        const backup = backupFile(f.path, ctx.dataDir, now);
        rmSync(f.path);
        const ledger = readLedger(ctx.dataDir);
        for (const k of f.ledgerDelete) delete ledger.entries[k];
        writeLedger(ctx.dataDir, ledger);
        result.written.push({ path: f.path, backup, changes: f.changes });
        continue;
      }
      const ledger = readLedger(ctx.dataDir);
      for (const [k, v] of Object.entries(f.ledgerSet)) ledger.entries[k] = v;
      for (const k of f.ledgerDelete) delete ledger.entries[k];
      let backup = '';
      if (f.newText !== f.oldText) {
        const mode = statSync(realTarget(f.path)).mode & 0o7777;
        backup = backupFile(f.path, ctx.dataDir, now);
        // Install records the original before the file changes; uninstall forgets it only after.
        if (p.kind === 'install') writeLedger(ctx.dataDir, ledger);
        writeAtomic(f.path, f.newText, mode);
        if (p.kind === 'uninstall') writeLedger(ctx.dataDir, ledger);
      } else {
        writeLedger(ctx.dataDir, ledger);
      }
      result.written.push({ path: f.path, backup, changes: f.changes });
    } catch (e) {
      result.errors.push({ path: f.path, message: (e as Error).message });
    }
  }
  return result;
}
