// The shim's memory: it runs once per MCP server for as long as the host runs, so what it holds
// beyond Node's own floor is paid many times over. Three measured causes (VmHWM of a shim behind
// `airlock gate --mode ask`, see bench/shim13.bench.ts):
//
// - V8's optimising compiler (TurboFan). Once the per-line functions get hot, compiling them
//   leaves ~10 MiB of compiler memory in the process (2,000 gated 1 KB calls: 58.8 → 48.4 MiB
//   with it off; optimising a single small function already costs ~4 MiB). Without it the
//   shim's CPU per gated call rose by ~6–14 % in an A/B run (the JavaScript runs in V8's
//   baseline tier), and a 10 MB line parses in ~0.5 s instead of ~0.1 s, beside the gate's
//   seconds for the same call. Switched off before any line is read.
// - Garbage of big messages. A line of megabytes leaves its text and its parsed copy behind,
//   and V8 collects large objects only in a full collection, which a small heap seldom runs:
//   each big call raised the peak further (5 MB calls: 83, 92, 98, 103, 113 MiB). After a big
//   line is handled, and again once it is written, one full collection runs (milliseconds on
//   the shim's small heap, little beside handling a message of megabytes).
// - Copies of a big line alive at once. Its bytes, its text and its parsed value each cost its
//   size, and a 5 MB answer from the server was four at once: the chunks it came in, the joined
//   line, the text and the parsed copy. Now a young collection runs as soon as a copy is let go,
//   before the next is made: the chunks once joined; a big answer's bytes once decoded (the text
//   encodes back to exactly them); its parsed copy once its outcome is read; so at most two are
//   alive at any time (see run.ts and ShimProxy.onServerLine). With big line buffers in mappings
//   of their own (mcp/bigBuffer.ts), 5 MB calls peak at 67–68 MiB, where they peaked at 67 or
//   72 MiB depending on where glibc had put earlier big lines. What is left above Node's floor
//   (~48 MiB, mostly its own code) is two copies and V8's heap grown by the traffic.
//
// All of it is set from inside the process: the command line a host runs is unchanged.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Lines from this size on are followed by a full collection. */
export const COLLECT_AFTER_BYTES = 1024 * 1024;

export interface LeanRuntime {
  /**
   * A line of `bytes` has been handled or written: one full collection at the end of the
   * current turn (many big lines in one read share it).
   */
  afterLine(bytes: number): void;
  /**
   * Copies of a line of `bytes` were just let go and a new one is about to be made: when the line
   * is big, collect now, so that the old copies are not still held when the new one is made.
   */
  collectNow(bytes: number): void;
}

/** Call once at start, before the proxy handles any line. */
export function leanRuntime(): LeanRuntime {
  setFlagsFromString('--no-opt');
  const gc = exposedGc();
  return { afterLine: collectorAfterBigLines(gc), collectNow: youngCollectorNow(gc) };
}

/**
 * collectNow of leanRuntime, for any `collect`. A young-generation collection: what was just
 * let go (read chunks, a joined line, a parsed copy) was made moments ago, and collecting only
 * the young objects costs a fraction of a full collection (a full one here added about a third
 * to the shim's CPU for a 1 MB call).
 */
export function youngCollectorNow(collect: Collector | null): (bytes: number) => void {
  if (!collect) return () => {};
  return (bytes) => {
    if (bytes >= COLLECT_AFTER_BYTES) collect({ type: 'minor' });
  };
}

/** V8's `gc`: a full collection, or with `{ type: 'minor' }` one of the young generation. */
export type Collector = (options?: { type: 'major' | 'minor' }) => void;

/** The scheduling of leanRuntime, for any `collect` (tests count the collections). */
export function collectorAfterBigLines(collect: Collector | null): (bytes: number) => void {
  if (!collect) return () => {};
  let scheduled = false;
  return (bytes) => {
    if (bytes < COLLECT_AFTER_BYTES || scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      collect();
    });
  };
}

/** V8's `gc`, taken from a fresh context once the flag that exposes it is set. */
export function exposedGc(): Collector | null {
  const existing = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') return existing as Collector;
  setFlagsFromString('--expose-gc');
  const fn: unknown = runInNewContext('typeof gc === "function" ? gc : null');
  return typeof fn === 'function' ? (fn as Collector) : null;
}
