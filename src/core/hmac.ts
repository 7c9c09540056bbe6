// Hashes, MACs and nonces for the gate's socket: the handshake's proofs, the sealed lines, the
// socket path's key. node:crypto does the work by default. A process that only sends a few small
// messages to the gate and exits (the CLI's decide and status commands) calls
// useScriptHashing() first and never loads node:crypto, whose loading costs such a process about
// as much CPU as the rest of what it does; the results are the same bytes (./sha256.test.ts).
import { closeSync, openSync, readSync } from 'node:fs';
import { hmacSha256, sha256 } from './sha256';

type NodeCrypto = ReturnType<typeof loadNodeCrypto>;
const loadNodeCrypto = () => process.getBuiltinModule('node:crypto');
let nodeCrypto: NodeCrypto | null = null;
const crypto = (): NodeCrypto => (nodeCrypto ??= loadNodeCrypto());

let script = false;

/**
 * Past this many characters node:crypto is loaded after all: hashing them in JavaScript would
 * cost more than loading it (a large `approve --args`, a long pending list).
 */
const SCRIPT_LIMIT = 256 * 1024;

/** From now on this process hashes in JavaScript and reads nonces from the OS directly. */
export function useScriptHashing(): void {
  script = true;
}

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

/** HMAC-SHA256 under `key` of the parts, one after the other. */
export function hmac(key: string, ...parts: string[]): Buffer {
  if (script && parts.reduce((n, p) => n + p.length, 0) <= SCRIPT_LIMIT) {
    const mac = hmacSha256(utf8(key), ...parts.map(utf8));
    return Buffer.from(mac.buffer, mac.byteOffset, mac.byteLength);
  }
  const h = crypto().createHmac('sha256', key);
  for (const part of parts) h.update(part);
  return h.digest();
}

export const hmacHex = (key: string, ...parts: string[]): string =>
  hmac(key, ...parts).toString('hex');

/** SHA-256 of short text (a path), in hex: always in JavaScript, it is one small block or two. */
export function sha256Hex(text: string): string {
  return Buffer.from(sha256(utf8(text))).toString('hex');
}

/** Whether two byte strings are equal, in a time that does not depend on where they differ. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** `count` random bytes in hex, from the OS's cryptographic generator. */
export function randomHex(count: number): string {
  if (script && process.platform !== 'win32') {
    const bytes = fromDevUrandom(count);
    if (bytes) return bytes.toString('hex');
  }
  return crypto().randomBytes(count).toString('hex');
}

/** The kernel's CSPRNG read directly; null when it cannot be read (node:crypto then). */
function fromDevUrandom(count: number): Buffer | null {
  let fd: number;
  try {
    fd = openSync('/dev/urandom', 'r');
  } catch {
    return null;
  }
  try {
    const bytes = Buffer.alloc(count);
    let got = 0;
    while (got < count) {
      const n = readSync(fd, bytes, got, count - got, null);
      if (n <= 0) return null;
      got += n;
    }
    return bytes;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
