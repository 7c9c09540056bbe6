// Reading one server entry as each host writes it: stdio `{command, args, env}`, Zed's older
// `{command: {path, args, env}}`, and the remote forms (`url`, Windsurf's `serverUrl`, Gemini's
// `httpUrl`, VS Code / Claude Code `type`).
import { gradeServer } from './posture';
import type { HostId, LaunchShape, ServerEntry, ToolFacts, Transport } from './types';
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
}

export function launchPaths(shape: LaunchShape): { command: string[]; args: string[] } {
  return shape === 'zed-legacy'
    ? { command: ['command', 'path'], args: ['command', 'args'] }
    : { command: ['command'], args: ['args'] };
}

export function readEntry(ref: EntryRef, raw: unknown, toolFacts?: ToolFacts): ServerEntry {
  const base = { ...ref, hasAuth: false, disabled: false };
  if (!isRecord(raw)) {
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
  const disabled = raw.disabled === true || raw.enabled === false;
  const type = typeof raw.type === 'string' ? raw.type.toLowerCase() : undefined;
  const url = [raw.url, raw.serverUrl, raw.httpUrl].find((u): u is string => typeof u === 'string');

  let shape: LaunchShape | undefined;
  let command: string | undefined;
  let argsRaw: unknown;
  let env = stringMap(raw.env);
  if (typeof raw.command === 'string') {
    shape = 'flat';
    command = raw.command;
    argsRaw = raw.args;
  } else if (isRecord(raw.command) && typeof raw.command.path === 'string') {
    shape = 'zed-legacy';
    command = raw.command.path;
    argsRaw = raw.command.args;
    env = stringMap(raw.command.env) ?? env;
  }

  const remoteType = type !== undefined && type !== 'stdio';
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
          note: "Provided by a Zed extension: Zed launches it, out of the shim's reach.",
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
    },
    toolFacts,
  );
  return { ...e, posture };
}
