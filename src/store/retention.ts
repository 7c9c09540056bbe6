// Pruning deletes old calls and the chain's prefix together, without breaking verification:
// the anchor row records where the kept chain starts and the hash of the last removed row
// (the kept first row's prev_hash), and a 'pruned' event appended to the chain records the same
// anchor, so moving the anchor or deleting early rows by hand is still caught.
import type { StoreContext } from './context';
import { hashHex } from './migrations/005_lean_record';
import { currentState } from './stateChain';
import type { PruneResult } from './types';

const DAY_MS = 86_400_000;

export interface RetentionRepo {
  /** Deletes decided calls received before now - days, and chain events before them. */
  prune(olderThanDays: number, now: number): PruneResult;
}

export function retentionRepo(ctx: StoreContext): RetentionRepo {
  const delCalls = ctx.w.prepare('DELETE FROM calls WHERE at < ? AND decision IS NOT NULL');
  const anchor = ctx.w.prepare<[], { first_seq: number; prev_hash: string }>(
    `SELECT first_seq, ${hashHex('prev_hash')} AS prev_hash FROM chain_anchor WHERE id = 1`,
  );
  const headSeq = ctx.w.prepare<[], number>('SELECT seq FROM chain_head WHERE id = 1').pluck();
  // Walks from the oldest row and stops at the first one to keep: cost grows with what is pruned.
  const firstKept = ctx.w
    .prepare<[number], number>('SELECT seq FROM events WHERE at >= ? ORDER BY seq LIMIT 1')
    .pluck();
  const hashOf = ctx.w
    .prepare<[number], string>(`SELECT ${hashHex('hash')} FROM events WHERE seq = ?`)
    .pluck();
  const moveAnchor = ctx.w.prepare(
    'UPDATE chain_anchor SET first_seq = ?, prev_hash = ? WHERE id = 1',
  );
  const delEvents = ctx.w.prepare('DELETE FROM events WHERE seq < ?');

  return {
    prune(olderThanDays, now) {
      if (!(olderThanDays >= 0)) throw new Error('olderThanDays must be a number of days ≥ 0');
      const cutoff = now - olderThanDays * DAY_MS;
      return ctx.write(() => {
        const calls = delCalls.run(cutoff).changes;
        const start = anchor.get();
        if (!start) throw new Error('chain anchor missing');
        const keepFrom = firstKept.get(cutoff) ?? (headSeq.get() ?? 0) + 1;
        let events = 0;
        let at = start;
        if (keepFrom > start.first_seq) {
          const prevHash = hashOf.get(keepFrom - 1);
          if (prevHash === undefined) throw new Error(`chain row ${keepFrom - 1} missing`);
          // The anchor moves first: the delete trigger allows only rows before it to go.
          moveAnchor.run(keepFrom, prevHash);
          events = delEvents.run(keepFrom).changes;
          at = { first_seq: keepFrom, prev_hash: prevHash };
        }
        if (calls === 0 && events === 0) return { calls, events, seq: null };
        const seq = ctx.append(
          'pruned',
          {
            cutoff,
            olderThanDays,
            calls,
            events,
            firstKeptSeq: at.first_seq,
            anchorHash: at.prev_hash,
            // The rule, setting and tool events before the cut are gone: keep what they built.
            state: currentState(ctx.w),
          },
          now,
        );
        return { calls, events, seq };
      });
    },
  };
}
