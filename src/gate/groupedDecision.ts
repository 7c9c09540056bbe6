// Decisions nobody waits on at the keyboard (a timeout, a host's cancellation) join the group
// commit of their turn (groupCommit.ts) instead of a transaction each: 50 calls held together
// time out together, and a host that gives up cancels all it sent at once. One at a time,
// each paid its own transaction and audit-chain append on the gate's event loop (~3 ms on a
// loaded machine, 150 ms for 50), while `status` and `pending` waited behind them.
import type { DecidedBy } from '../contract/types';
import type { GroupCommit } from './groupCommit';

/** Resolves once the group holding `write` is committed and on the disk; rejects if not. */
export function committedInGroup<T>(group: GroupCommit, write: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) =>
    group.add({ write, committed: resolve, failed: reject }),
  );
}

/**
 * Whether a decision may wait for its turn's group. A person's decision may not: whoever
 * decided hears at once whether it was recorded (takeRecordFailure); and a gate that stops
 * (interrupted) commits before it closes the record. Pure.
 */
export function mayJoinGroup(decidedBy: DecidedBy | null): boolean {
  return decidedBy === 'timeout' || decidedBy === 'host';
}
