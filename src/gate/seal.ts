// Sealed lines: after the handshake, every message on the socket travels as
//
//   {"s":<seq>,"mac":"<hex>","m":<message JSON>}
//
// where mac = HMAC-SHA256(session key, "airlock-wire|<sender>|<seq>|<message JSON>") over the
// exact bytes of the message, and seq counts the sender's messages from 0 without gaps. A
// process in the middle of the socket that passed the handshake through cannot forge a
// message (no key), replay or reorder one (the sequence number is inside the MAC), or reflect
// a message back to its sender (the sender's role is inside the MAC). The receiver checks the
// MAC on the raw text before it parses the message at all.
import { timingSafeEqual } from 'node:crypto';
import { KeyedMac } from './auth';

export type Sender = 'gate' | 'client';

const PREFIX = /^\{"s":(0|[1-9][0-9]{0,15}),"mac":"([0-9a-f]{64})","m":/;

/** Seals outgoing messages of one side of one connection. */
export class Sealer {
  private seq = 0;
  private readonly mac: KeyedMac;

  constructor(
    key: string,
    private readonly sender: Sender,
  ) {
    this.mac = new KeyedMac(key);
  }

  seal(msg: object): string {
    const body = JSON.stringify(msg);
    const seq = this.seq++;
    const mac = this.mac.of(`airlock-wire|${this.sender}|${seq}|`, body).toString('hex');
    return `{"s":${seq},"mac":"${mac}","m":${body}}`;
  }

  /**
   * The same sealed line for a message whose JSON text is given as bytes in parts (a big call's
   * line, escaped once into a buffer): the parts are authenticated and sent as they are, never
   * joined into one string. Returns the line's parts, newline included.
   */
  sealParts(body: readonly Buffer[]): Buffer[] {
    const seq = this.seq++;
    const mac = this.mac.of(`airlock-wire|${this.sender}|${seq}|`, body).toString('hex');
    return [Buffer.from(`{"s":${seq},"mac":"${mac}","m":`), ...body, CLOSE_LINE];
  }
}

const CLOSE_LINE = Buffer.from('}\n');

export type Opened = { ok: true; body: string } | { ok: false; reason: string };

/** Opens the incoming lines of one connection, sent by `sender`, strictly in order. */
export class Opener {
  private expected = 0;
  private readonly mac: KeyedMac;

  constructor(
    key: string,
    private readonly sender: Sender,
  ) {
    this.mac = new KeyedMac(key);
  }

  /** The message's JSON text when the line is authentic and the next in order. */
  open(line: string): Opened {
    const head = PREFIX.exec(line);
    if (!head || !line.endsWith('}')) return { ok: false, reason: 'a message was not sealed' };
    const seq = Number(head[1]);
    const body = line.slice(head[0].length, -1);
    const given = Buffer.from(head[2] as string, 'hex');
    if (!timingSafeEqual(given, this.mac.of(`airlock-wire|${this.sender}|${seq}|`, body))) {
      return { ok: false, reason: 'a message failed its authentication' };
    }
    // Checked after the MAC, so a forger learns nothing from the order: an authentic message
    // out of order is a replay or a drop by something in the middle.
    if (seq !== this.expected) {
      return {
        ok: false,
        reason: `a message arrived out of order (#${seq}, expected #${this.expected})`,
      };
    }
    this.expected++;
    return { ok: true, body };
  }
}
