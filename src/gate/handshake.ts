// A connection to the gate's socket: the challenge, the client's proof, the gate's proof, and
// from then on every line sealed with the session key. Only then does the peer (a shim or a
// control client such as the CLI) get to say anything the gate acts on.
import type { Socket } from 'node:net';
import { clientProof, gateProof, newNonce, sameProof, sessionKey } from './auth';
import { LineChannel } from './lineChannel';
import { authSchema, WIRE_VERSION } from './wire';

export const HANDSHAKE_TIMEOUT_MS = 3_000;

/** What handles one authenticated peer's messages. */
export interface Peer {
  receive(value: unknown): void;
  /** The connection closed (either side). */
  closed?(): void;
}

/** Who takes a connection once it has proved the secret, by the role it claimed. */
export interface Peers {
  shim(channel: LineChannel, key: string): Peer;
  control(channel: LineChannel): Peer;
}

/** Starts the handshake on a fresh connection; a peer that fails it is hung up on. */
export function acceptConnection(socket: Socket, secret: string, peers: Peers): LineChannel {
  const gateNonce = newNonce();
  let peer: Peer | null = null;
  const timer = setTimeout(() => channel.close('handshake timed out'), HANDSHAKE_TIMEOUT_MS);
  const channel = new LineChannel(
    socket,
    (value) => {
      if (peer) return peer.receive(value);
      const auth = authSchema.safeParse(value);
      if (!auth.success) return channel.close('expected an auth message');
      const msg = auth.data;
      if (!sameProof(msg.proof, clientProof(secret, gateNonce, msg.nonce))) {
        channel.send({ t: 'refused', reason: 'wrong secret' });
        return channel.close('client failed the handshake');
      }
      clearTimeout(timer);
      channel.send({ t: 'welcome', proof: gateProof(secret, gateNonce, msg.nonce) });
      const key = sessionKey(secret, gateNonce, msg.nonce);
      // Everything after the welcome is sealed, in both directions.
      channel.secure(key, 'gate');
      peer = msg.role === 'shim' ? peers.shim(channel, key) : peers.control(channel);
    },
    () => {
      clearTimeout(timer);
      peer?.closed?.();
    },
  );
  channel.send({ t: 'challenge', v: WIRE_VERSION, nonce: gateNonce });
  return channel;
}
