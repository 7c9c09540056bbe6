// Connecting to the gate: socket, mutual proof, then a message channel. Used by the shim and
// by the CLI's control commands. Every failure becomes one clear sentence.
import { connect } from 'node:net';
import { clientProof, gateProof, newNonce, readSecret, sameProof, sessionKey } from './auth';
import { LineChannel } from './lineChannel';
import { secretPath, socketLocation } from '../core/dataDir';
import { WIRE_VERSION } from './wire';

export interface GateConnection {
  channel: LineChannel;
  /** Key that authenticates decisions on this connection. */
  key: string;
  /** Replace the message handler installed for the handshake. */
  onMessage(handler: (msg: Record<string, unknown>) => void): void;
  onClose(handler: (reason: string) => void): void;
}

export class GateUnavailableError extends Error {}

export function connectGate(
  dataDir: string,
  role: 'shim' | 'control',
  timeoutMs: number,
): Promise<GateConnection> {
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
    let messageHandler: (msg: Record<string, unknown>) => void = () => {};
    let closeHandler: (reason: string) => void = () => {};
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
      (msg) => {
        if (settled) return messageHandler(msg);
        if (msg.t === 'challenge' && typeof msg.nonce === 'string' && msg.v === WIRE_VERSION) {
          gateNonce = msg.nonce;
          channel.send({
            t: 'auth',
            role,
            nonce: clientNonce,
            proof: clientProof(secret, gateNonce, clientNonce),
          });
        } else if (msg.t === 'welcome' && typeof msg.proof === 'string' && gateNonce) {
          if (!sameProof(msg.proof, gateProof(secret, gateNonce, clientNonce))) {
            return fail('the gate could not prove it holds this install’s secret');
          }
          settled = true;
          clearTimeout(timer);
          resolve({
            channel,
            key: sessionKey(secret, gateNonce, clientNonce),
            onMessage: (h) => (messageHandler = h),
            onClose: (h) => (closeHandler = h),
          });
        } else if (msg.t === 'refused') {
          fail(`the gate refused this client: ${String(msg.reason)}`);
        } else {
          fail('unexpected handshake message from the gate');
        }
      },
      (reason) => {
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
