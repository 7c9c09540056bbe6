// Enterprise allow and deny lists that match a server by its exact command and arguments (Claude
// Code's allowedMcpServers / deniedMcpServers with `serverCommand`). Wrapping changes the command
// the host sees, so a wrap could slip a denied server past its list, or get an allowed one
// blocked. Pure decisions here; the lists are read from the administrator's managed settings
// and the user's own settings (deny lists merge).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { openJson } from './jsonDoc';
import { claudeCodeDir, claudeManagedDir } from './paths';
import type { Platform } from './types';

export interface ServerMatcher {
  serverName?: string;
  serverCommand?: string[];
  serverUrl?: string;
}

export interface McpServerLists {
  /** Undefined when no allowlist applies (everything not denied is allowed). */
  allowed?: ServerMatcher[];
  denied: ServerMatcher[];
}

function matchers(v: unknown): ServerMatcher[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.filter((m): m is ServerMatcher => typeof m === 'object' && m !== null);
}

function readSettings(path: string): Record<string, unknown> | undefined {
  try {
    const v = openJson(readFileSync(path, 'utf8')).value;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function readClaudeLists(
  env: NodeJS.ProcessEnv,
  platform: Platform,
  systemRoot?: string,
): McpServerLists {
  const managed = readSettings(
    join(claudeManagedDir(env, platform, systemRoot), 'managed-settings.json'),
  );
  const user = readSettings(join(claudeCodeDir(env, platform), 'settings.json'));
  const managedOnly = managed?.allowManagedMcpServersOnly === true;
  const allowedManaged = matchers(managed?.allowedMcpServers);
  const allowedUser = managedOnly ? undefined : matchers(user?.allowedMcpServers);
  const allowed =
    allowedManaged || allowedUser ? [...(allowedManaged ?? []), ...(allowedUser ?? [])] : undefined;
  return {
    ...(allowed ? { allowed } : {}),
    denied: [
      ...(matchers(managed?.deniedMcpServers) ?? []),
      ...(matchers(user?.deniedMcpServers) ?? []),
    ],
  };
}

/** What scan says about an unguarded entry under these lists, before any launcher is known. */
export function listNote(lists: McpServerLists, original: readonly string[]): string | undefined {
  if (lists.denied.some((m) => commandMatches(m, original)))
    return 'deniedMcpServers names this exact command: Airlock will not wrap it (the wrap would slip it past the deny list).';
  if (lists.allowed?.some((m) => commandMatches(m, original)))
    return 'allowedMcpServers admits this exact command: once wrapped, the wrapped command must be on the list too, or Claude Code blocks it.';
  return undefined;
}

function commandMatches(m: ServerMatcher, argv: readonly string[]): boolean {
  return Array.isArray(m.serverCommand) && isDeepStrictEqual(m.serverCommand, argv);
}

/**
 * What a wrap means for these lists: `refuse` when a deny list names the original command (the
 * wrapped command would no longer match, so the server would slip past it); `blocked` when an
 * allowlist lets the original command in by its command and would not let the wrapped one in.
 */
export function wrapVerdict(
  lists: McpServerLists,
  name: string,
  original: readonly string[],
  wrapped: readonly string[],
): { refuse?: string; blocked?: string } {
  if (lists.denied.some((m) => commandMatches(m, original)))
    return {
      refuse:
        'deniedMcpServers names this exact command: wrapping it would change the command Claude Code checks, and the server would slip past the deny list. Airlock leaves it as it is (Claude Code blocks it).',
    };
  if (!lists.allowed) return {};
  const byName = lists.allowed.some((m) => m.serverName === name);
  const commandEntries = lists.allowed.some((m) => Array.isArray(m.serverCommand));
  if (byName && !commandEntries) return {};
  const allowedNow = byName || lists.allowed.some((m) => commandMatches(m, original));
  const allowedWrapped = lists.allowed.some((m) => commandMatches(m, wrapped));
  if (allowedNow && !allowedWrapped)
    return {
      blocked: `allowedMcpServers lets this server in by its exact command; the wrapped command is not on the list, so Claude Code would block it. Ask the administrator to allow ${JSON.stringify(
        { serverCommand: wrapped },
      )} as well, then install again.`,
    };
  return {};
}
