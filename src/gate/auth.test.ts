// The MACs of the socket are plain HMAC-SHA256 (RFC 2104), whatever way they are computed: the
// shim and the gate must agree byte for byte, and so must any other client of the protocol.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  clientProof,
  decisionMac,
  editedDecisionMac,
  KeyedMac,
  resultMac,
  sessionKey,
} from './auth';

const reference = (key: string, text: string): string =>
  createHmac('sha256', key).update(text).digest('hex');

describe('KeyedMac', () => {
  // Short, one block exactly, one byte over (hashed first), long, and multi-byte UTF-8 keys.
  const keys = ['', 'k', 'a'.repeat(64), 'b'.repeat(65), 'c'.repeat(200), 'clé-é-ü-日本'.repeat(5)];

  it.each(keys)('gives what createHmac gives for a key of %#', (key) => {
    const mac = new KeyedMac(key);
    for (const text of ['', 'decision|7|abc|allow', 'é'.repeat(100), 'x'.repeat(5000)]) {
      expect(mac.of(text).toString('hex')).toBe(reference(key, text));
      // The same key state serves message after message.
      expect(mac.of('p|', text).toString('hex')).toBe(reference(key, `p|${text}`));
    }
  });

  it('authenticates bytes given in parts as the text they join into', () => {
    const mac = new KeyedMac('key');
    const parts = [Buffer.from('{"a":'), Buffer.from('"é"'), Buffer.from('}')];
    expect(mac.of('head|', parts).toString('hex')).toBe(reference('key', 'head|{"a":"é"}'));
  });
});

describe('the MACs of a session', () => {
  const key = sessionKey('s'.repeat(64), 'a'.repeat(32), 'b'.repeat(32));

  it('are HMAC-SHA256 of their texts, for every key in turn (the kept states never mix)', () => {
    // More keys than are kept, twice over: each MAC is still the one of its own key.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 150; i++) {
        const k = `${key}${i}`;
        expect(decisionMac(k, i, 'd'.repeat(64), 'allow')).toBe(
          reference(k, `decision|${i}|${'d'.repeat(64)}|allow`),
        );
      }
    }
    expect(editedDecisionMac(key, 3, 'd', 'e')).toBe(reference(key, 'decision|3|d|allow|edited|e'));
    expect(resultMac(key, 3, 'd', 'pass')).toBe(reference(key, 'result|3|d|pass'));
    expect(clientProof('secret', 'g', 'c')).toBe(reference('secret', 'airlock-client|g|c'));
    expect(decisionMac(key, 1, 'd', 'allow')).not.toBe(decisionMac(key, 1, 'd', 'deny'));
  });
});
