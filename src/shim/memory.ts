// The shim's memory: it runs once per MCP server for as long as the host runs, so what it holds
// beyond Node's own floor is paid many times over. Two measured causes (bench/shim13.bench.ts,
// VmHWM of a shim after 2,000 gated 1 KB calls; DEVELOPMENT notes in bench/BENCHMARKS.md):
//
// - V8's optimising compiler (TurboFan). Once the per-line functions get hot, compiling them
//   takes ~10 MiB of compiler memory that the process keeps (58.8 → 48.6 MiB with it off). The
//   shim's CPU per call is system calls, hashing and I/O, not JavaScript loops, and its CPU per
//   gated call measured the same without it, so it is switched off before any line is read.
// - Garbage of big messages. A call of megabytes leaves its text, its parsed copy and its chunks
//   behind, and V8 collects large objects only in a full collection, which a small heap seldom
//   runs: each big message raised the peak further. After a big line is handled, one full
//   collection runs (milliseconds on the shim's small heap, little beside a message of MiB).
//
// Both are set from inside the process: the command line a host runs is unchanged.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Lines from this size on are followed by a full collection. */
export const COLLECT_AFTER_BYTES = 1024 * 1024;

/**
 * Call once at start, before the proxy handles any line. Returns what to call after a line of
 * `bytes` has been handled: it schedules one collection for the end of the current turn (many
 * big lines in one read share it).
 */
export function leanRuntime(): (bytes: number) => void {
  if (process.env.STREAM_KEEP_OPT !== '1') setFlagsFromString('--no-opt');
  const collect = exposedGc();
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
function exposedGc(): (() => void) | null {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  setFlagsFromString('--expose-gc');
  const fn: unknown = runInNewContext('typeof gc === "function" ? gc : null');
  return typeof fn === 'function' ? (fn as () => void) : null;
}
