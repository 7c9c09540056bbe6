// Calls the shim denied while the gate was unreachable, kept until the gate records them. The
// shim reports them when it reaches the gate again; but a host may end the session first (it
// often does: every call failed), and a list held in memory would end with it. So each denial
// is also appended to a file of this shim's own in the data directory, which the gate reads
// when it starts and every minute (gate/offlineSpools.ts), once the process that wrote it is
// gone. The file holds lines of the socket's own messages: the session first, then one
// `offline` message per call, so the gate checks them with the same schema as a live shim's.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { join } from 'node:path';
import { MAX_OFFLINE_FILE_BYTES, offlineDir, OFFLINE_FILE_SUFFIX } from '../core/dataDir';
import type { OfflineCall, SessionInfo, ShimMessage } from '../gate/wire';

/** The socket's limit per `offline` message: a longer list leaves in several. */
export const OFFLINE_PER_MESSAGE = 100;
/** Denials kept per shim: past these a host that loops on failing calls is no longer written down. */
export const MAX_SPOOLED_CALLS = 1000;

export class OfflineSpool {
  /** The file, once the first denial was written to it; null while nothing is, or it cannot be. */
  private file: string | null = null;
  private bytes = 0;
  private count = 0;
  /**
   * The first few, for the report over the socket when the file cannot be written or read back
   * (the whole list is not kept in memory: 1,000 calls of up to 64 KiB each).
   */
  private memory: OfflineCall[] = [];
  /** The file could not be written: only the memory copy is left. */
  private unwritable = false;

  constructor(
    private readonly dataDir: string,
    private readonly session: SessionInfo,
    private readonly log: (line: string) => void,
  ) {}

  add(call: OfflineCall): void {
    // Bounded: a long outage must not grow the shim, nor the disk, without limit.
    if (this.count >= MAX_SPOOLED_CALLS) return;
    this.count++;
    if (this.memory.length < OFFLINE_PER_MESSAGE) this.memory.push(call);
    if (!this.unwritable) this.write(call);
  }

  /**
   * The denials to report now, in messages the socket accepts; the file is removed, since the
   * caller is about to hand them to the gate (a gate that dies before recording them loses
   * them, as it would lose a call it was deciding).
   */
  take(): ShimMessage[] {
    const calls = (this.file && readBack(this.file)) || this.memory;
    this.memory = [];
    this.count = 0;
    this.bytes = 0;
    if (this.file) {
      try {
        fs.unlinkSync(this.file);
      } catch {
        // gone already: nothing is left to report twice
      }
      this.file = null;
    }
    const messages: ShimMessage[] = [];
    for (let i = 0; i < calls.length; i += OFFLINE_PER_MESSAGE)
      messages.push({ t: 'offline', calls: calls.slice(i, i + OFFLINE_PER_MESSAGE) });
    return messages;
  }

  private write(call: OfflineCall): void {
    try {
      let text = `${JSON.stringify({ t: 'offline', calls: [call] } satisfies ShimMessage)}\n`;
      if (this.file === null) {
        const dir = offlineDir(this.dataDir);
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        // Named by this process: the gate leaves the file alone while the process lives.
        this.file = join(
          dir,
          `${process.pid}-${randomBytes(6).toString('hex')}${OFFLINE_FILE_SUFFIX}`,
        );
        text = `${JSON.stringify({ t: 'session', ...this.session } satisfies ShimMessage)}\n${text}`;
        const size = Buffer.byteLength(text);
        if (size > MAX_OFFLINE_FILE_BYTES) throw new Error('too large to keep');
        // 'wx': a new file of our own, never one someone put there (nor a link to elsewhere).
        fs.writeFileSync(this.file, text, { flag: 'wx', mode: 0o600 });
        this.bytes = size;
      } else {
        const size = Buffer.byteLength(text);
        if (this.bytes + size > MAX_OFFLINE_FILE_BYTES) return;
        fs.appendFileSync(this.file, text);
        this.bytes += size;
      }
    } catch (err) {
      this.unwritable = true;
      this.log(
        `could not keep the denied calls for the record (${(err as Error).message}); they are reported only if the gate is reached again`,
      );
    }
  }
}

/** The calls this shim wrote to its file (null when it cannot be read: memory's few then). */
function readBack(file: string): OfflineCall[] | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const calls: OfflineCall[] = [];
  for (const line of text.split('\n')) {
    try {
      const msg = JSON.parse(line) as ShimMessage;
      if (msg.t === 'offline') calls.push(...msg.calls);
    } catch {
      // the empty end, or a last line cut short by a full disk: the lines before it stand
    }
  }
  return calls;
}
