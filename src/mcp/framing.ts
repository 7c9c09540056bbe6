// Newline framing for stdio MCP. Works on bytes so a multi-byte UTF-8 character split across
// chunks is reassembled before anyone decodes it, and bounds memory: a line past the limit is
// dropped as it streams in, keeping only its first and last bytes for the error report.
import { joinedLine } from './bigBuffer';

/** Host → server: every line is parsed strictly (and held whole while a call waits). */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
/**
 * Server → host: answers carry file contents, often twice (server-filesystem sends a file's text
 * in `content` and in `structuredContent`), so a 25 MB file needs ~50 MB. A line is buffered
 * whole (its id may be its last member) and checked with JSON.parse, so memory per line stays a
 * small multiple of this.
 */
export const DEFAULT_MAX_SERVER_LINE_BYTES = 64 * 1024 * 1024;

/** How much of a dropped line is kept at each end, to report it and find its id. */
export const OVERSIZE_KEEP_BYTES = 1024;
// One byte more of the tail than is reported, since a final '\r' is stripped from it.
const TAIL_KEEP_BYTES = OVERSIZE_KEEP_BYTES + 1;

export interface OversizeInfo {
  /** Length of the dropped line (without its line ending). */
  bytes: number;
  /** First ≤1024 bytes of the dropped line. */
  head: Buffer;
  /** Last ≤1024 bytes of the dropped line (without its line ending). */
  tail: Buffer;
}

/**
 * A finished line handed to its reader as the only reference to its bytes: a reader that turns
 * a line of megabytes into something else can take the bytes, use them and let them go, instead
 * of holding them to the end (see onHandedLine).
 */
export class HandedLine {
  #bytes: Buffer | null;
  readonly length: number;

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
    this.length = bytes.length;
  }

  /** The bytes, once: from then on the handle keeps nothing alive. */
  take(): Buffer {
    const bytes = this.#bytes;
    if (bytes === null) throw new Error('HandedLine: the bytes were taken already');
    this.#bytes = null;
    return bytes;
  }
}

export interface LineSplitterOptions {
  maxLineBytes: number;
  /** Each line (exactly one of onLine and onHandedLine is given). */
  onLine?: (line: Buffer) => void;
  /** Each line as a HandedLine: nothing else, the splitter included, refers to its bytes. */
  onHandedLine?: (line: HandedLine) => void;
  onOversize: (info: OversizeInfo) => void;
  /**
   * The caller never changes a chunk after pushing it (Node's streams hand out a new buffer for
   * every read). Then a line spread over chunks is copied once, when it ends, not twice; for a
   * message of megabytes that is one copy less in memory at once. Default: chunks are copied.
   */
  chunksKept?: boolean;
  /**
   * Called when a line that came in several chunks has been joined and the chunks let go, before
   * the line is handed on: a reader may collect them now, rather than hold them while it makes
   * more of the line (see shim/memory.ts).
   */
  afterJoin?: (bytes: number) => void;
}

/** A line of one chunk is still copied below this size, so it does not keep its chunk alive. */
const KEEP_CHUNK_FROM_BYTES = 64 * 1024;

const NO_BYTES = Buffer.alloc(0);
const LF = 0x0a;
const CR = 0x0d;

export class LineSplitter {
  private readonly maxLineBytes: number;
  private readonly onLine: ((line: Buffer) => void) | undefined;
  private readonly onHandedLine: ((line: HandedLine) => void) | undefined;
  private readonly afterJoin: ((bytes: number) => void) | undefined;
  private readonly onOversize: (info: OversizeInfo) => void;
  private readonly chunksKept: boolean;
  private parts: Buffer[] = [];
  private size = 0;
  // Set while the current line is being dropped.
  private oversize: { bytes: number; head: Buffer; tail: Buffer } | null = null;
  private ended = false;

  constructor(opts: LineSplitterOptions) {
    if (!Number.isInteger(opts.maxLineBytes) || opts.maxLineBytes < 1) {
      throw new RangeError(`maxLineBytes must be a positive integer, got ${opts.maxLineBytes}`);
    }
    this.maxLineBytes = opts.maxLineBytes;
    if ((opts.onLine === undefined) === (opts.onHandedLine === undefined)) {
      throw new TypeError('LineSplitter: give exactly one of onLine and onHandedLine');
    }
    this.onLine = opts.onLine;
    this.onHandedLine = opts.onHandedLine;
    this.afterJoin = opts.afterJoin;
    this.onOversize = opts.onOversize;
    this.chunksKept = opts.chunksKept ?? false;
  }

