// Writing a config file the way an editor would want it written: the real file behind any symlink,
// a temp file in the same directory renamed over it (never a half-written config), the file mode
// kept.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  copyFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function realTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export function writeAtomic(path: string, content: string, mode?: number): void {
  const target = realTarget(path);
  const tmp = join(
    dirname(target),
    `.${basename(target)}.airlock-${process.pid}-${randomBytes(4).toString('hex')}.tmp`,
  );
  let keepMode = mode;
  if (keepMode === undefined) {
    try {
      keepMode = statSync(target).mode & 0o7777;
    } catch {
      keepMode = 0o600;
    }
  }
  const fd = openSync(tmp, 'wx', keepMode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Copies the file into `<dataDir>/backups/` before it is changed; returns the copy's path. */
export function backupFile(path: string, dataDir: string, now: Date = new Date()): string {
  const dir = join(dataDir, 'backups');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const flat = realTarget(path)
    .replace(/^[A-Za-z]:/, '')
    .replace(/[\\/]+/g, '_')
    .replace(/^_/, '');
  let dest = join(dir, `${flat}.airlock-backup-${stamp}`);
  for (let i = 1; ; i++) {
    try {
      statSync(dest);
      dest = join(dir, `${flat}.airlock-backup-${stamp}-${i}`);
    } catch {
      break;
    }
  }
  copyFileSync(realTarget(path), dest);
  return dest;
}
