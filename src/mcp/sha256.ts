// SHA-256 in hex of a line or a text: what the shim binds every held call and every result to.
// crypto.hash (Node 20.12 and later) does it in one native call; createHash builds a Hash
// object, with its checks, for each digest, which on the shim's untiered code (see
// shim/memory.ts) cost about twice as much for a line of 1 KB. Same digest either way.
import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: string | Buffer, encoding: 'hex') => string;

// Looked up on the namespace, not imported by name: Node 20 before 20.12 has no crypto.hash.
const oneShot = (crypto as { hash?: OneShot }).hash;

/** Hex SHA-256 of `data` (a text as its UTF-8 bytes). */
export function sha256Hex(data: Buffer | string): string {
  if (oneShot !== undefined) return oneShot('sha256', data, 'hex');
  return crypto.createHash('sha256').update(data).digest('hex');
}
