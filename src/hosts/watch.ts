// Noticing what changed between two scans: a new server nobody guarded, or a guarded one whose
// wrap disappeared because a host or the user rewrote its config.
import { HOST_LABELS } from './paths';
import { allServers } from './scan';
import type { HostId, ScanResult, ServerEntry } from './types';

export { watchTargets } from './paths';

export interface ScanEvent {
  /**
   * `unguarded-auto-approved` is the most urgent: the wrap is gone while the host's own allow
   * entry stays, so the server's tools run with no prompt at all. It always comes first.
   */
  kind: 'unguarded-auto-approved' | 'new-unguarded' | 'wrap-removed';
  host: HostId;
  server: string;
  configPath: string;
  project?: string;
  /** Ready to show in a notification. */
  message: string;
}

function keyOf(e: ServerEntry): string {
  return JSON.stringify([e.host, e.configPath, e.location, e.name]);
}

export function diffScans(before: ScanResult, after: ScanResult): ScanEvent[] {
  const old = new Map(allServers(before).map((e) => [keyOf(e), e]));
  // A file caught half-written (unparsable) in the earlier scan tells nothing about what is new.
  const unknown = new Set(
    before.hosts.flatMap((h) => h.configs.filter((c) => c.error !== undefined).map((c) => c.path)),
  );
  const events: ScanEvent[] = [];
  const urgent: ScanEvent[] = [];
  for (const e of allServers(after)) {
    if (e.guarded || e.disabled || unknown.has(e.configPath)) continue;
    const prev = old.get(keyOf(e));
    const base = {
      host: e.host,
      server: e.name,
      configPath: e.configPath,
      ...(e.project !== undefined ? { project: e.project } : {}),
    };
    const label = HOST_LABELS[e.host];
    if (e.autoApproved && (!prev || prev.guarded || !prev.autoApproved)) {
      urgent.push({
        ...base,
        kind: 'unguarded-auto-approved',
        message: `URGENT: MCP server '${e.name}' in ${label} is not guarded, and ${label} auto-approves its tools: every call now runs without any prompt. Guard it again, or remove ${label}'s allow entry for it.`,
      });
      continue;
    }
    if (!e.guardable) continue;
    if (!prev) {
      events.push({
        ...base,
        kind: 'new-unguarded',
        message: `New MCP server '${e.name}' in ${label} is not guarded — Guard it?`,
      });
    } else if (prev.guarded) {
      events.push({
        ...base,
        kind: 'wrap-removed',
        message: `MCP server '${e.name}' in ${label} is no longer guarded (its config was rewritten) — Guard it again?`,
      });
    }
  }
  return [...urgent, ...events];
}
