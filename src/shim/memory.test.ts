import { describe, expect, it } from 'vitest';
import {
  collectorAfterBigLines,
  COLLECT_AFTER_BYTES,
  exposedGc,
  youngCollectorNow,
} from './memory';

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * V8 frees ArrayBuffer memory on a background thread after the collection that found it dead,
 * so the count falls a little later, later still on a busy machine: wait for it to fall (the
 * test's own timeout bounds the wait) instead of reading it once.
 */
async function arrayBuffersFallBelow(bytes: number): Promise<void> {
  while (process.memoryUsage().arrayBuffers >= bytes) {
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('collections after big lines', () => {
  it('collects once after a big line, never after small ones, and once for many in one turn', async () => {
    let collections = 0;
    const after = collectorAfterBigLines(() => collections++);
    after(1024);
    after(COLLECT_AFTER_BYTES - 1);
    await nextTurn();
    expect(collections).toBe(0);
    after(COLLECT_AFTER_BYTES);
    after(5 * COLLECT_AFTER_BYTES);
    expect(collections).toBe(0); // at the end of the turn, not in the middle of a read
    await nextTurn();
    expect(collections).toBe(1);
    after(COLLECT_AFTER_BYTES);
    await nextTurn();
    expect(collections).toBe(2);
  });

  it('gets a real collector without a node flag, and it frees the garbage of a big line', async () => {
    const gc = exposedGc();
    if (typeof gc !== 'function') throw new Error('no collector exposed');
    const before = process.memoryUsage().arrayBuffers;
    // A big line's buffer, dropped once handled (in a function, so nothing here keeps it).
    ((): void => void Buffer.alloc(32 * 1024 * 1024, 1).length)();
    const held = process.memoryUsage().arrayBuffers;
    expect(held).toBeGreaterThan(before + 16 * 1024 * 1024); // not collected by itself yet
    let collections = 0;
    const counted = collectorAfterBigLines(() => {
      collections++;
      gc();
    });
    counted(COLLECT_AFTER_BYTES);
    await nextTurn();
    expect(collections).toBe(1);
    await arrayBuffersFallBelow(held - 16 * 1024 * 1024);
  });

  it('collects the young generation at once for a big line, never for a small one', () => {
    const asked: unknown[] = [];
    const now = youngCollectorNow((options) => asked.push(options));
    now(COLLECT_AFTER_BYTES - 1);
    expect(asked).toEqual([]);
    now(COLLECT_AFTER_BYTES);
    expect(asked).toEqual([{ type: 'minor' }]);
  });

  it('frees a big buffer dropped just now with a young collection', async () => {
    const gc = exposedGc();
    if (typeof gc !== 'function') throw new Error('no collector exposed');
    gc();
    await arrayBuffersFallBelow(process.memoryUsage().arrayBuffers + 1);
    const before = process.memoryUsage().arrayBuffers;
    ((): void => void Buffer.alloc(32 * 1024 * 1024, 1).length)();
    const held = process.memoryUsage().arrayBuffers;
    expect(held).toBeGreaterThan(before + 16 * 1024 * 1024); // not collected by itself yet
    youngCollectorNow(gc)(COLLECT_AFTER_BYTES);
    await arrayBuffersFallBelow(held - 16 * 1024 * 1024);
  });
});
