import { describe, expect, it } from 'vitest';
import { Opener, Sealer } from './seal';

const KEY = 'a'.repeat(64);

describe('sealed lines', () => {
  it('open in order, as sent', () => {
    const sealer = new Sealer(KEY, 'gate');
    const opener = new Opener(KEY, 'gate');
    const msgs = [
      { t: 'mode', observe: false },
      { t: 'disabled', tools: ['x'] },
    ];
    for (const m of msgs)
      expect(opener.open(sealer.seal(m))).toEqual({ ok: true, body: JSON.stringify(m) });
  });

  it('refuse a plain message, a forged one and an edited one', () => {
    const opener = new Opener(KEY, 'gate');
    expect(opener.open('{"t":"mode","observe":true}')).toMatchObject({
      ok: false,
      reason: /not sealed/,
    });
    const forged = new Sealer('b'.repeat(64), 'gate').seal({ t: 'mode', observe: true });
    expect(opener.open(forged)).toMatchObject({ ok: false, reason: /authentication/ });
    const real = new Sealer(KEY, 'gate').seal({ t: 'mode', observe: false });
    expect(opener.open(real.replace('false', 'true '))).toMatchObject({
      ok: false,
      reason: /authentication/,
    });
    // A failed line does not move the count: the real first message still opens.
    expect(opener.open(real).ok).toBe(true);
  });

  it('refuse a replayed, a skipped and a renumbered message', () => {
    const sealer = new Sealer(KEY, 'gate');
    const opener = new Opener(KEY, 'gate');
    const first = sealer.seal({ t: 'held', rid: 1, deadline: 5 });
    const second = sealer.seal({ t: 'held', rid: 2, deadline: 5 });
    const third = sealer.seal({ t: 'held', rid: 3, deadline: 5 });
    expect(opener.open(first).ok).toBe(true);
    expect(opener.open(first)).toMatchObject({ ok: false, reason: /out of order/ });
    expect(opener.open(third)).toMatchObject({ ok: false, reason: /out of order/ });
    expect(opener.open(second.replace('{"s":1,', '{"s":2,'))).toMatchObject({
      ok: false,
      reason: /authentication/,
    });
    expect(opener.open(second).ok).toBe(true);
  });

  it('refuse a message reflected back to its sender', () => {
    const fromClient = new Sealer(KEY, 'client').seal({ t: 'mode', observe: true });
    expect(new Opener(KEY, 'gate').open(fromClient)).toMatchObject({
      ok: false,
      reason: /authentication/,
    });
  });
});

describe('the MAC and sealed parts', () => {
  it('is HMAC-SHA256 over the sender, sequence and exact body, as createHmac computes it', async () => {
    const { createHmac } = await import('node:crypto');
    for (const key of [KEY, 'short', 'k'.repeat(200)]) {
      const sealer = new Sealer(key, 'client');
      for (let seq = 0; seq < 3; seq++) {
        const body = JSON.stringify({ t: 'ask', rid: seq, line: 'é\n"' });
        const line = sealer.seal(JSON.parse(body) as object);
        const expected = createHmac('sha256', key)
          .update(`airlock-wire|client|${seq}|${body}`)
          .digest('hex');
        expect(line).toBe(`{"s":${seq},"mac":"${expected}","m":${body}}`);
      }
    }
  });

  it('seals a body given as byte parts to the very line seal() makes of it', () => {
    const a = new Sealer(KEY, 'client');
    const b = new Sealer(KEY, 'client');
    const opener = new Opener(KEY, 'client');
    for (const body of ['{"t":"ask","rid":1}', '{"t":"observed","line":"日本"}']) {
      const parts = [Buffer.from(body.slice(0, 5)), Buffer.from(body.slice(5))];
      const sealed = Buffer.concat(b.sealParts(parts)).toString('utf8');
      expect(sealed).toBe(`${a.seal(JSON.parse(body) as object)}\n`);
      expect(opener.open(sealed.slice(0, -1))).toEqual({ ok: true, body });
    }
  });
});
