// Newline-delimited JSON over a socket, for the shim ↔ gate protocol. Lines are bounded (a
// request line may carry a whole 16 MiB tool call, escaped), and a peer that sends garbage
// is disconnected rather than trusted. Until `secure()` the lines are plain JSON (the
// handshake); after it, every line in both directions is sealed (seal.ts), and a line that is
// not authentic or not the next in order closes the connection.
import type { Socket } from 'node:net';
import { LineSplitter } from '../mcp/framing';
import { Opener, Sealer, type Sender } from './seal';

export const MAX_WIRE_LINE_BYTES = 80 * 1024 * 1024;

const RESOLVED = Promise.resolve();

export class LineChannel {
  private closed = false;
  private reported = false;
  private closeReason: string | null = null;
  private sealer: Sealer | null = null;
  private opener: Opener | null = null;
  private corked = false;
  /** Lines sent in this turn, written together at its end (see schedule). */
  private pending = '';
  private scheduled = false;

  /**
   * `onValue` receives each message as parsed JSON, not yet checked against a schema: the
   * caller checks it (and closes the channel when it does not fit).
   */
  constructor(
    readonly socket: Socket,
    onValue: (value: unknown) => void,
    onClose: (reason: string) => void,
  ) {
    const splitter = new LineSplitter({
      maxLineBytes: MAX_WIRE_LINE_BYTES,
      onLine: (line) => {
        if (this.closed) return;
        let text = line.toString('utf8');
        if (this.opener) {
          const opened = this.opener.open(text);
          if (!opened.ok) return this.close(`the peer's ${opened.reason.replace(/^a /, '')}`);
          text = opened.body;
        }
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          return this.close('peer sent a line that is not JSON');
        }
        onValue(value);
      },
      onOversize: () => this.close('peer sent an oversized line'),
    });
    socket.on('data', (chunk: Buffer) => splitter.push(chunk));
    socket.on('error', (err) => this.finish(onClose, err.message));
    socket.on('close', () => this.finish(onClose, 'connection closed'));
  }

  /**
   * From now on every line is sealed with the session key: ours as `self`, the peer's as the
   * other side. Call it right after the handshake's last plain message.
   */
  secure(key: string, self: Sender): void {
    this.sealer = new Sealer(key, self);
    this.opener = new Opener(key, self === 'gate' ? 'client' : 'gate');
  }

  private finish(onClose: (reason: string) => void, reason: string): void {
    if (this.reported) return;
    this.closed = true;
    this.reported = true;
    onClose(this.closeReason ?? reason);
  }

  send(msg: object): void {
    if (this.closed) return;
    this.pending += (this.sealer ? this.sealer.seal(msg) : JSON.stringify(msg)) + '\n';
    this.schedule();
  }

  /**
   * Sends one message whose JSON text is given as byte parts (see Sealer.sealParts): each part
   * is written as it is, so a message of megabytes is never copied into a string on its way.
   * Only on a secured channel (the handshake's messages are small).
   */
  sendParts(body: readonly Buffer[]): void {
    if (this.closed) return;
    if (!this.sealer) throw new Error('sendParts needs a secured channel');
    this.writePending(); // the lines sent before it go first
    // Its parts leave in one write with what follows in this turn, not one write each.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
    }
    for (const part of this.sealer.sealParts(body)) this.socket.write(part);
    this.schedule();
  }

  /**
   * The lines sent while handling one read (a flood's worth of denials, or a call's ask with the
   * outcome reports waiting) leave in one write: each write is a system call that also wakes the
   * peer, which on a busy machine costs more than the line itself. They are written at the end
   * of the turn, before the event loop polls again, so nothing waits. A promise's reaction, not
   * process.nextTick: V8 runs it with no JavaScript of Node's around it, and the shim, whose
   * code runs untiered (shim/memory.ts), paid more for the tick than for the line's write.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    void RESOLVED.then(this.endTurn);
  }

  private readonly endTurn = (): void => {
    this.scheduled = false;
    this.writePending();
    this.uncorkNow();
  };

  private writePending(): void {
    if (this.pending === '') return;
    const lines = this.pending;
    this.pending = '';
    if (!this.closed) this.socket.write(lines);
  }

  /** Bytes written to the channel and not yet handed to the OS (0 once closed). */
  get queuedBytes(): number {
    // Lines not yet written count by their characters: as many bytes, or more for non-ASCII.
    return this.closed ? 0 : this.socket.writableLength + this.pending.length;
  }

  /**
   * Calls `done` once the write queue has drained or the channel has ended, whichever comes
   * first (so a caller waiting on a dead peer is never left waiting).
   */
  onceDrained(done: () => void): void {
    this.writePending();
    if (this.closed || this.socket.writableLength === 0) return done();
    const fire = (): void => {
      this.socket.off('drain', fire);
      this.socket.off('close', fire);
      done();
    };
    this.socket.on('drain', fire);
    this.socket.on('close', fire);
  }

  /**
   * Closes after handing what is queued to the OS, or destroys the socket after `graceMs` if
   * the peer does not take it (hung, or never reading). Resolves in either case.
   */
  closeAfterFlush(reason: string, graceMs: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.writePending();
    this.closed = true;
    this.closeReason = reason;
    return new Promise((resolve) => {
      const settle = (): void => {
        clearTimeout(timer);
        this.socket.destroy();
        resolve();
      };
      const timer = setTimeout(settle, graceMs);
      this.socket.once('close', settle);
      this.socket.end(settle); // 'finish': every byte written is with the OS now
    });
  }

  close(reason: string): void {
    if (this.closed) return;
    // What was sent just before (a refusal, the last answers) goes out before the hang-up.
    this.writePending();
    this.closed = true;
    this.closeReason = reason;
    this.uncorkNow();
    this.socket.destroy();
  }

  private uncorkNow(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
