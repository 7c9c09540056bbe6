// Connecting to the gate: socket, mutual proof, then a sealed message channel. Used by the
// shim and by the CLI's control commands. Every failure becomes one clear sentence. Every
// message from the gate is checked (`check`); one that does not fit closes the connection, and
// its reason reaches the close handler. This is the client's side of the socket only; the
// gate's server side is src/gate (service, listener), and what both sides share (wire, auth,
// lineChannel, seal) stays there too.
import { connect } from 'node:net';
import { clientProof, gateProof, newNonce, readSecret, sameProof, sessionKey } from '../gate/auth';
import { LineChannel } from '../gate/lineChannel';
import { secretPath, socketLocation } from '../core/dataDir';
import { checkGateHandshake } from './wireCheck';
import { WIRE_VERSION } from '../gate/wireVersion';

export interface GateConnection<M> {
  channel: LineChannel;
  /** Key that authenticates decisions on this connection. */
  key: string;
  /** Replace the message handler installed for the handshake. */
  onMessage(handler: (msg: M) => void): void;
  onClose(handler: (reason: string) => void): void;
}

export class GateUnavailableError extends Error {}

export function connectGate<M extends { t: string }>(
  dataDir: string,
  role: 'shim' | 'control',
  timeoutMs: number,
  check: (value: unknown) => M | null,
): Promise<GateConnection<M>> {
  const secret = readSecret(secretPath(dataDir));
  if (!secret) {
    return Promise.reject(
      new GateUnavailableError(
        `the Airlock approval service is not running (no gate has been set up in ${dataDir})`,
      ),
    );
  }
  const { path } = socketLocation(dataDir);
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let settled = false;
    let messageHandler: (msg: M) => void = () => {};
    let closeHandler: (reason: string) => void = () => {};
    let closedWith: string | null = null;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      channel.close(why);
      reject(new GateUnavailableError(`the Airlock approval service is not running (${why})`));
    };
    const timer = setTimeout(() => fail('no answer from the gate in time'), timeoutMs);
    const clientNonce = newNonce();
    let gateNonce = '';
    const channel = new LineChannel(
      socket,
      (value) => {
        if (settled) {
          const msg = check(value);
          if (!msg) return channel.close('the gate sent a message that does not fit the protocol');
          return messageHandler(msg);
        }
        const msg = checkGateHandshake(value);
        if (msg?.t === 'challenge' && msg.v !== WIRE_VERSION) {
          fail(
            `the gate speaks protocol version ${msg.v}, this client ${WIRE_VERSION}: restart Airlock, so that both are from the release installed now`,
          );
        } else if (msg?.t === 'challenge' && !gateNonce) {
          gateNonce = msg.nonce;
          channel.send({
            t: 'auth',
            role,
            nonce: clientNonce,
            proof: clientProof(secret, gateNonce, clientNonce),
          });
        } else if (msg?.t === 'welcome' && gateNonce) {
          if (!sameProof(msg.proof, gateProof(secret, gateNonce, clientNonce))) {
            return fail('the gate could not prove it holds this install’s secret');
          }
          settled = true;
          clearTimeout(timer);
          const key = sessionKey(secret, gateNonce, clientNonce);
          // Everything after the welcome is sealed, in both directions.
          channel.secure(key, 'client');
          resolve({
            channel,
            key,
            onMessage: (h) => (messageHandler = h),
            // The connection may end (a bad first message) before the caller installs its
            // handler: it still hears of it.
            onClose: (h) => {
              closeHandler = h;
              if (closedWith !== null) queueMicrotask(() => h(closedWith as string));
            },
          });
        } else if (msg?.t === 'refused') {
          fail(`the gate refused this client: ${msg.reason}`);
        } else {
          fail('unexpected handshake message from the gate');
        }
      },
      (reason) => {
        closedWith = reason;
        if (!settled) fail(describeSocketError(reason));
        else closeHandler(reason);
      },
    );
  });
}

function describeSocketError(reason: string): string {
  if (/ENOENT|ECONNREFUSED/.test(reason)) return 'nothing is listening on its socket';
  if (/EACCES|EPERM/.test(reason)) return 'its socket is not accessible to this user';
  return reason;
}
