// Reading one server entry as each host writes it: stdio `{command, args, env}`, Zed's older
// `{command: {path, args, env}}`, and the remote forms (`url`, Windsurf's `serverUrl`, Gemini's
// `httpUrl`, VS Code / Claude Code `type`).
import { gradeServer } from './posture';
import type { EntryDialect, HostId, LaunchShape, ServerEntry, ToolFacts, Transport } from './types';
import { unwrapLaunch } from './wrap';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function stringArray(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

export interface EntryRef {
  host: HostId;
  name: string;
  configPath: string;
  location: string[];
  project?: string;
  key?: string;
  source?: string;
}

/** Where command and args sit in an entry; `args` is null where the argv is one list. */
export function launchPaths(shape: LaunchShape): { command: string[]; args: string[] | null } {
  switch (shape) {
    case 'zed-legacy':
      return { command: ['command', 'path'], args: ['command', 'args'] };
    case 'cline-transport':
      return { command: ['transport', 'command'], args: ['transport', 'args'] };
    case 'goose':
      return { command: ['cmd'], args: ['args'] };
    case 'argv':
      return { command: ['command'], args: null };
    default:
      return { command: ['command'], args: ['args'] };
  }
}

/** The (relative path, value) pairs that spell this launch in an entry of this shape. */
export function launchValues(
  shape: LaunchShape,
  command: string,
  args: string[] | null,
): [string[], unknown][] {
  const p = launchPaths(shape);
  if (p.args === null) return [[p.command, [command, ...(args ?? [])]]];
  return [
    [p.command, command],
    [p.args, args === null ? undefined : args],
  ];
}

/** The entry in the standard `{command, args, env, url, type}` spelling, whatever the host's. */
function standardise(raw: Record<string, unknown>, dialect: EntryDialect): Record<string, unknown> {
  if (dialect === 'goose') {
    const type = typeof raw.type === 'string' ? raw.type : undefined;
    const remote = type === 'sse' || type === 'streamable_http';
    return {
      ...(type === 'stdio' || remote ? {} : { source: 'extension' }),
      ...(remote ? { type: type === 'sse' ? 'sse' : 'http', url: raw.uri } : {}),
      ...(type === 'stdio' ? { command: raw.cmd, args: raw.args } : {}),
      env: raw.envs,
      headers: raw.headers,
      enabled: raw.enabled,
    };
  }
  if (dialect === 'opencode') {
    const argv = raw.command;
    const local = raw.type === 'local' || (raw.type === undefined && Array.isArray(argv));
    return {
      ...(local
        ? {
            command: Array.isArray(argv) ? argv[0] : argv,
            args: Array.isArray(argv) ? argv.slice(1) : undefined,
          }
        : { type: 'http', url: raw.url }),
      env: raw.environment,
      headers: raw.headers,
      enabled: raw.enabled,
      oauth: raw.oauth,
    };
  }
  return raw;
}

export function readEntry(
  ref: EntryRef,
  input: unknown,
  toolFacts?: ToolFacts,
  dialect: EntryDialect = 'standard',
): ServerEntry {
  const base = { ...ref, hasAuth: false, disabled: false };
  if (!isRecord(input)) {
    return finish(
      {
        ...base,
        transport: 'stdio',
        guardable: false,
        guarded: false,
        note: 'Entry is not an object.',
      },
      toolFacts,
    );
  }
  const rawShape: LaunchShape | undefined =
    dialect === 'goose' ? 'goose' : dialect === 'opencode' ? 'argv' : undefined;
  // Cline's CLI writes `{transport: {type: "stdio", command, args, cwd, env}}`.
  if (
    dialect === 'standard' &&
    input.command === undefined &&
    isRecord(input.transport) &&
    typeof input.transport.command === 'string'
  ) {
    return readNested(ref, input, input.transport, toolFacts);
  }
  const raw = dialect === 'standard' ? input : standardise(input, dialect);
  const disabled = raw.disabled === true || raw.enabled === false;
  const type = typeof raw.type === 'string' ? raw.type.toLowerCase() : undefined;
  const url = [raw.url, raw.serverUrl, raw.httpUrl].find((u): u is string => typeof u === 'string');

  let shape: LaunchShape | undefined;
  let command: string | undefined;
  let argsRaw: unknown;
  let env = stringMap(raw.env);
  if (typeof raw.command === 'string') {
    shape = rawShape ?? 'flat';
    command = raw.command;
    argsRaw = raw.args;
  } else if (isRecord(raw.command) && typeof raw.command.path === 'string') {
    shape = 'zed-legacy';
    command = raw.command.path;
    argsRaw = raw.command.args;
    env = stringMap(raw.command.env) ?? env;
  }

  // "local" is Copilot CLI's (and opencode's) word for a stdio server.
  const remoteType = type !== undefined && type !== 'stdio' && type !== 'local';
  if (command === undefined || remoteType) {
    if (
      url === undefined &&
      command === undefined &&
      (raw.source === 'extension' || ref.host === 'zed')
    ) {
      return finish(
        {
          ...base,
          disabled,
          transport: 'extension',
          guardable: false,
          guarded: false,
          note:
            ref.host === 'goose'
              ? "A Goose built-in or platform extension: Goose runs it itself, out of the shim's reach."
              : "Provided by a Zed extension: Zed launches it, out of the shim's reach.",
        },
        toolFacts,
      );
    }
    if (url === undefined && command === undefined) {
      return finish(
        {
          ...base,
          disabled,
          transport: 'stdio',
          guardable: false,
          guarded: false,
          note: 'Entry has neither a command nor a URL.',
        },
        toolFacts,
      );
    }
    const transport: Transport =
      type === 'sse' || (typeof raw.url === 'string' && ref.host === 'gemini') ? 'sse' : 'http';
    const headers =
      stringMap(raw.headers) ?? stringMap(raw.http_headers) ?? stringMap(raw.requestInit);
    const hasAuth =
      Object.keys(headers ?? {}).some((k) => /^(authorization|x-api-key|api-key)$/i.test(k)) ||
      typeof raw.bearer_token_env_var === 'string' ||
      typeof raw.bearer_token === 'string' ||
      raw.oauth !== undefined ||
      raw.authProviderType !== undefined ||
      stringMap(raw.env_http_headers) !== undefined;
    return finish(
      {
        ...base,
        disabled,
        transport,
        guardable: false,
        guarded: false,
        url,
        headers,
        env,
        hasAuth,
        note: 'Remote server: the stdio shim cannot guard it.',
      },
      toolFacts,
    );
  }

  const args = argsRaw === undefined ? [] : stringArray(argsRaw);
  if (args === undefined) {
    return finish(
      {
        ...base,
        disabled,
        transport: 'stdio',
        shape,
        command,
        env,
        guardable: false,
        guarded: false,
        note: 'args is not a list of strings.',
      },
      toolFacts,
    );
  }
  const unwrapped = unwrapLaunch(command, args);
  let original = { command, args };
  // A shim wrapped around a shim (by an older tool) still runs the same server once unwrapped.
  for (let u = unwrapped; u; u = unwrapLaunch(u.command, u.args))
    original = { command: u.command, args: u.args };
  return finish(
    {
      ...base,
      disabled,
      transport: 'stdio',
      shape,
      command,
      args,
      env,
      guardable: true,
      guarded: unwrapped !== undefined,
      original,
      shim: unwrapped
        ? {
            server: unwrapped.server,
            host: unwrapped.host,
            dataDir: unwrapped.dataDir,
            node: unwrapped.node,
            cli: unwrapped.cli,
          }
        : undefined,
    },
    toolFacts,
  );
}

function readNested(
  ref: EntryRef,
  raw: Record<string, unknown>,
  transport: Record<string, unknown>,
  toolFacts?: ToolFacts,
): ServerEntry {
  const inner = readEntry(
    ref,
    { ...transport, disabled: raw.disabled, env: transport.env ?? raw.env },
    toolFacts,
  );
  return inner.transport === 'stdio' && inner.shape === 'flat'
    ? { ...inner, shape: 'cline-transport' }
    : inner;
}

/** Grades an entry again after scan learnt more about it (the host auto-approves it). */
export function regrade(e: ServerEntry, toolFacts?: ToolFacts): ServerEntry {
  const { posture: _old, ...rest } = e;
  return finish(rest, toolFacts);
}

function finish(e: Omit<ServerEntry, 'posture'>, toolFacts?: ToolFacts): ServerEntry {
  const posture = gradeServer(
    {
      transport: e.transport,
      guarded: e.guarded,
      command: e.original?.command ?? e.command,
      args: e.original?.args ?? e.args,
      env: e.env,
      url: e.url,
      headers: e.headers,
      hasAuth: e.hasAuth,
      autoApproved: e.autoApproved === true,
    },
    toolFacts,
  );
  return { ...e, posture };
}
