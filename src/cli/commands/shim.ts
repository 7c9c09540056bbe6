import { parse, dataDirOf, str, UsageError } from '../args';
import type { Io } from '../output';
import { runShim } from '../../shim/run';

export const SHIM_HELP = `Usage: airlock shim --server NAME [--host HOST] [--data-dir DIR] [--] CMD [ARGS...]

Runs CMD as a stdio MCP server and stands between it and the host that started this
command: every tools/call waits for a decision from the Airlock gate (the app or
\`airlock gate\`). Hosts run this line; \`airlock hosts install\` writes it for you.
The server command follows the options, after \`--\` or without it; everything from
there on is the server's, options included.

Options:
  --server NAME     the server's name in the host's config (required)
  --host HOST       which host runs it (claude-desktop, cursor, …; default "unknown")
  --data-dir DIR    the gate's data directory (default: AIRLOCK_HOME, else the app's folder)
  --max-line BYTES  longest message accepted from the host (default 16 MiB)
  --max-server-line BYTES
                    longest message accepted from the server (default 64 MiB)`;

export function shimCommand(argv: string[], io: Io): number | 'running' {
  // The server command starts at `--` or at the first argument that is not one of ours: the
  // MCP Inspector's CLI swallows the first `--` of the line it is given.
  const { values, rest: server } = parse(
    argv,
    {
      server: { type: 'string' },
      host: { type: 'string' },
      'max-line': { type: 'string' },
      'max-server-line': { type: 'string' },
    },
    { stopAtPositional: true },
  );
  if (values.help) {
    io.out(SHIM_HELP);
    return 0;
  }
  const name = str(values, 'server');
  if (!name) throw new UsageError('shim needs --server NAME');
  const [command, ...args] = server;
  if (!command) throw new UsageError('shim needs the server command after its options');
  const maxLineBytes = byteLimit(str(values, 'max-line'), '--max-line');
  const maxServerLineBytes = byteLimit(str(values, 'max-server-line'), '--max-server-line');
  const progress = Number(process.env.AIRLOCK_PROGRESS_INTERVAL_MS);
  runShim({
    server: name,
    host: str(values, 'host') ?? 'unknown',
    dataDir: dataDirOf(values).dir,
    command,
    args,
    maxLineBytes,
    maxServerLineBytes,
    progressIntervalMs: Number.isFinite(progress) && progress > 0 ? progress : undefined,
  });
  return 'running';
}

function byteLimit(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const bytes = Number(text);
  if (!(Number.isSafeInteger(bytes) && bytes >= 1024)) {
    throw new UsageError(`${flag} is a whole number of bytes, at least 1024, not "${text}"`);
  }
  return bytes;
}
