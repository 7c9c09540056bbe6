// Newline-delimited JSON over a socket, for the shim ↔ gate protocol. Lines are bounded (a
// request line may carry a whole 16 MiB tool call, escaped), and a peer that sends garbage
// is disconnected rather than trusted.
import type { Socket } from 'node:net';
import { LineSplitter } from '../mcp/framing';

export const MAX_WIRE_LINE_BYTES = 80 * 1024 * 1024;

export class LineChannel {
  private closed = false;

  constructor(
    readonly socket: Socket,
    onMessage: (msg: Record<string, unknown>) => void,
    onClose: (reason: string) => void,
  ) {
    const splitter = new LineSplitter({
      maxLineBytes: MAX_WIRE_LINE_BYTES,
      onLine: (line) => {
        let msg: unknown;
        try {
          msg = JSON.parse(line.toString('utf8'));
        } catch {
          this.close('peer sent a line that is not JSON');
          return;
        }
        if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
          this.close('peer sent a message that is not an object');
          return;
        }
        if (!this.closed) onMessage(msg as Record<string, unknown>);
      },
      onOversize: () => this.close('peer sent an oversized line'),
    });
    socket.on('data', (chunk: Buffer) => splitter.push(chunk));
    socket.on('error', (err) => this.finish(onClose, err.message));
    socket.on('close', () => this.finish(onClose, 'connection closed'));
  }

  private finish(onClose: (reason: string) => void, reason: string): void {
    if (this.closed && this.reported) return;
    this.closed = true;
    this.reported = true;
    onClose(this.closeReason ?? reason);
  }

  private reported = false;
  private closeReason: string | null = null;

  send(msg: object): void {
    if (this.closed) return;
    this.socket.write(JSON.stringify(msg) + '\n');
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    this.socket.destroy();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
