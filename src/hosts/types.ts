// Plain data produced by host discovery: it crosses into the app (Servers view) as JSON, so no
// classes and no functions here.

export type HostId =
  | 'claude-desktop'
  | 'claude-code'
  | 'cursor'
  | 'vscode'
  | 'windsurf'
  | 'cline'
  | 'gemini'
  | 'codex'
  | 'zed'
  | 'roo-code'
  | 'continue'
  | 'goose'
  | 'kiro'
  | 'opencode'
  | 'copilot-cli'
  | 'visual-studio'
  | 'lm-studio'
  | 'crush'
  | 'amazon-q';

export const HOST_IDS: readonly HostId[] = [
  'claude-desktop',
  'claude-code',
  'cursor',
  'vscode',
  'windsurf',
  'cline',
  'gemini',
  'codex',
  'zed',
  'roo-code',
  'continue',
  'goose',
  'kiro',
  'opencode',
  'copilot-cli',
  'visual-studio',
  'lm-studio',
  'crush',
  'amazon-q',
];

export type ConfigFormat = 'json' | 'toml' | 'yaml';

/**
 * How a host spells one entry: "standard" `{command, args, env}` (most hosts, Cline's nested
 * `transport` included), Goose `{type, cmd, args, envs}`, opencode `{type: "local", command: [argv]}`.
 */
export type EntryDialect = 'standard' | 'goose' | 'opencode';

export type Platform = 'darwin' | 'linux' | 'win32';

export type Transport = 'stdio' | 'http' | 'sse' | 'extension';

/**
 * Where command and args live inside a server entry: `flat` {command, args}; Zed's older
 * {command: {path, args}}; Cline's {transport: {command, args}}; Goose {cmd, args}; opencode's
 * single argv list {command: [cmd, ...args]}.
 */
export type LaunchShape = 'flat' | 'zed-legacy' | 'cline-transport' | 'goose' | 'argv';

export interface ShimLauncher {
  /** Absolute path of a Node runtime (or the app binary in Node mode). */
  node: string;
  /** Absolute path of out/cli/airlock.js. */
  cli: string;
}

/** Everything the hosts module needs from its caller; never read from process globals. */
export interface HostsContext {
  env: NodeJS.ProcessEnv;
  platform: Platform;
  /** Prefix of system-wide files (/etc, /Library, Program Files); tests point it at a folder. */
  systemRoot?: string;
  /** The tool names the gate's registry has seen for a server (single consent lists them). */
  toolNames?: (host: HostId, server: string) => readonly string[] | undefined;
  dataDir: string;
  dataDirIsDefault: boolean;
  shimLauncher: ShimLauncher;
}

export interface Deduction {
  points: number;
  /** Stable machine code, e.g. "unguarded", "unpinned", "secret". */
  code: string;
  text: string;
}

export type Grade = 'A' | 'B' | 'C' | 'D' | 'F';

export interface Posture {
  grade: Grade;
  score: number;
  deductions: Deduction[];
  /** What the entry does well, shown beside the deductions (e.g. secrets kept in the keychain). */
  credits?: { code: string; text: string }[];
}

export interface ToolFacts {
  /** Every tool name the gate has seen (single consent lists them where a host wants names). */
  tools?: string[];
  destructiveTools: string[];
  poisoned: string[];
  changed: string[];
}

/** One server entry, normalised across hosts. */
export interface ServerEntry {
  host: HostId;
  name: string;
  configPath: string;
  /** JSON/TOML path of the object holding the servers, e.g. ["mcpServers"]. */
  location: string[];
  /** Set for project-scoped servers (a project file, or a per-project block in ~/.claude.json). */
  project?: string;
  /** The entry's key in its container when that is not its name (a list index, for Continue). */
  key?: string;
  /** Set when Airlock lists the entry but never rewrites it: what manages it. */
  source?: string;
  /** The host's own allow entry for this server's tools is present (Claude Code, Cline, Gemini…). */
  autoApproved?: boolean;
  /** What an enterprise allow/deny list means for guarding this entry (Claude Code). */
  policy?: string;
  /** The time the host gives this server to start, where it has such a limit (Codex). */
  startup?: { seconds: number; setting: string; isDefault: boolean; raisable: boolean };
  transport: Transport;
  /** False when the stdio shim cannot run in front of this server (remote, extension, odd entry). */
  guardable: boolean;
  guarded: boolean;
  shape?: LaunchShape;
  /** What the host runs today. */
  command?: string;
  args?: string[];
  /** What runs behind the shim (equal to command/args when unguarded). */
  original?: { command: string; args: string[] };
  /** Shim options found in a guarded entry. */
  shim?: { server?: string; host?: string; dataDir?: string; node: string; cli: string };
  url?: string;
  /** Env values stay in the file; scan output carries only their names. */
  env?: Record<string, string>;
  headers?: Record<string, string>;
  hasAuth: boolean;
  disabled: boolean;
  /** Why the entry cannot be guarded, or anything else the user should know. */
  note?: string;
  posture: Posture;
}

export interface ConfigScan {
  host: HostId;
  /** "extensions": Claude Desktop's installed .mcpb extensions folder, listed but never edited. */
  kind: 'config' | 'extensions';
  path: string;
  format: ConfigFormat;
  scope: 'user' | 'project';
  project?: string;
  /** Listed, never rewritten (plugin, managed file, extension): what manages it. */
  readOnly?: string;
  exists: boolean;
  /** Set when the file exists but cannot be parsed; nothing in it is touched. */
  error?: string;
  servers: ServerEntry[];
}

export interface HostScan {
  host: HostId;
  label: string;
  configs: ConfigScan[];
  /** True when any config file (or extension) of this host exists. */
  found: boolean;
}

export interface ScanResult {
  hosts: HostScan[];
}
