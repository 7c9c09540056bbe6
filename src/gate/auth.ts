// The per-install secret and the mutual proof built on it. Both sides send a fresh nonce;
// each proves knowledge of the secret over both nonces, so neither a replayed transcript nor a
// process that merely found the socket can pass. The session key then binds each decision to
// the request it answers.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { hmacHex, randomHex, sameBytes } from '../core/hmac';

export function newNonce(): string {
  return randomHex(16);
}

const hmac = (key: string, text: string): string => hmacHex(key, text);

export const clientProof = (secret: string, gateNonce: string, clientNonce: string): string =>
  hmac(secret, `airlock-client|${gateNonce}|${clientNonce}`);

export const gateProof = (secret: string, gateNonce: string, clientNonce: string): string =>
  hmac(secret, `airlock-gate|${clientNonce}|${gateNonce}`);

export const sessionKey = (secret: string, gateNonce: string, clientNonce: string): string =>
  hmac(secret, `airlock-session|${gateNonce}|${clientNonce}`);

export const decisionMac = (key: string, rid: number, digest: string, verdict: string): string =>
  hmac(key, `decision|${rid}|${digest}|${verdict}`);

/**
 * An approval of edited arguments: bound to the request the shim holds (`digest`) and to the
 * digest of the line the shim must forward instead (`editedDigest`). Its verdict text can never
 * be a plain 'allow' or 'deny', so neither MAC stands in for the other.
 */
export const editedDecisionMac = (
  key: string,
  rid: number,
  digest: string,
  editedDigest: string,
): string => decisionMac(key, rid, digest, `allow|edited|${editedDigest}`);

/** Binds a held result's fate to the result it answers: its digest, as the shim computed it. */
export const resultMac = (key: string, rid: number, digest: string, verdict: string): string =>
  hmac(key, `result|${rid}|${digest}|${verdict}`);

export function sameProof(a: string, b: string): boolean {
  return sameBytes(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Read the secret; null when this data directory has never run a gate. */
export function readSecret(path: string): string | null {
  try {
    const s = readFileSync(path, 'utf8').trim();
    return s.length >= 32 ? s : null;
  } catch {
    return null;
  }
}

/** The gate creates the secret on first start, readable by the current user only. */
export function ensureSecret(path: string): string {
  const existing = readSecret(path);
  if (existing) return existing;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const secret = randomHex(32);
  writeFileSync(path, secret + '\n', { mode: 0o600, flag: 'w' });
  chmodSync(path, 0o600);
  return secret;
}
