// Timeouts and cancellations that come together commit together; a person's decision does not
// wait for the group. A real GroupCommit over a commit function that counts transactions.
import { describe, expect, it } from 'vitest';
import { GroupCommit, type DurableCommit } from './groupCommit';
import { committedInGroup, mayJoinGroup } from './groupedDecision';

function countingGroup(): { group: GroupCommit; transactions: number[]; fail: { now: boolean } } {
  const transactions: number[] = [];
  const fail = { now: false };
  let inTransaction = 0;
  const commit: DurableCommit = (fn, durable) => {
    if (fail.now) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    inTransaction = 0;
    const result = fn();
    transactions.push(inTransaction);
    setImmediate(() => durable(null)); // the flush, off the event loop
    return result;
  };
  const group = new GroupCommit(commit);
  const counted = group.add.bind(group);
  group.add = (item) =>
    counted({
      ...item,
      write: () => {
        inTransaction++;
        return item.write();
      },
    });
  return { group, transactions, fail };
}

describe('committedInGroup', () => {
  it('commits the decisions of one turn in one transaction, each resolved once durable', async () => {
    const { group, transactions } = countingGroup();
    const written: number[] = [];
    const done = Array.from({ length: 50 }, (_, i) =>
      committedInGroup(group, () => {
        written.push(i);
        return i;
      }),
    );
    expect(await Promise.all(done)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(transactions).toEqual([50]);
    expect(written).toEqual(Array.from({ length: 50 }, (_, i) => i)); // in order
  });

  it('rejects each decision of a group the database refused', async () => {
    const { group, fail } = countingGroup();
    fail.now = true;
    const results = await Promise.allSettled([
      committedInGroup(group, () => 1),
      committedInGroup(group, () => 2),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('mayJoinGroup', () => {
  it.each([
    ['timeout', true],
    ['host', true],
    ['user', false],
    ['gate', false],
    ['rule', false],
    ['policy', false],
    [null, false],
  ] as const)('%s → %s', (who, joins) => {
    expect(mayJoinGroup(who)).toBe(joins);
  });
});
