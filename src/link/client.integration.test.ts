// The client's side of the handshake against a gate of another release: a real socket, a peer
// that speaks the previous protocol version. The shim (and the CLI) must say so in one sentence
// that tells what to do, not hang and not fail on the first message it does not understand.
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { secretPath, socketLocation } from '../core/dataDir';
import { ensureSecret, newNonce } from '../gate/auth';
import { WIRE_VERSION } from '../gate/wireVersion';
import { tempDir } from '../testing/harness';
import { connectGate, GateUnavailableError } from './client';
import { checkGateMessage } from './wireCheck';

let server: Server | null = null;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

it('refuses a gate of another protocol version, saying to restart Airlock', async () => {
  const dataDir = tempDir();
  ensureSecret(secretPath(dataDir));
  server = createServer((socket) =>
    socket.write(`${JSON.stringify({ t: 'challenge', v: WIRE_VERSION - 1, nonce: newNonce() })}\n`),
  );
  const { dir, path } = socketLocation(dataDir);
  if (dir) mkdirSync(dir, { recursive: true, mode: 0o700 });
  await new Promise<void>((listening) => server!.listen(path, () => listening()));
  const connecting = connectGate(dataDir, 'shim', 5_000, checkGateMessage);
  await expect(connecting).rejects.toBeInstanceOf(GateUnavailableError);
  await expect(connecting).rejects.toThrow(
    `the gate speaks protocol version ${WIRE_VERSION - 1}, this client ${WIRE_VERSION}`,
  );
  await expect(connecting).rejects.toThrow(/restart Airlock/);
});
