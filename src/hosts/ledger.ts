// What each install replaced, kept in the data directory: the exact source text of a server's
// launch span before and after wrapping. Uninstall puts the old text back when the span still reads
// exactly as Airlock wrote it, which makes a file nothing else touched byte-identical again.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from './fsWrite';
import type { FileConsentItem } from './fileConsent';

export interface LedgerEntry {
  configPath: string;
  location: string[];
  server: string;
  /** Launch span text before the first install. */
  originalText: string;
  /** Launch span text as Airlock last wrote it. */
  wrappedText: string;
  originalCommand: string;
  originalArgs: string[];
  /** The entry had no args key before install. */
  argsWasAbsent: boolean;
  installedAt: string;
  /** Airlock also wrote the host's own allow entry for this server (single consent). */
  consent?: boolean;
  /**
   * The allow key's value as written in the file before Airlock's first allow entry (source text);
   * absent when the key was not there. Turning single consent off puts exactly this back.
   */
  consentPrior?: string;
  /** The allow key's value as Airlock wrote it (source text): a value edited since is left alone. */
  consentText?: string;
  /**
   * "claude-consent": not a server but Claude Code's settings file, where single consent added
   * `rules` to permissions.allow. originalText/wrappedText are then the whole file before
   * Airlock's first rule and after its last; `fileCreated` when Airlock created the file.
   */
  kind?: 'claude-consent' | 'file-consent';
  rules?: string[];
  /** Zed / Crush: the allow items Airlock added for this server elsewhere in the same file. */
  fileConsent?: FileConsentItem[];
  /**
   * "file-consent": not a server but the file's containers (agent.tool_permissions…,
   * permissions.allowed_tools) that Airlock created for allow items; dropped once left empty.
   */
  containers?: string[][];
  fileCreated?: boolean;
}

/**
 * One keychain item `airlock hosts secure` wrote, keyed by its reference id: where the reference
 * sits, never the value (that is only in the keychain).
 */
export interface KeychainRecord {
  configPath: string;
  uses: { server: string; location: string[]; site: string }[];
  /** How the value was spelled in the file, so undo writes back the very same bytes. */
  encoding: 'plain' | 'json';
  securedAt: string;
}

export interface Ledger {
  version: 1;
  entries: Record<string, LedgerEntry>;
  keychain?: Record<string, KeychainRecord>;
}

export function ledgerPath(dataDir: string): string {
  return join(dataDir, 'hosts-ledger.json');
}

export function ledgerKey(configPath: string, location: string[], server: string): string {
  return JSON.stringify([configPath, location, server]);
}

export function readLedger(dataDir: string): Ledger {
  try {
    const parsed = JSON.parse(readFileSync(ledgerPath(dataDir), 'utf8')) as Ledger;
    if (parsed && parsed.version === 1 && typeof parsed.entries === 'object' && parsed.entries)
      return parsed;
  } catch {
    // Missing or unreadable: uninstall falls back to a structural restore.
  }
  return { version: 1, entries: {} };
}

export function writeLedger(dataDir: string, ledger: Ledger): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeAtomic(ledgerPath(dataDir), `${JSON.stringify(ledger, null, 2)}\n`, 0o600);
}
