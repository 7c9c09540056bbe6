// Work the gate does once per turn of the event loop instead of once per message. A flood
// arrives as socket chunks of hundreds of lines, all handled in one turn: without these, every
// line would read the settings from the database again, and every held or settled call would
// tell each listener (the app's windows, `airlock gate`'s terminal) the whole waiting list
// again, which makes a flood of n calls cost n² in announcements alone.
//
// "A turn" ends at the next setImmediate: after the I/O callbacks that are running now, before
// the event loop waits for more input. Nothing is held back longer than that.

/** A value read at most once per turn (cleared at once by `clear`, e.g. after a write). */
export class PerTurn<T> {
  private value: { v: T } | null = null;

  constructor(private readonly load: () => T) {}

  get(): T {
    if (this.value) return this.value.v;
    const v = this.load();
    this.value = { v };
    // Cleared as the turn ends, so a change made elsewhere (another process writing the
    // database) is seen from the next turn on.
    setImmediate(() => (this.value = null));
    return v;
  }

  clear(): void {
    this.value = null;
  }
}

/**
 * Items gathered during a turn, handed over together as it ends (in the order they came).
 * `flush` hands them over now; `stop` drops what is gathered and ignores what comes after.
 */
export class TurnBatch<T> {
  private items: T[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private stopped = false;

  constructor(private readonly deliver: (items: T[]) => void) {}

  add(item: T): void {
    if (this.stopped) return;
    this.items.push(item);
    this.scheduled ??= setImmediate(() => this.flush());
  }

  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    const items = this.items;
    if (items.length === 0) return;
    this.items = [];
    this.deliver(items);
  }

  stop(): void {
    this.stopped = true;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    this.items = [];
  }
}
