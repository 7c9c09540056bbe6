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
