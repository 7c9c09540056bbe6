// Records the gate could not write when they happened (the database locked by another
// process, the disk full). The call was denied already, since nothing is forwarded without a
// committed decision; what remains is to say so in its row. The backlog keeps those writes in
// order and retries them until the database takes them.

/** First retry after this long; each refusal doubles the wait, up to MAX_RETRY_MS. */
export const RETRY_MS = 500;
/**
 * A refused write costs the gate its busy timeout (it waits synchronously), so a long-held
 * lock must not be retried so often that the gate stops answering anything else.
 */
const MAX_RETRY_MS = 10_000;
/** A database that refuses for this long is broken, not busy: keep memory bounded. */
const MAX_WAITING = 10_000;

export interface Pending {
  what: string;
  write: () => void;
}

export class RecordBacklog {
  private readonly waiting: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Refusals in a row: the next retry waits retryMs * 2^refusals. */
  private refusals = 0;

  constructor(
    private readonly log: (line: string) => void,
    private readonly retryMs = RETRY_MS,
  ) {}

  get size(): number {
    return this.waiting.length;
  }

  add(what: string, write: () => void): void {
    if (this.closed) {
      this.log(`could not record ${what}: the gate has stopped`);
      return;
    }
    if (this.waiting.length >= MAX_WAITING) {
      this.log(`could not keep "${what}" for the record: ${MAX_WAITING} writes already wait`);
      return;
    }
    this.waiting.push({ what, write });
    this.schedule();
  }

  /** Writes what it can, oldest first; stops at the first write the database still refuses. */
  retry(): number {
    while (this.waiting.length > 0) {
      const next = this.waiting[0] as Pending;
      try {
        next.write();
      } catch {
        this.refusals++;
        this.schedule();
        return this.waiting.length;
      }
      this.refusals = 0;
      this.waiting.shift();
      this.log(`recorded at last: ${next.what}`);
    }
    return 0;
  }

  /** The gate stops: one last try, then say what is lost. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const left = this.retry();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (left > 0)
      this.log(`${this.waiting.length} record(s) could not be written before the gate stopped`);
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.min(this.retryMs * 2 ** Math.min(this.refusals, 20), MAX_RETRY_MS);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.retry();
    }, wait);
    this.timer.unref?.();
  }
}

/** Why a write failed, in words a person acts on. */
export function writeFailureCause(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED')
    return 'the database is locked by another process';
  if (code === 'SQLITE_FULL') return 'the disk is full';
  if (code === 'SQLITE_READONLY') return 'the database is read-only';
  return (err as Error).message ?? String(err);
}
