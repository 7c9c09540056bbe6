// AIRLOCK_TRACE_DECISIONS=FILE: the shim notes how long each held call waited for the gate's
// decision (from the ask leaving to the authenticated answer arriving, in ms), and appends the
// figures to FILE when it exits, one a line. The benchmarks read it: from outside, only the
// whole round trip through the shim is visible, and that includes the server and the client.
// Off unless set; it never changes what is decided.
import { appendFileSync } from 'node:fs';

/** Past this many figures the rest are not kept (a trace must not grow the shim without limit). */
const MAX_FIGURES = 1_000_000;

export class DecisionTrace {
  private readonly started = new Map<number, number>();
  private figures: number[] = [];

  private constructor(private readonly file: string) {}

  static fromEnv(env: NodeJS.ProcessEnv): DecisionTrace | null {
    const file = env.AIRLOCK_TRACE_DECISIONS;
    return file ? new DecisionTrace(file) : null;
  }

  asked(rid: number): void {
    this.started.set(rid, performance.now());
  }

  decided(rid: number): void {
    const at = this.started.get(rid);
    if (at === undefined) return;
    this.started.delete(rid);
    if (this.figures.length < MAX_FIGURES) this.figures.push(performance.now() - at);
  }

  /** Appends what was noted so far (one write, so shims sharing a file do not interleave). */
  write(): void {
    if (this.figures.length === 0) return;
    const text = this.figures.map((ms) => `${ms.toFixed(3)}\n`).join('');
    this.figures = [];
    try {
      appendFileSync(this.file, text);
    } catch {
      // A trace that cannot be written is lost; the shim's work is not.
    }
  }
}
