// Host scan → what the Servers view shows: every host, each server entry with its posture grade,
// graded with what the gate's registry knows of that server's tools.
import type { HostReport, HostServerEntry } from '../contract/ipc';
import type { ToolDefinition, ToolRecord } from '../contract/types';
import { CONSENT, consentSummary } from '../hosts/consent';
import { hasKeychainRef } from '../hosts/keychainRef';
import { entrySecrets } from '../hosts/secure';
import type { HostId, ScanResult, ServerEntry, ToolFacts } from '../hosts';
import { nameActs, nameVerbs } from '../policy/verbs';
import type { RecordView } from '../gate/recordView';

/**
 * A tool counts as destructive when the server says so (`destructiveHint: true`), or when it says
 * nothing either way (no readOnlyHint, no destructiveHint) and its name carries a verb that
 * changes, runs, sends or pays. A server cannot talk its way out: a read-only hint only spares a
 * tool that declares no destructive hint.
 */
export function isDestructive(definition: ToolDefinition): boolean {
  const a = definition.annotations;
  if (a?.destructiveHint === true) return true;
  if (a?.readOnlyHint !== undefined || a?.destructiveHint !== undefined) return false;
  return nameActs(nameVerbs(definition.name));
}

/** The registry's facts about one server's tools, in the shape the posture grade takes. */
export function toolFactsOf(tools: readonly ToolRecord[]): ToolFacts {
  const names = (pick: (t: ToolRecord) => boolean): string[] =>
    tools
      .filter(pick)
      .map((t) => t.name)
      .sort();
  return {
    tools: names(() => true),
    destructiveTools: names((t) => isDestructive(t.definition)),
    poisoned: names((t) => t.poison.length > 0),
    changed: names((t) => t.reviewedHash !== null && t.reviewedHash !== t.hash),
  };
}

export interface RegistryServer {
  id: number;
  host: string;
  name: string;
  lastSeen: number;
}

/**
 * Matches registry servers to host entries by host id and server name (the shim runs with
 * `--host <id> --server <name>`); when the registry knows several (the command changed), the
 * most recently seen one speaks for the entry.
 */
export function toolFactsLookup(
  servers: readonly RegistryServer[],
  toolsOf: (serverId: number) => readonly ToolRecord[],
): (host: HostId, server: string) => ToolFacts | undefined {
  const latest = new Map<string, RegistryServer>();
  for (const s of servers) {
    const key = JSON.stringify([s.host, s.name]);
    const cur = latest.get(key);
    if (!cur || s.lastSeen > cur.lastSeen || (s.lastSeen === cur.lastSeen && s.id > cur.id))
      latest.set(key, s);
  }
  const cache = new Map<number, ToolFacts>();
  return (host, server) => {
    const s = latest.get(JSON.stringify([host, server]));
    if (!s) return undefined;
    let facts = cache.get(s.id);
    if (!facts) {
      facts = toolFactsOf(toolsOf(s.id));
      cache.set(s.id, facts);
    }
    return facts;
  };
}

export function entryView(e: ServerEntry): HostServerEntry {
  return {
    name: e.name,
    command: e.original?.command ?? e.command ?? e.url ?? '',
    args: e.original?.args ?? e.args ?? [],
    guarded: e.guarded,
    transport: e.transport,
    guardable: e.guardable,
    note: e.note ?? null,
    configPath: e.configPath,
    project: e.project ?? null,
    disabled: e.disabled,
    autoApproved: e.autoApproved === true,
    grade: e.posture.grade,
    score: e.posture.score,
    deductions: e.posture.deductions.map((d) => ({ ...d })),
    ...(e.posture.credits ? { credits: e.posture.credits.map((c) => ({ ...c })) } : {}),
    ...(e.transport === 'stdio' ? { secrets: secretsView(e) } : {}),
  };
}

/** Where an entry's secrets are, by site (`env KEY`, `argument N`), never their values. */
function secretsView(e: ServerEntry): { movable: string[]; inKeychain: boolean } {
  const strings = [...Object.values(e.env ?? {}), ...(e.args ?? [])];
  return {
    movable: e.guarded ? entrySecrets(e).map((s) => s.site) : [],
    inKeychain: strings.some(hasKeychainRef),
  };
}

export function hostReportsOf(scan: ScanResult): HostReport[] {
  return scan.hosts.map((h) => {
    const configs = h.configs.filter((c) => c.kind === 'config');
    // The user's own file speaks for the host before a read-only one (plugin, managed, system).
    const found =
      configs.find((c) => c.exists && c.readOnly === undefined) ??
      configs.find((c) => c.exists) ??
      configs[0];
    return {
      host: h.host,
      label: h.label,
      configPath: found?.path ?? null,
      found: h.found,
      servers: h.configs.flatMap((c) => c.servers.map(entryView)),
      error: h.configs.find((c) => c.error)?.error ?? null,
      singleConsent: { supported: CONSENT[h.host] !== undefined, summary: consentSummary(h.host) },
    };
  });
}

/** toolFactsLookup over the store's registry (the app and `airlock hosts scan` both grade so). */
export function registryToolFacts(
  store: Pick<RecordView, 'servers' | 'tools'>,
): (host: HostId, server: string) => ToolFacts | undefined {
  return toolFactsLookup(
    store.servers.list().map((s) => ({
      id: s.id,
      host: s.identity.host,
      name: s.identity.name,
      lastSeen: s.lastSeen,
    })),
    (id) => store.tools.listForServer(id),
  );
}
