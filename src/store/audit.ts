// `airlock audit verify`: walks the chain from its anchor to its head, then checks every call
// row against the facts its events recorded. Reports the first problem only, by event seq.
import type Database from 'better-sqlite3';
import { eventHash, GENESIS_HASH } from './chain';
import {
  ALL_KEYS,
  factsDigest,
  firstDifference,
  keysOf,
  leanGroups,
  rowFacts,
  type CallDbRow,
  type Facts,
} from './facts';
import { hashHex } from './migrations/005_lean_record';
import { checkAnchor, type AnchorRead, type ChainHead, type ChainView } from './headAnchor';
import { compareState, currentState, StateReplay } from './stateChain';
import type { VerifyResult } from './types';

interface EventDbRow {
  seq: number;
  at: number;
  type: string;
  call_id: number | null;
  payload: string;
  hash: string;
}

interface Prune {
  firstKeptSeq: number;
  anchorHash: string;
  cutoff: number;
}

type Bad = Extract<VerifyResult, { ok: false }>;

/** What the chain says about one call, gathered from its events in order. */
interface CallGroup {
  id: number;
  /** Facts carried whole, the latest event's value for each key. */
  facts: Facts;
  /** The event that last carried each whole fact, to point at when the row differs. */
  keySeq: Map<string, number>;
  /** Digests of facts held by lean events, and the keys they cover. */
  digests: { seq: number; keys: string[]; sha256: string }[];
  digested: Set<string>;
  firstSeq: number;
  begun: boolean;
  at: number | null;
}

const newGroup = (id: number, firstSeq: number): CallGroup => ({
  id,
  facts: {},
  keySeq: new Map(),
  digests: [],
  digested: new Set(),
  firstSeq,
  begun: false,
  at: null,
});

const bad = (firstBadSeq: number | null, problem: string, callId?: number): Bad =>
  callId === undefined
    ? { ok: false, firstBadSeq, problem }
    : { ok: false, firstBadSeq, callId, problem };

/** The chain as one connection sees it, for checking the head anchor against. */
export function chainViewer(db: Database.Database): (head?: ChainHead) => ChainView {
  const headQ = db.prepare<[], ChainHead>(
    `SELECT seq, ${hashHex('hash')} AS hash FROM chain_head WHERE id = 1`,
  );
  const firstQ = db.prepare<[], number>('SELECT first_seq FROM chain_anchor WHERE id = 1').pluck();
  const hashQ = db
    .prepare<[number], string>(`SELECT ${hashHex('hash')} FROM events WHERE seq = ?`)
    .pluck();
  // `head`: a head known already (the one a flush made durable). The first kept seq is read
  // only when asked: advancing the anchor along its own chain rarely needs it.
  return (head?: ChainHead) => ({
    head: head ?? headQ.get() ?? { seq: 0, hash: GENESIS_HASH },
    get firstSeq() {
      return firstQ.get() ?? 1;
    },
    hashAt: (seq) => hashQ.get(seq) ?? null,
  });
}

/**
 * `anchor` is the head file beside the database, read before the snapshot is taken: a commit
 * racing with verify can then only leave the database ahead of it, never behind.
 */
export function verifyStore(r: Database.Database, anchor: AnchorRead = 'missing'): VerifyResult {
  // One read transaction: the whole check sees one snapshot while the gate keeps writing.
  return r.transaction(() => {
    const chain = verifyChain(r);
    if (!chain.ok) return chain;
    const calls = verifyCalls(r, chain.lastPrune);
    if (!calls.ok) return calls;
    const state = compareState(chain.replay, currentState(r));
    if (state) return bad(state.seq, state.problem);
    const anchored = checkAnchor(anchor, chainViewer(r)());
    if (!anchored.ok) return bad(anchored.firstBadSeq, anchored.problem);
    return { ok: true as const, rows: chain.rows, calls: calls.calls, anchor: anchored.anchor };
  })();
}

