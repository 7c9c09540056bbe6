import { readFileSync, statSync } from 'node:fs';
import { inexactNumberShown } from '../../contract/exactNumbers';
import { parse, dataDirOf, noExtraArguments, str, UsageError } from '../args';
import type { Io } from '../output';
import { controlRequest } from '../control';
import { settledResultSentence, settledSentence } from '../settled';
import { describeCall } from '../describeCall';
import { describeHeldResult } from '../describeResult';
import type { ResultVerdict } from '../../gate/wire';
import { RESULT_MESSAGE_MAX_CHARS } from '../../gate/wireLimits';

const DECIDE_TIMEOUT_MS = 10_000;

export const PENDING_HELP = `Usage: airlock pending [--json] [--data-dir DIR]

Lists the calls waiting for a decision, oldest first, then the results held for review
(marked RESULT; decide them with \`airlock result ID pass|redact|replace\`).
--json prints one list: each call with "kind": "call", then each held result with
"kind": "result".`;

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
  const tooBig = (): Error => new Error(`--args: ${where} is over ${MAX_ARGS_BYTES >> 20} MiB`);
  let bytes: Buffer | null;
  try {
    // A file is measured before it is read: a mistaken path to a huge file fails at once.
    if (source === '-') bytes = readStdin();
    else bytes = statSync(source).size > MAX_ARGS_BYTES ? null : readFileSync(source);
  } catch (err) {
    throw new Error(
      `--args: cannot read ${where}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      { cause: err },
    );
  }
  if (bytes === null || bytes.length > MAX_ARGS_BYTES) throw tooBig();
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`--args: ${where} is not valid JSON (${(err as Error).message})`, {
      cause: err,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`--args: ${where} must hold a JSON object (the tool's arguments)`);
  const inexact = inexactNumberShown(text);
  if (inexact !== undefined)
    throw new Error(
      `--args: ${where} holds ${inexact}, a number that would reach the tool changed (JSON numbers keep about 16 digits)`,
    );
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
  const results = res.results ?? [];
  if (values.json) {
    const listed = [
      ...res.calls.map((c) => ({ kind: 'call', ...c })),
      ...results.map((r) => ({ kind: 'result', ...r })),
    ];
    io.out(JSON.stringify(listed, null, 2));
    return 0;
  }
  const now = Date.now();
  if (res.calls.length === 0) io.out('No calls waiting.');
  for (const call of res.calls) {
    const left = Math.max(0, Math.round((call.deadline - now) / 1000));
    io.out(`${call.id}  ${describeCall(call)}  (${left}s left)`);
    if (call.askReasons.length) io.out(`    asking because: ${call.askReasons.join(' ')}`);
  }
  if (results.length === 0) return 0;
  io.out(`${results.length} result(s) waiting for review (airlock result ID pass|redact|replace):`);
  for (const r of results) for (const line of describeHeldResult(r, now)) io.out(line);
  return 0;
}

export const RESULT_HELP = `Usage: airlock result ID pass|redact|replace [--message TEXT] [--data-dir DIR]

Decides the result of call ID held for review (see \`airlock pending\`), as the popup does:
  pass      the server's result reaches the agent unchanged
  redact    it reaches the agent with secrets masked in every string
  replace   the agent reads an error instead: "Withheld by the user in Airlock: the result
            was not passed on." followed by --message, if given (replace only)`;

const RESULT_VERDICTS: readonly ResultVerdict[] = ['pass', 'redact', 'replace'];
const RESULT_DONE: Record<ResultVerdict, string> = {
  pass: 'Passed the result of call %d to the agent.',
  redact: 'Passed the result of call %d to the agent, secrets masked.',
  replace: 'Replaced the result of call %d with an error for the agent.',
};

export async function resultCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { message: { type: 'string', short: 'm' } });
  if (values.help) {
    io.out(RESULT_HELP);
    return 0;
  }
  if (positionals.length < 2)
    throw new UsageError(
      'result needs the ID of a held result and a verdict: airlock result ID pass|redact|replace',
    );
  noExtraArguments(positionals, 2);
  const [idText, verdictText] = positionals as [string, string];
  const id = Number(idText);
  if (!/^\d+$/.test(idText) || !Number.isSafeInteger(id) || id <= 0)
    throw new UsageError(`"${idText}" is not a call ID (a whole number such as 12)`);
  const verdict = RESULT_VERDICTS.find((v) => v === verdictText);
  if (!verdict)
    throw new UsageError(`"${verdictText}" is not a verdict: say pass, redact or replace`);
  const message = str(values, 'message');
  if (message !== undefined && verdict !== 'replace')
    throw new UsageError(
      '--message goes only with replace (the agent reads it in place of the result)',
    );
  if (message !== undefined && message.length > RESULT_MESSAGE_MAX_CHARS)
    throw new UsageError(`--message is over ${RESULT_MESSAGE_MAX_CHARS} characters`);
  const res = await controlRequest(
    dataDirOf(values).dir,
    { t: 'decideResult', id, verdict, ...(message !== undefined ? { message } : {}) },
    DECIDE_TIMEOUT_MS,
  );
  if (res.t === 'error') {
    // The popup, the clock or the host got there first: say what became of the result.
    if (res.review) throw new Error(settledResultSentence(id, res.review, Date.now()));
    throw new Error(res.message);
  }
  if (res.t !== 'ok') throw new Error('unexpected answer from the gate');
  io.out(RESULT_DONE[verdict].replace('%d', String(id)));
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
