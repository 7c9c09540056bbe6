#!/usr/bin/env node
// The `airlock` command. Each subcommand is loaded on demand so that `airlock shim`, which a
// host may start only to probe it, loads nothing it does not need (no SQLite, no zod).
import { UsageError } from './args';
import { processIo, type Io } from './output';

const HELP = `Usage: airlock <command> [options]

Airlock stands between your MCP host (Claude Desktop, Claude Code, Cursor, VS Code…)
and the MCP servers it launches, and asks you before an agent's tool call runs.

Commands:
  gate      run the gate service in the foreground, without the desktop app
  shim      run one MCP server behind the gate (hosts run this; see \`hosts install\`)
  pending   list the calls waiting for a decision
  approve   approve a waiting call
  deny      deny a waiting call, optionally with a message for the agent
  status    say whether a gate is running
  settings  show or change the gate's settings (mode, paused, timeout, retention)
  hosts     find MCP hosts and servers on this machine; guard or unguard them
  history   the recorded calls and decisions
  rules     list, add, remove and test auto-approve rules
  servers   the servers seen, what changed in the code they run; review a change
  audit     verify the tamper-evident record

Every command takes --help, and --data-dir DIR (default: AIRLOCK_HOME, else the
app's data folder).`;

type Result = number | 'running';

async function run(argv: string[], io: Io): Promise<Result> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      io.out(HELP);
      return command === undefined ? 2 : 0;
    case 'shim':
      return (await import('./commands/shim')).shimCommand(rest, io);
    case 'gate':
      return (await import('./commands/gate')).gateCommand(rest, io);
    case 'pending':
      return (await import('./commands/decide')).pendingCommand(rest, io);
    case 'approve':
    case 'deny':
      return (await import('./commands/decide')).decideCommand(command, rest, io);
    case 'status':
      return (await import('./commands/decide')).statusCommand(rest, io);
    case 'history':
      return (await import('./commands/history')).historyCommand(rest, io);
    case 'rules':
      return (await import('./commands/rules')).rulesCommand(rest, io);
    case 'audit':
      return (await import('./commands/audit')).auditCommand(rest, io);
    case 'settings':
      return (await import('./commands/settings')).settingsCommand(rest, io);
    case 'hosts':
      return (await import('./commands/hosts')).hostsCli(rest, io);
    case 'servers':
      return (await import('./commands/servers')).serversCommand(rest, io);
    default:
      throw new UsageError(`unknown command "${command}" (see airlock --help)`);
  }
}

run(process.argv.slice(2), processIo).then(
  (result) => {
    if (result !== 'running') process.exitCode = result;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    processIo.err(`airlock: ${message}`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
