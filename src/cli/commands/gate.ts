import { parse, dataDirOf, noExtraArguments, str, UsageError } from '../args';
import { parseTimeoutSeconds } from './settings';
import type { Io } from '../output';
import { startGateService } from '../../gate/service';
import type { Mode } from '../../contract/types';
import { describeCall as describe } from '../describeCall';
import { describeResultHead } from '../describeResult';

export const GATE_HELP = `Usage: airlock gate [--data-dir DIR] [--mode ask|observe] [--timeout SECONDS]

Runs the Airlock gate in the foreground without the desktop app. Shims connect to it
over a local socket; decide waiting calls with \`airlock pending\`, \`airlock approve ID\`
and \`airlock deny ID\` from another terminal.

Options:
  --mode ask        calls that are not clearly read-only and low risk wait for a person,
                    unless a rule decides them (the default)
  --mode observe    allow and record everything, with what would have been decided
  --timeout S       deny a call nobody decided after S seconds (5 to 3600)
Both flags apply to this run only; without them the saved settings apply.
  --data-dir DIR    where the database, secret and socket live`;

export async function gateCommand(argv: string[], io: Io): Promise<number | 'running'> {
  const { values, positionals } = parse(argv, {
    mode: { type: 'string' },
    timeout: { type: 'string' },
  });
  if (values.help) {
    io.out(GATE_HELP);
    return 0;
  }
  noExtraArguments(positionals, 0);
  const mode = str(values, 'mode') as Mode | undefined;
  if (mode !== undefined && mode !== 'ask' && mode !== 'observe')
    throw new UsageError(`--mode is ask or observe, not "${mode}"`);
  const timeoutText = str(values, 'timeout');
  const timeoutS = timeoutText === undefined ? null : parseTimeoutSeconds(timeoutText, '--timeout');
  const { dir } = dataDirOf(values);
  // Without the flags the saved settings apply (`airlock settings`, or the app's Settings).
  const gate = await startGateService({
    dataDir: dir,
    ...(mode ? { mode } : {}),
    ...(timeoutS !== null ? { timeoutMs: timeoutS * 1000 } : {}),
    log: (l) => io.err(`airlock gate: ${l}`),
  });
  const running = gate.settings();
  io.out(
    `Airlock gate running (mode ${running.mode}, timeout ${running.timeoutSeconds}s, data dir ${dir}, socket ${gate.socketPath}). Ctrl-C stops it.`,
  );
  const announced = new Set<number>();
  gate.on('pending-changed', () => {
    const waiting = gate.pending();
    for (const call of waiting) {
      if (announced.has(call.id)) continue;
      announced.add(call.id);
      io.out(
        `waiting ${call.id}: ${describe(call)} — airlock approve ${call.id} | airlock deny ${call.id}`,
      );
    }
    // A Set, not a scan of the list per id: 200 waiting calls would cost 40,000 steps per change.
    const still = new Set(waiting.map((c) => c.id));
    for (const id of announced) if (!still.has(id)) announced.delete(id);
  });
  const heldResults = new Set<number>();
  gate.on('result-reviews-changed', () => {
    const held = gate.pendingResults();
    for (const r of held) {
      if (heldResults.has(r.id)) continue;
      heldResults.add(r.id);
      io.out(
        `result waiting ${r.id}: ${describeResultHead(r)} — airlock result ${r.id} pass|redact|replace`,
      );
    }
    for (const id of heldResults) if (!held.some((r) => r.id === id)) heldResults.delete(id);
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void gate.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return 'running';
}
