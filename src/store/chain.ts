// The append-only event chain: every mutation of the store appends one row whose hash covers
// the previous row's hash, so editing, deleting, reordering or cutting rows breaks the chain.
// It is tamper *evidence* against edits made without recomputing every later hash; anyone who
// can rewrite the whole file can rewrite the chain too.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { canonicalJson } from '../contract/canonicalJson';
import { hashHex } from './migrations/005_lean_record';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * One link of the chain as it is hashed. `prevHash` is the previous row's hash (the anchor's for
 * the first kept row): part of what is hashed, not stored in the row (migration 009).
 */
export interface EventRow {
  seq: number;
  at: number;
  type: string;
  callId: number | null;
  payload: string;
  prevHash: string;
  hash: string;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hash of one row: every column but the hash itself, after the previous row's hash. */
export function eventHash(row: Omit<EventRow, 'hash'>): string {
  return sha256(
    [row.prevHash, row.seq, row.at, row.type, row.callId ?? '', row.payload].join('\n'),
  );
}

export type EventAppender = (
  type: string,
  payload: Record<string, unknown>,
  at: number,
  callId?: number | null,
) => number;

/**
 * Appends to the chain and moves the head in the same statement group. Must run inside a
 * write transaction (the head is read there, so a second writer process cannot fork the chain).
 */
export function eventAppender(db: Database.Database): EventAppender {
  const head = db.prepare<[], { seq: number; hash: string }>(
    `SELECT seq, ${hashHex('hash')} AS hash FROM chain_head WHERE id = 1`,
  );
  // Hashes are stored as their 32 bytes (migration 005); they are computed over the hex text.
  // The previous hash is not stored (migration 009): verify reads it from the row before.
  const insert = db.prepare(
    'INSERT INTO events (seq, at, type, call_id, payload, hash) VALUES (?, ?, ?, ?, ?, unhex(?))',
  );
  const moveHead = db.prepare('UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1');
  return (type, payload, at, callId = null) => {
    if (!db.inTransaction) throw new Error('chain events are appended inside a transaction');
    const h = head.get();
    if (!h) throw new Error('chain head missing');
    const row = {
      seq: h.seq + 1,
      at,
      type,
      callId,
      payload: canonicalJson(payload),
      prevHash: h.hash,
    };
    const hash = eventHash(row);
    insert.run(row.seq, row.at, row.type, row.callId, row.payload, hash);
    moveHead.run(row.seq, hash);
    return row.seq;
  };
}
