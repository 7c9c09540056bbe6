import { parse, dataDirOf, noExtraArguments, UsageError } from '../args';
import type { Io } from '../output';
import { openExistingRecord } from '../record';

export const AUDIT_HELP = `Usage: airlock audit verify [--json] [--data-dir DIR]

Checks the tamper-evident event chain of the record: every row must carry the hash of
the one before it, and every recorded call must agree with the chain. Names the first
bad row. Exit 0 when intact, 4 when not, 1 when there is no record at all (a mistyped
--data-dir, a deleted database).`;

export async function auditCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
  const [sub] = positionals;
  if (values.help || sub === undefined) {
    io.out(AUDIT_HELP);
    return values.help ? 0 : 2;
  }
  if (sub !== 'verify') throw new UsageError(`unknown audit command "${sub}" (it is: verify)`);
  noExtraArguments(positionals, 1);
  // No record is not an intact record: say so, never "intact: 0 events".
  const store = openExistingRecord(dataDirOf(values).dir);
  try {
    const result = store.audit.verify();
    if (values.json) io.out(JSON.stringify(result));
    else if (result.ok)
      io.out(
        result.calls === 0
          ? `The record is intact: ${result.rows} events, no calls recorded yet.`
          : `The record is intact: ${result.rows} events, ${result.calls} call${result.calls === 1 ? '' : 's'}.`,
      );
    else {
      const where =
        result.firstBadSeq !== null ? `event ${result.firstBadSeq}` : `call ${result.callId}`;
      io.out(`The record has been altered: first bad row is ${where}: ${result.problem}`);
    }
    return result.ok ? 0 : 4;
  } finally {
    store.close();
  }
}
