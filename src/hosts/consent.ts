// One consent instead of two. When Airlock guards a server, the host's own prompt for that
// server's tools asks the same question a second time; `--single-consent` writes the host's own
// allow entry so only Airlock asks. Pure tables and decisions; plan.ts does the file edits.
//
// Each spelling is the host's documented one:
//   Claude Code  permissions.allow "mcp__<server>__*" (settings.json for user servers,
//                .claude/settings.local.json for project and local ones: never the shared file,
//                where it would auto-approve for teammates who run no Airlock)
//   Cline        "autoApprove": [tool names] on the server entry
//   Roo Code     "alwaysAllow": [tool names] on the server entry
//   Kiro         "autoApprove": [tool names] on the server entry
//   Gemini CLI   "trust": true on the server entry (skips every confirmation for its tools)
//   Codex        default_tools_approval_mode = "approve" in [mcp_servers.<name>] (config.toml;
//                the server-wide default under per-tool [mcp_servers.<name>.tools.<tool>]
//                approval_mode overrides; values auto | prompt | approve)
import { join, resolve } from 'node:path';
import { claudeCodeDir } from './paths';
import type { HostId, Platform, ServerEntry } from './types';

export interface EntryConsent {
  kind: 'entry';
  /** Key written on the server entry. */
  key: string;
  /** Needs the server's tool names (from the gate's registry) rather than one switch. */
  perTool: boolean;
  /** The value that means "allow every tool" when not per tool (default `true`). */
  on?: string | true;
}

export interface ClaudeConsent {
  kind: 'claude-settings';
}

/** Zed and Crush: per-tool allow items beside the servers in the same file (fileConsent.ts). */
export interface FileConsent {
  kind: 'file';
  summary: string;
}

export type ConsentSetting = EntryConsent | ClaudeConsent | FileConsent;

export const CONSENT: Partial<Record<HostId, ConsentSetting>> = {
  'claude-code': { kind: 'claude-settings' },
  cline: { kind: 'entry', key: 'autoApprove', perTool: true },
  'roo-code': { kind: 'entry', key: 'alwaysAllow', perTool: true },
  kiro: { kind: 'entry', key: 'autoApprove', perTool: true },
  gemini: { kind: 'entry', key: 'trust', perTool: false },
  codex: { kind: 'entry', key: 'default_tools_approval_mode', perTool: false, on: 'approve' },
  zed: {
    kind: 'file',
    summary:
      'writes agent.tool_permissions.tools["mcp:<server>:<tool>"].default = "allow" per tool',
  },
  crush: {
    kind: 'file',
    summary: 'writes permissions.allowed_tools "mcp_<server>_<tool>" per tool',
  },
  'amazon-q': {
    kind: 'file',
    summary:
      'writes allowedTools "@<server>" in the agent file that defines the server (not in the legacy mcp.json, which has no such field)',
  },
};

/** What scan says for hosts where Airlock writes no allow entry, and why. */
export const NO_CONSENT: Partial<Record<HostId, string>> = {
  'claude-desktop': 'Claude Desktop keeps tool approvals in the app, not in its config file.',
  cursor: "Cursor's auto-run setting lives in its UI, not per server in mcp.json.",
  vscode: 'VS Code approves tools from the chat UI; mcp.json has no per-server allow key.',
  windsurf: 'Windsurf has no per-server allow key in mcp_config.json.',
  continue: 'Continue keeps tool policies in its UI, not in config.yaml.',
  goose: "Goose keeps tool permissions in permission.yaml by mode; Airlock doesn't write them yet.",
  opencode: 'opencode does not prompt for MCP tools by default: only Airlock asks already.',
  'copilot-cli': 'Copilot CLI allows tools per session (--allow-tool), not in mcp-config.json.',
  'visual-studio': 'Visual Studio approves tools in its UI; .mcp.json has no allow key.',
  'lm-studio': 'LM Studio approves tool calls in its UI; mcp.json has no allow key.',
};

export function consentSummary(host: HostId): string {
  const c = CONSENT[host];
  if (!c) return NO_CONSENT[host] ?? 'No host allow setting known.';
  if (c.kind === 'claude-settings') return 'writes permissions.allow "mcp__<server>__*"';
  if (c.kind === 'file') return c.summary;
  if (c.perTool) return `writes "${c.key}": [every tool]`;
  // A string value is Codex's TOML spelling; true is the JSON hosts'.
  return c.on === undefined || c.on === true
    ? `writes "${c.key}": true`
    : `writes ${c.key} = ${JSON.stringify(c.on)}`;
}

/** The value the entry key takes, or why it cannot be written yet. */
export function entryConsentValue(
  c: EntryConsent,
  tools: readonly string[] | undefined,
): { value: unknown } | { reason: string } {
  if (!c.perTool) return { value: c.on ?? true };
  if (!tools || tools.length === 0)
    return {
      reason:
        'its tool names are not known yet: start the host once so Airlock sees the server, then install --single-consent again',
    };
  return { value: [...tools].sort() };
}

/** Is the host's own allow entry present on this raw entry? */
export function entryAutoApproved(host: HostId, raw: unknown): boolean {
  const c = CONSENT[host];
  if (!c || c.kind !== 'entry' || typeof raw !== 'object' || raw === null) return false;
  const v = (raw as Record<string, unknown>)[c.key];
  return c.perTool ? Array.isArray(v) && v.length > 0 : v === (c.on ?? true);
}

/** Claude Code names a server's tools mcp__<name>__<tool>, with other characters as "_". */
export function claudeRule(server: string): string {
  return `mcp__${server.replace(/[^a-zA-Z0-9_-]/g, '_')}__*`;
}

/** Does a Claude Code allow list auto-approve every tool of this server? */
export function claudeAllows(allow: readonly unknown[], server: string): boolean {
  const base = claudeRule(server).slice(0, -3);
  return allow.some((r) => r === base || r === `${base}__*`);
}

/** The settings file whose permissions.allow covers this Claude Code server's scope. */
export function claudeSettingsFor(
  e: Pick<ServerEntry, 'project'>,
  env: NodeJS.ProcessEnv,
  platform: Platform,
): string {
  return e.project !== undefined
    ? join(resolve(e.project), '.claude', 'settings.local.json')
    : join(claudeCodeDir(env, platform), 'settings.json');
}

/** Every settings file a Claude Code server's allow rule may sit in (scan reads them all). */
export function claudeSettingsFiles(
  e: Pick<ServerEntry, 'project'>,
  env: NodeJS.ProcessEnv,
  platform: Platform,
): string[] {
  const user = join(claudeCodeDir(env, platform), 'settings.json');
  if (e.project === undefined) return [user];
  const dir = join(resolve(e.project), '.claude');
  return [user, join(dir, 'settings.json'), join(dir, 'settings.local.json')];
}
