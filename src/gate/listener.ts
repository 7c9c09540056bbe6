// The gate's socket: one per data directory, owned by the current user. A lock file (taken
// with an exclusive create) makes a second gate on the same data directory refuse clearly.
import {
  chmodSync,
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { ensureSecret } from './auth';
import { lockPath, secretPath, socketLocation } from '../core/dataDir';

export class GateAlreadyRunningError extends Error {}

export interface Listening {
  secret: string;
  socketPath: string;
  close(): Promise<void>;
}

export async function listenOnSocket(
  dataDir: string,
  onSocket: (s: Socket) => void,
): Promise<Listening> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = ensureSecret(secretPath(dataDir));
  const location = socketLocation(dataDir);
  await acquireLock(dataDir, location.path);
  if (location.dir) {
    mkdirSync(location.dir, { recursive: true, mode: 0o700 });
    chmodSync(location.dir, 0o700); // mkdir's mode does not apply to a directory that existed
    rmSync(location.path, { force: true }); // a stale socket from a gate that died
  }
  const server = createServer({ allowHalfOpen: false }, onSocket);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Created 0600 from the start where the platform honours umask for sockets.
      const previous = process.umask(0o177);
      try {
        server.listen(location.path, () => resolve());
      } finally {
        process.umask(previous);
      }
    });
  } catch (err) {
    releaseLock(dataDir);
    throw err;
  }
  if (location.dir) chmodSync(location.path, 0o600);
  return {
    secret,
    socketPath: location.path,
    close: () => closeServer(server, dataDir, location.dir ? location.path : null),
  };
}

async function closeServer(
  server: Server,
  dataDir: string,
  socketFile: string | null,
): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (socketFile) rmSync(socketFile, { force: true });
  releaseLock(dataDir);
}

async function acquireLock(dataDir: string, socketPath: string): Promise<void> {
  const file = lockPath(dataDir);
  if (tryCreateLock(file)) return;
  // A lock exists. It is stale unless a gate still answers on the socket.
  if (await socketAnswers(socketPath)) throw alreadyRunning(dataDir, file);
  try {
    unlinkSync(file);
  } catch {
    // another starting gate removed it first; the exclusive create below decides who wins
  }
  if (!tryCreateLock(file)) throw alreadyRunning(dataDir, file);
}

function alreadyRunning(dataDir: string, file: string): GateAlreadyRunningError {
  let pid = '';
  try {
    pid = readFileSync(file, 'utf8').trim();
  } catch {
    // unreadable: say it without the pid
  }
  return new GateAlreadyRunningError(
    `another Airlock gate is already running for ${dataDir}${pid ? ` (pid ${pid})` : ''}`,
  );
}

function tryCreateLock(file: string): boolean {
  try {
    const fd = openSync(file, 'wx', 0o600);
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function releaseLock(dataDir: string): void {
  const file = lockPath(dataDir);
  try {
    if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
  } catch {
    // already gone
  }
}

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    setTimeout(() => done(false), 1000).unref();
  });
}