  push(chunk: Buffer): void {
    if (this.ended) throw new Error('LineSplitter: push after end');
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(LF, start);
      if (nl === -1) {
        this.append(chunk.subarray(start));
        return;
      }
      this.append(chunk.subarray(start, nl));
      start = nl + 1;
      this.finishLine();
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.finishLine();
  }

  private append(segment: Buffer): void {
    if (segment.length === 0) return;
    const dropping = this.oversize;
    if (dropping !== null) {
      dropping.bytes += segment.length;
      // With a limit under OVERSIZE_KEEP_BYTES the head may still be short of full.
      if (dropping.head.length < OVERSIZE_KEEP_BYTES) {
        const more = segment.subarray(0, OVERSIZE_KEEP_BYTES - dropping.head.length);
        dropping.head = Buffer.concat([dropping.head, more]);
      }
      dropping.tail = lastBytes(dropping.tail, segment);
      return;
    }
    // One byte of slack: a line of exactly maxLineBytes may still be followed by its '\r'.
    if (this.size + segment.length > this.maxLineBytes + 1) {
      const held = Buffer.concat([...this.parts, segment]);
      this.parts = [];
      this.size = 0;
      this.oversize = {
        bytes: held.length,
        head: Buffer.from(held.subarray(0, OVERSIZE_KEEP_BYTES)),
        tail: Buffer.from(held.subarray(Math.max(0, held.length - TAIL_KEEP_BYTES))),
      };
      return;
    }
    // Copied: the caller may reuse its chunk, and a held call must keep the exact bytes. With
    // chunks kept by the caller, the copy waits for the line's end (see finishLine).
    this.parts.push(this.chunksKept ? segment : Buffer.from(segment));
    this.size += segment.length;
  }

  // State is reset before the callback runs, so a throwing callback leaves the splitter usable.
  private finishLine(): void {
    const dropped = this.oversize;
    if (dropped !== null) {
      this.oversize = null;
      let { bytes, tail } = dropped;
      if (tail.length > 0 && tail[tail.length - 1] === CR) {
        bytes -= 1;
        tail = tail.subarray(0, tail.length - 1);
      }
      this.onOversize({
        bytes,
        head: dropped.head.subarray(0, Math.min(bytes, OVERSIZE_KEEP_BYTES)),
        tail: tail.subarray(Math.max(0, tail.length - OVERSIZE_KEEP_BYTES)),
      });
      return;
    }
    if (this.size === 0) return;
    const joined = this.parts.length > 1;
    let line = this.takeLine();
    if (joined) this.afterJoin?.(line.length);
    if (line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    if (line.length === 0) return;
    if (line.length > this.maxLineBytes) {
      this.onOversize({
        bytes: line.length,
        head: Buffer.from(line.subarray(0, OVERSIZE_KEEP_BYTES)),
        tail: Buffer.from(line.subarray(Math.max(0, line.length - OVERSIZE_KEEP_BYTES))),
      });
      return;
    }
    if (this.onLine !== undefined) return this.onLine(line);
    const handed = new HandedLine(line);
    // V8 keeps what a running function's locals hold alive: the handle must be all that is left.
    // eslint-disable-next-line no-useless-assignment
    line = NO_BYTES;
    this.onHandedLine?.(handed);
  }

  /** The parts as one line; the splitter keeps no reference to them. */
  private takeLine(): Buffer {
    const parts = this.parts;
    const size = this.size;
    this.parts = [];
    this.size = 0;
    const first = parts[0];
    if (parts.length !== 1 || first === undefined) return joinedLine(parts, size);
    // A short line must not keep a whole read buffer alive.
    return this.chunksKept && first.length < KEEP_CHUNK_FROM_BYTES ? Buffer.from(first) : first;
  }
}

function lastBytes(previous: Buffer, segment: Buffer): Buffer {
  if (segment.length >= TAIL_KEEP_BYTES) {
    return Buffer.from(segment.subarray(segment.length - TAIL_KEEP_BYTES));
  }
  const keep = TAIL_KEEP_BYTES - segment.length;
  return Buffer.concat([previous.subarray(Math.max(0, previous.length - keep)), segment]);
}