function verifyChain(
  r: Database.Database,
): Bad | { ok: true; rows: number; lastPrune: Prune | null; replay: StateReplay } {
  const anchor = r
    .prepare<[], { first_seq: number; prev_hash: string }>(
      `SELECT first_seq, ${hashHex('prev_hash')} AS prev_hash FROM chain_anchor WHERE id = 1`,
    )
    .get();
  const head = r
    .prepare<[], { seq: number; hash: string }>(
      `SELECT seq, ${hashHex('hash')} AS hash FROM chain_head WHERE id = 1`,
    )
    .get();
  if (!anchor || !head) return bad(null, 'the chain head or anchor row is missing');

  let expected = anchor.first_seq;
  let prev = anchor.prev_hash;
  let lastPrune: Prune | null = null;
  const replay = new StateReplay();
  const events = r.prepare<[], EventDbRow>(
    `SELECT seq, at, type, call_id, payload, ${hashHex('hash')} AS hash FROM events ORDER BY seq`,
  );
  for (const e of events.iterate()) {
    if (e.seq < expected)
      return bad(e.seq, `row ${e.seq} lies before the chain's start (${expected})`);
    if (e.seq > expected) return bad(expected, `row ${expected} is missing`);
    // The link is the hash itself, computed over the previous row's stored hash: it fails at
    // an edited row, and at the row after one edited with its hash recomputed.
    const computed = eventHash({
      seq: e.seq,
      at: e.at,
      type: e.type,
      callId: e.call_id,
      payload: e.payload,
      prevHash: prev,
    });
    if (computed !== e.hash)
      return bad(e.seq, `row ${e.seq} was changed (its hash does not match)`);
    const payload = JSON.parse(e.payload) as Record<string, unknown>;
    if (e.type === 'pruned') lastPrune = payload as unknown as Prune;
    replay.apply(e.seq, e.type, payload);
    prev = e.hash;
    expected++;
  }
  const last = expected - 1;
  if (head.seq > last)
    return bad(expected, `rows ${expected}..${head.seq} are missing (the chain was cut)`);
  if (head.seq < last)
    return bad(head.seq + 1, `rows after ${head.seq} are not covered by the chain head`);
  if (head.hash !== prev) return bad(last, `row ${last} does not match the chain head`);
  const pruned = anchor.first_seq !== 1 || anchor.prev_hash !== GENESIS_HASH;
  if (
    pruned &&
    (lastPrune === null ||
      lastPrune.firstKeptSeq !== anchor.first_seq ||
      lastPrune.anchorHash !== anchor.prev_hash)
  ) {
    return bad(
      anchor.first_seq,
      `rows before ${anchor.first_seq} were removed without a prune record`,
    );
  }
  return { ok: true, rows: last - anchor.first_seq + 1, lastPrune, replay };
}

function verifyCalls(r: Database.Database, prune: Prune | null): Bad | { ok: true; calls: number } {
  const callEvents = r.prepare<[], EventDbRow>(
    'SELECT seq, at, type, call_id, payload FROM events WHERE call_id IS NOT NULL ORDER BY call_id, seq',
  );
  const callRow = r.prepare<[number], CallDbRow>('SELECT * FROM calls WHERE id = ?');
  // A call may be absent from the chain only if pruning could have removed its events.
  const prunedCall = (at: number | null) => prune !== null && (at === null || at < prune.cutoff);

  let checked = 0;
  let group: CallGroup | null = null;

  const finish = (): Bad | null => {
    if (!group) return null;
    const g = group;
    const row = callRow.get(g.id);
    if (!row) {
      const at = g.begun ? g.at : null;
      return prunedCall(at)
        ? null
        : bad(g.firstSeq, `call ${g.id} was deleted from the history`, g.id);
    }
    checked++;
    const actual = rowFacts(row);
    // Facts an event carried whole (older events, and a lean event's decision in the clear).
    const whole = g.begun ? ALL_KEYS.filter((k) => !g.digested.has(k)) : [...g.keySeq.keys()];
    const diff = firstDifference(g.facts, actual, whole);
    if (diff !== null) {
      const seq = g.keySeq.get(diff) ?? g.firstSeq;
      return bad(seq, `call ${g.id}: ${diff} differs from what the chain recorded`, g.id);
    }
    // Facts a lean event holds by digest: the row must hash to it.
    for (const d of g.digests) {
      if (factsDigest(actual, d.keys) !== d.sha256)
        return bad(
          d.seq,
          `call ${g.id}: one of ${d.keys.join(', ')} differs from what the chain recorded`,
          g.id,
        );
    }
    return null;
  };

  for (const e of callEvents.iterate()) {
    const id = e.call_id as number;
    if (!group || group.id !== id) {
      const problem = finish();
      if (problem) return problem;
      group = newGroup(id, e.seq);
    }
    const payload = JSON.parse(e.payload) as Facts;
    const begins = e.type === 'call.begun' || e.type === 'call.recorded';
    if (begins) group.begun = true;
    const groups = leanGroups(payload);
    if (groups) {
      const keys = keysOf(groups);
      group.digests.push({ seq: e.seq, keys, sha256: payload.sha256 as string });
      for (const k of keys) group.digested.add(k);
      if (begins) group.at = e.at; // a call.begun/recorded event is stamped with the call's time
      if (groups.includes('decided')) {
        group.facts.decision = payload.decision;
        group.keySeq.set('decision', e.seq);
        group.digested.delete('decision');
      }
      continue;
    }
    const { callId: _callId, ...facts } = payload;
    Object.assign(group.facts, facts);
    for (const k of Object.keys(facts)) {
      group.keySeq.set(k, e.seq);
      group.digested.delete(k);
    }
    if (begins) group.at = facts.at as number;
  }
  const problem = finish();
  if (problem) return problem;

  const unchained = r.prepare<[], { id: number; at: number }>(
    `SELECT c.id, c.at FROM calls c
     WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.call_id = c.id) ORDER BY c.id`,
  );
  for (const c of unchained.iterate()) {
    if (!prunedCall(c.at)) return bad(null, `call ${c.id} is not recorded in the chain`, c.id);
    checked++;
  }
  return { ok: true, calls: checked };
}
