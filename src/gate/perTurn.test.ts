// Work done once per turn of the event loop: the value is read once per turn and again in the
// next one; gathered items are handed over once, in order, as the turn ends.
import { describe, expect, it } from 'vitest';
import { PerTurn, TurnBatch } from './perTurn';

/** The end of the current turn: every setImmediate queued before has run. */
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('PerTurn', () => {
  it('reads once per turn, however often it is asked', async () => {
    let reads = 0;
    let stored = 'a';
    const value = new PerTurn(() => {
      reads++;
      return stored;
    });
    for (let i = 0; i < 1000; i++) expect(value.get()).toBe('a');
    expect(reads).toBe(1);
    // A change made meanwhile (another process) is seen from the next turn on.
    stored = 'b';
    expect(value.get()).toBe('a');
    await nextTurn();
    expect(value.get()).toBe('b');
    expect(reads).toBe(2);
  });

  it('reads again at once after clear (the gate changed the value itself)', () => {
    let stored = 1;
    const value = new PerTurn(() => stored);
    expect(value.get()).toBe(1);
    stored = 2;
    value.clear();
    expect(value.get()).toBe(2);
  });

  it('does not keep a failed read', async () => {
    let fail = true;
    const value = new PerTurn(() => {
      if (fail) throw new Error('locked');
      return 'ok';
    });
    expect(() => value.get()).toThrow('locked');
    fail = false;
    expect(value.get()).toBe('ok');
    await nextTurn();
  });
});

describe('TurnBatch', () => {
  it('hands over what a turn gathered once, in order, as the turn ends', async () => {
    const handed: number[][] = [];
    const batch = new TurnBatch<number>((items) => handed.push(items));
    for (let i = 0; i < 500; i++) batch.add(i);
    expect(handed).toEqual([]); // nothing during the turn
    await nextTurn();
    expect(handed).toEqual([Array.from({ length: 500 }, (_, i) => i)]);
    batch.add(7);
    await nextTurn();
    expect(handed).toHaveLength(2);
    expect(handed[1]).toEqual([7]);
    await nextTurn();
    expect(handed).toHaveLength(2); // an empty turn hands over nothing
  });

  it('flush hands over now, and once', async () => {
    const handed: string[][] = [];
    const batch = new TurnBatch<string>((items) => handed.push(items));
    batch.add('x');
    batch.flush();
    expect(handed).toEqual([['x']]);
    await nextTurn();
    expect(handed).toEqual([['x']]);
  });

  it('stop drops what was gathered and ignores what comes after', async () => {
    const handed: string[][] = [];
    const batch = new TurnBatch<string>((items) => handed.push(items));
    batch.add('lost');
    batch.stop();
    batch.add('ignored');
    await nextTurn();
    batch.flush();
    expect(handed).toEqual([]);
  });
});
