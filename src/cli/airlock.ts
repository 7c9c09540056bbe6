#!/usr/bin/env node
// The `airlock` command. Each subcommand is loaded on demand so that `airlock shim`, which a
// host may start only to probe it, loads nothing it does not need (no SQLite, no zod).
import { UsageError } from './args';
import { processIo, type Io } from './output';
import { splitGlobalOptions } from './global';
import { version } from '../../package.json';
import { settleRuntime } from './runtime';

// Before anything reads the environment: which runtime host configs should name (the packaged
// app's helper when its binary runs us as Node), and no ELECTRON_RUN_AS_NODE for children.
settleRuntime();

const HELP = `Usage: airlock [--data-dir DIR] <command> [options]
       airlock help <command>
       airlock --version

Airlock stands between your MCP host (Claude Desktop, Claude Code, Cursor, VS Code…)
and the MCP servers it launches, and asks you before an agent's tool call runs.

Commands:
  gate      run the gate service in the foreground, without the desktop app
  shim      run one MCP server behind the gate (hosts run this; see \`hosts install\`)
  pending   list the calls waiting for a decision and the results held for review
  approve   approve a waiting call
  deny      deny a waiting call, optionally with a message for the agent
  result    pass, pass redacted or replace a result held for review
  status    say whether a gate is running
  settings  show or change the gate's settings (mode, paused, timeout, retention)
  hosts     find MCP hosts and servers on this machine; guard or unguard them
  history   the recorded calls and decisions
  rules     list, add, edit, remove and test auto-approve rules
  servers   the servers seen, what changed in the code they run; review a change;
            switch a tool off or on
  audit     verify the tamper-evident record

Every command takes --help, and --data-dir DIR before or after the command (default:
AIRLOCK_HOME, else the app's data folder).`;

type Result = number | 'running';

const COMMANDS = [
  'gate',
  'shim',
  'pending',
  'approve',
  'deny',
  'result',
  'status',
  'settings',
  'hosts',
  'history',
  'rules',
  'audit',
  'servers',
] as const;
type Command = (typeof COMMANDS)[number];

const isCommand = (word: string): word is Command => (COMMANDS as readonly string[]).includes(word);

/** Which help a usage error points to; set as soon as the command is known. */
let helpTopic = 'airlock --help';

async function run(argv: string[], io: Io): Promise<Result> {
  const global = splitGlobalOptions(argv);
  if (global.version) {
    io.out(`airlock ${version}`);
    return 0;
  }
  const { command, rest } = global;
  if (command === undefined) {
    io.out(HELP);
    return global.help ? 0 : 2;
  }
  if (command === 'help') {
    const [topic, ...extra] = rest;
    if (topic === undefined || topic === 'help') {
      io.out(HELP);
      return 0;
    }
    if (!isCommand(topic)) throw new UsageError(`there is no command "${topic}"`);
    // `airlock help rules add` shows the rules help, which covers add.
    return dispatch(topic, [...extra.filter((a) => !a.startsWith('-')).slice(0, 1), '--help'], io);
  }
  if (!isCommand(command)) throw new UsageError(`unknown command "${command}"`);
  helpTopic = `airlock ${command} --help`;
  return dispatch(command, global.help ? ['--help'] : rest, io);
}

async function dispatch(command: Command, rest: string[], io: Io): Promise<Result> {
  switch (command) {
    case 'shim':
      return (await import('./commands/shim')).shimCommand(rest, io);
    case 'gate':
      return (await import('./commands/gate')).gateCommand(rest, io);
    case 'pending':
      return (await import('./commands/decide')).pendingCommand(rest, io);
    case 'approve':
    case 'deny':
      return (await import('./commands/decide')).decideCommand(command, rest, io);
    case 'result':
      return (await import('./commands/decide')).resultCommand(rest, io);
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
  }
}

run(process.argv.slice(2), processIo).then(
  (result) => {
    if (result !== 'running') process.exitCode = result;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof UsageError) {
      processIo.err(`airlock: ${message} (see ${helpTopic})`);
      process.exitCode = 2;
    } else {
      processIo.err(`airlock: ${message}`);
      process.exitCode = 1;
    }
  },
);
