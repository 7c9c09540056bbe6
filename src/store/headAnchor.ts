// The chain catches edits, but not a rewind: deleting the newest rows and moving the head back
// leaves a shorter chain that is intact. So the head is also kept outside the database, in a
// small file beside it, written after each commit that moved the head. A database whose chain
// is behind that file, or that holds a different row at the file's seq, has been rewound.
// It is evidence against someone who restores or trims the database alone, not against
// someone who rewrites both files (see README, "The record").
import fs from 'node:fs';

export interface ChainHead {
  seq: number;
  hash: string;
}

export type AnchorRead = ChainHead | 'missing' | 'unreadable';

/** Where the anchor of a database file lives: beside it. */
export function anchorPath(dbFile: string): string {
  return `${dbFile}.head`;
}

export function readAnchor(file: string): AnchorRead {
  const first = readAnchorOnce(file);
  // A read that raced an in-place write may see half of it: one more look settles it.
  return first === 'unreadable' ? readAnchorOnce(file) : first;
}

function readAnchorOnce(file: string): AnchorRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
  try {
    const parsed = JSON.parse(text) as Partial<ChainHead>;
    if (
      Number.isSafeInteger(parsed.seq) &&
      (parsed.seq as number) >= 0 &&
      typeof parsed.hash === 'string' &&
      /^[0-9a-f]{64}$/.test(parsed.hash)
    )
      return { seq: parsed.seq as number, hash: parsed.hash };
  } catch {
    // falls through
  }
  return 'unreadable';
}

/** Every anchor is written at this length, so an overwrite in place never leaves a tail. */
const ANCHOR_BYTES = 128;

export function anchorText(head: ChainHead): string {
  const json = JSON.stringify({ seq: head.seq, hash: head.hash });
  return `${json.padEnd(ANCHOR_BYTES - 1, ' ')}\n`;
}

/**
 * Writes the anchor in place through one open descriptor. Replacing the file (temp + rename, or
 * truncate + write) makes ext4 flush it on every commit, which costs milliseconds per decision;
 * an in-place write of one fixed-size block costs microseconds and never leaves a short file.
 */
export class AnchorWriter {
  private fd: number | null = null;
  /** The head this writer wrote last, its bytes, and the file's inode (to see other writers). */
  private written: { head: ChainHead; bytes: Buffer; ino: number } | null = null;
  private readonly readBack = Buffer.alloc(ANCHOR_BYTES + 1);

  constructor(private readonly file: string) {}

  write(head: ChainHead): void {
    this.written = null;
    if (this.fd === null) {
      this.fd = fs.openSync(this.file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
      if (fs.fstatSync(this.fd).size !== ANCHOR_BYTES) fs.ftruncateSync(this.fd, 0);
    }
    const bytes = Buffer.from(anchorText(head), 'utf8');
    fs.writeSync(this.fd, bytes, 0, bytes.length, 0);
    this.written = { head, bytes, ino: fs.fstatSync(this.fd).ino };
  }

  /**
   * The anchor as the file holds it. While the file at the path is still the one this writer
   * holds open and its bytes are exactly those it wrote last, that is the head it wrote: one
   * stat and one read through the open descriptor, instead of opening, reading and parsing the
   * file after every commit. Anything else (another process advanced or reset it, someone
   * replaced or edited it) is read from the path as before.
   */
  read(): AnchorRead {
    const written = this.written;
    if (written !== null && this.fd !== null) {
      try {
        const now = fs.statSync(this.file, { throwIfNoEntry: false });
        // The inode cannot be reused while this descriptor holds it open. A file put in its
        // place is the one to write next: the descriptor to the old one is let go.
        if (now?.ino !== written.ino) this.close();
        else {
          const n = fs.readSync(this.fd, this.readBack, 0, this.readBack.length, 0);
          if (n === written.bytes.length && this.readBack.subarray(0, n).equals(written.bytes))
            return written.head;
        }
      } catch {
        // the path says what it holds below
      }
    }
    return readAnchor(this.file);
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    this.written = null;
  }
}

/** What the database says about the anchor's row. */
export interface ChainView {
  head: ChainHead;
  /** First seq still held (rows before it were pruned). */
  firstSeq: number;
  /** The hash of row `seq`, or null when the database does not hold it. */
  hashAt(seq: number): string | null;
}

export type AnchorCheck =
  | { ok: true; anchor: 'matches' | 'missing' | 'pruned-past' }
  | { ok: false; problem: string; firstBadSeq: number };

/** Pure: does the database's chain reach the anchor, through the very row the anchor names? */
export function checkAnchor(anchor: AnchorRead, db: ChainView): AnchorCheck {
  if (anchor === 'missing') return { ok: true, anchor: 'missing' };
  if (anchor === 'unreadable')
    return { ok: false, firstBadSeq: db.head.seq, problem: 'the head anchor file is unreadable' };
  if (db.head.seq < anchor.seq)
    return {
      ok: false,
      firstBadSeq: db.head.seq + 1,
      problem: `the database is behind its anchor: its chain ends at row ${db.head.seq}, the anchor beside it records row ${anchor.seq} (rows were deleted and the head moved back)`,
    };
  if (anchor.seq === 0) return { ok: true, anchor: 'matches' };
  const hash = anchor.seq === db.head.seq ? db.head.hash : db.hashAt(anchor.seq);
  // The row found first: the common case (the anchor's row is there) reads no more.
  if (hash === anchor.hash) return { ok: true, anchor: 'matches' };
  if (anchor.seq < db.firstSeq) return { ok: true, anchor: 'pruned-past' };
  return {
    ok: false,
    firstBadSeq: anchor.seq,
    problem: `row ${anchor.seq} is not the row the anchor beside the database recorded (the chain was rewound and rewritten)`,
  };
}

/**
 * Whether a new head may replace the anchor: only forward, and only along the same chain, so
 * the evidence of a rewind is never overwritten by the rewound database's next commit.
 */
export function mayAdvance(anchor: AnchorRead, db: ChainView): boolean {
  if (anchor === 'missing') return true;
  if (anchor === 'unreadable') return false;
  if (anchor.seq === db.head.seq && anchor.hash === db.head.hash) return false; // nothing new
  const check = checkAnchor(anchor, db);
  return check.ok;
}
