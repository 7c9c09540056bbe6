// One process, both ways of hashing: what node:crypto computes first, then the same after
// useScriptHashing() (which lasts for the rest of the process, so it is switched once, midway).
// Sealed lines and proofs made either way open and match the other way.
import { createHmac } from 'node:crypto';
import { expect, it } from 'vitest';
import { Opener, Sealer } from '../gate/seal';
import { clientProof, newNonce, sameProof } from '../gate/auth';
import { hmacHex, randomHex, sameBytes, sha256Hex, useScriptHashing } from './hmac';

const KEY = 'k'.repeat(64);
const MESSAGES = [
  { t: 'status', req: 1 },
  { t: 'pending', req: 2, note: 'ünïcödé 🚀 \u2028' },
  // Past the point where node:crypto does the work even for a script-hashing process.
  { t: 'decide', req: 3, args: { text: 'x'.repeat(300 * 1024) } },
];

it('node:crypto first, then JavaScript: the same MACs, proofs and sealed lines', () => {
  const macs = MESSAGES.map((m) => hmacHex(KEY, 'part|', JSON.stringify(m)));
  const proof = clientProof('s'.repeat(64), 'gate-nonce', 'client-nonce');
  const sealer = new Sealer(KEY, 'client');
  const sealed = MESSAGES.map((m) => sealer.seal(m));
  const socketKey = sha256Hex('/home/u/.config/Airlock');

  useScriptHashing();

  expect(MESSAGES.map((m) => hmacHex(KEY, 'part|', JSON.stringify(m)))).toEqual(macs);
  expect(macs[0]).toBe(
    createHmac('sha256', KEY).update('part|').update(JSON.stringify(MESSAGES[0])).digest('hex'),
  );
  expect(clientProof('s'.repeat(64), 'gate-nonce', 'client-nonce')).toBe(proof);
  expect(sha256Hex('/home/u/.config/Airlock')).toBe(socketKey);
  // Lines sealed with node:crypto open with JavaScript, and the other way round.
  const opener = new Opener(KEY, 'client');
  for (const [i, line] of sealed.entries())
    expect(opener.open(line)).toEqual({ ok: true, body: JSON.stringify(MESSAGES[i]) });
  const scripted = new Sealer(KEY, 'client');
  expect(MESSAGES.map((m) => scripted.seal(m))).toEqual(sealed);
  // A forged line still fails.
  const forged = new Sealer('f'.repeat(64), 'client').seal(MESSAGES[0]!);
  expect(new Opener(KEY, 'client').open(forged)).toMatchObject({ ok: false });
});

it('nonces from the OS: 16 bytes of hex, never the same twice', () => {
  useScriptHashing();
  const nonces = new Set(Array.from({ length: 200 }, () => newNonce()));
  expect(nonces.size).toBe(200);
  for (const n of nonces) expect(n).toMatch(/^[0-9a-f]{32}$/);
  expect(randomHex(32)).toMatch(/^[0-9a-f]{64}$/);
});

it('sameBytes and sameProof: equal only when every byte is', () => {
  expect(sameBytes(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
  expect(sameBytes(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
  expect(sameBytes(Buffer.from('abc'), Buffer.from('ab'))).toBe(false);
  expect(sameProof('a'.repeat(64), 'a'.repeat(64))).toBe(true);
  expect(sameProof('a'.repeat(64), `${'a'.repeat(63)}b`)).toBe(false);
});
