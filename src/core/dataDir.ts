// Where Airlock keeps its database, secret and socket. One data directory = one gate.
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';

export interface DataDirChoice {
  dir: string;
  /** True when neither --data-dir nor AIRLOCK_HOME chose it (host installers omit it then). */
  isDefault: boolean;
}

/** --data-dir, else AIRLOCK_HOME, else the OS's per-user app data folder. */
export function resolveDataDir(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): DataDirChoice {
  if (flag) return { dir: absolute(flag, env), isDefault: false };
  if (env.AIRLOCK_HOME) return { dir: absolute(env.AIRLOCK_HOME, env), isDefault: false };
  return { dir: defaultDataDir(env, platform), isDefault: true };
}

function absolute(p: string, env: NodeJS.ProcessEnv): string {
  const home = env.HOME ?? env.USERPROFILE ?? '';
  if (p === '~') return home;
  if (p.startsWith('~/')) return join(home, p.slice(2));
  return resolve(p);
}

export function defaultDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const home = env.HOME ?? env.USERPROFILE ?? '.';
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Airlock');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Airlock');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'Airlock');
}

// sun_path is 104 bytes on macOS and 108 on Linux, terminator included.
const MAX_SOCKET_PATH = 100;

export interface SocketLocation {
  /** Directory created 0700 that holds the socket (null for a Windows named pipe). */
  dir: string | null;
  path: string;
}

/**
 * The gate's socket: `<dataDir>/run/gate.sock`, or, when that path is too long for a Unix
 * socket, a short per-user directory under the temp dir keyed by the data dir's hash.
 */
export function socketLocation(
  dataDir: string,
  platform: NodeJS.Platform = process.platform,
  tmpDir = '/tmp',
  uid: number = typeof process.getuid === 'function' ? process.getuid() : 0,
): SocketLocation {
  const key = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  if (platform === 'win32') return { dir: null, path: `\\\\.\\pipe\\airlock-${key}` };
  const dir = join(dataDir, 'run');
  const path = join(dir, 'gate.sock');
  if (Buffer.byteLength(path) <= MAX_SOCKET_PATH) return { dir, path };
  const shortDir = join(tmpDir, `airlock-${uid}-${key}`);
  return { dir: shortDir, path: join(shortDir, 'gate.sock') };
}

export const secretPath = (dataDir: string): string => join(dataDir, 'secret');
export const lockPath = (dataDir: string): string => join(dataDir, 'gate.lock');
export const databasePath = (dataDir: string): string => join(dataDir, 'airlock.db');
/**
 * Calls shims denied while no gate answered, one file per shim process, for the gate to record
 * (shim/offlineSpool.ts writes them, gate/offlineSpools.ts reads them).
 */
export const offlineDir = (dataDir: string): string => join(dataDir, 'offline');
export const OFFLINE_FILE_SUFFIX = '.jsonl';
/** A shim's file never grows past this; the gate ignores a larger one as not a shim's. */
export const MAX_OFFLINE_FILE_BYTES = 8 * 1024 * 1024;
