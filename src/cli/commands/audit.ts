import { parse, dataDirOf, noExtraArguments, UsageError } from '../args';
import type { Io } from '../output';
import { openExistingRecord } from '../record';

export const AUDIT_HELP = `Usage: airlock audit verify [--json] [--data-dir DIR]
       airlock audit reanchor [--data-dir DIR]

verify checks the tamper-evident event chain of the record: every row must carry the hash of
the one before it, every recorded call, rule, setting and tool state must agree with the
chain, and the chain must reach the head recorded in the anchor file beside the database
(airlock.db.head), so deleting the newest rows and moving the head back is caught too. Names
the first bad row. Exit 0 when intact, 4 when not, 1 when there is no record at all (a
mistyped --data-dir, a deleted database).

reanchor accepts the database as it is now: after you have looked at what verify reported, it
rewrites the anchor file to the database's current head.`;

const ANCHOR_NOTE = {
  matches: 'its head matches the anchor beside it',
  missing: 'no anchor beside it yet (written with the next change)',
  'pruned-past': 'the anchor names a row pruned since',
} as const;

export async function auditCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
  const [sub] = positionals;
  if (values.help || sub === undefined) {
    io.out(AUDIT_HELP);
    return values.help ? 0 : 2;
  }
  if (sub !== 'verify' && sub !== 'reanchor')
    throw new UsageError(`unknown audit command "${sub}" (it is: verify or reanchor)`);
  noExtraArguments(positionals, 1);
  // No record is not an intact record: say so, never "intact: 0 events".
  const store = openExistingRecord(dataDirOf(values).dir);
  try {
    if (sub === 'reanchor') {
      const before = store.audit.checkAnchor();
      store.audit.reanchor();
      io.out(
        before.ok
          ? 'The anchor now records the database’s current head.'
          : `The anchor now records the database’s current head (it reported: ${before.problem}).`,
      );
      return 0;
    }
    const result = store.audit.verify();
    if (values.json) io.out(JSON.stringify(result));
    else if (result.ok)
      io.out(
        result.calls === 0
          ? `The record is intact: ${result.rows} events, no calls recorded yet; ${ANCHOR_NOTE[result.anchor]}.`
          : `The record is intact: ${result.rows} events, ${result.calls} call${result.calls === 1 ? '' : 's'}; ${ANCHOR_NOTE[result.anchor]}.`,
      );
    else {
      const where =
        result.firstBadSeq !== null
          ? `event ${result.firstBadSeq}`
          : result.callId !== undefined
            ? `call ${result.callId}`
            : null;
      io.out(
        where
          ? `The record has been altered: first bad row is ${where}: ${result.problem}`
          : `The record has been altered: ${result.problem}`,
      );
    }
    return result.ok ? 0 : 4;
  } finally {
    store.close();
  }
}
