import { readFileSync } from 'node:fs';
import { parse, dataDirOf, noExtraArguments, str, UsageError } from '../args';
import type { Io } from '../output';
import { controlRequest } from '../control';
import { settledSentence } from '../settled';
import { describeCall } from '../describeCall';

const DECIDE_TIMEOUT_MS = 10_000;

export const PENDING_HELP = `Usage: airlock pending [--json] [--data-dir DIR]

Lists the calls waiting for a decision, oldest first.`;

export const DECIDE_HELP = (
  verb: 'approve' | 'deny',
): string => `Usage: airlock ${verb} ID ${verb === 'approve' ? '[--args FILE|-] ' : ''}[--message TEXT] [--data-dir DIR]

${verb === 'approve' ? 'Approves' : 'Denies'} the waiting call ID (see \`airlock pending\`).${
  verb === 'deny'
    ? '\nThe message, if any, reaches the agent with the denial.'
    : "\n--args approves it with these arguments instead of the agent's: a JSON object, read from\nFILE or from stdin (-), checked against the tool's input schema by the gate. The agent is\ntold its call was edited; the record keeps both."
}`;

/** Edited arguments are held whole like a host's line: at most its limit. */
const MAX_ARGS_BYTES = 16 * 1024 * 1024;

/** `--args FILE|-`: the edited arguments, a JSON object, or a clear error. */
export function readEditedArgs(source: string, readStdin: () => Buffer): unknown {
  const where = source === '-' ? 'stdin' : source;
  let bytes: Buffer;
  try {
    bytes = source === '-' ? readStdin() : readFileSync(source);
  } catch (err) {
    throw new Error(
      `--args: cannot read ${where}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  if (bytes.length > MAX_ARGS_BYTES)
    throw new Error(`--args: ${where} is over ${MAX_ARGS_BYTES >> 20} MiB`);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new Error(`--args: ${where} is not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`--args: ${where} must hold a JSON object (the tool's arguments)`);
  return value;
}

const readAllStdin = (): Buffer => readFileSync(0);

export async function pendingCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
  if (values.help) {
    io.out(PENDING_HELP);
    return 0;
  }
  noExtraArguments(positionals, 0);
  const res = await controlRequest(dataDirOf(values).dir, { t: 'pending' });
  if (res.t !== 'pending')
    throw new Error(res.t === 'error' ? res.message : 'unexpected answer from the gate');
  if (values.json) {
    io.out(JSON.stringify(res.calls, null, 2));
    return 0;
  }
  if (res.calls.length === 0) io.out('No calls waiting.');
  for (const call of res.calls) {
    const left = Math.max(0, Math.round((call.deadline - Date.now()) / 1000));
    io.out(`${call.id}  ${describeCall(call)}  (${left}s left)`);
    if (call.askReasons.length) io.out(`    asking because: ${call.askReasons.join(' ')}`);
  }
  return 0;
}

export async function decideCommand(
  verb: 'approve' | 'deny',
  argv: string[],
  io: Io,
): Promise<number> {
  const { values, positionals } = parse(argv, {
    message: { type: 'string', short: 'm' },
    ...(verb === 'approve' ? { args: { type: 'string' as const } } : {}),
  });
  if (values.help) {
    io.out(DECIDE_HELP(verb));
    return 0;
  }
  if (positionals.length === 0)
    throw new UsageError(`${verb} needs the ID of a waiting call, as \`airlock pending\` lists it`);
  noExtraArguments(positionals, 1);
  const id = Number(positionals[0]);
  if (!/^\d+$/.test(positionals[0]!) || !Number.isSafeInteger(id) || id <= 0)
    throw new UsageError(`"${positionals[0]}" is not a call ID (a whole number such as 12)`);
  const message = str(values, 'message');
  const argsSource = str(values, 'args');
  const args = argsSource === undefined ? undefined : readEditedArgs(argsSource, readAllStdin);
  // Generous: a gate waiting on a locked database answers with that cause, not a timeout.
  const res = await controlRequest(
    dataDirOf(values).dir,
    {
      t: 'decide',
      id,
      verdict: verb === 'approve' ? 'allow' : 'deny',
      ...(message !== undefined ? { message } : {}),
      ...(args !== undefined ? { args } : {}),
    },
    DECIDE_TIMEOUT_MS,
  );
  if (res.t === 'error') {
    // Someone (the popup, a rule, the clock) got there first: say what became of the call.
    if (res.settled) throw new Error(settledSentence(id, res.settled, Date.now()));
    throw new Error(res.message);
  }
  io.out(
    `${verb === 'approve' ? 'Approved' : 'Denied'} call ${id}${args !== undefined ? ' with your edited arguments' : ''}.`,
  );
  return 0;
}

export async function statusCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
  if (values.help) {
    io.out(
      'Usage: airlock status [--json] [--data-dir DIR]\n\nSays whether a gate is running for the data directory (exit 3 when not).',
    );
    return 0;
  }
  noExtraArguments(positionals, 0);
  const { dir } = dataDirOf(values);
  try {
    const res = await controlRequest(dir, { t: 'status' });
    if (res.t !== 'status') throw new Error('unexpected answer from the gate');
    if (values.json) io.out(JSON.stringify({ running: true, ...res, req: undefined }));
    else
      io.out(
        `Gate running (pid ${res.pid}, mode ${res.mode}): ${res.sessions} shim(s) connected, ${res.pending} call(s) waiting. Data dir ${dir}.`,
      );
    return 0;
  } catch (err) {
    if (values.json)
      io.out(JSON.stringify({ running: false, dataDir: dir, reason: (err as Error).message }));
    else io.out(`No gate running for ${dir}: ${(err as Error).message}.`);
    return 3;
  }
}
