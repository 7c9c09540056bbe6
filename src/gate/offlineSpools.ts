// Denials that shims wrote down while no gate answered (shim/offlineSpool.ts), read once the
// shim that wrote them has ended: a live shim reports its own when it reconnects. Each file is
// checked line by line against the socket's own schema, as a live shim's messages are: whoever
// can write the data directory could put a file here, and gets no further than a shim would.
import fs from 'node:fs';
import { join } from 'node:path';
import { MAX_OFFLINE_FILE_BYTES, offlineDir, OFFLINE_FILE_SUFFIX } from '../core/dataDir';
import { shimMessageSchema, type OfflineCall, type SessionInfo } from './wire';

const FILE_NAME = new RegExp(`^(\\d+)-[0-9a-f]+${OFFLINE_FILE_SUFFIX.replace('.', '\\.')}$`);

/** Records one ended shim's denials; throws when the record refuses (the file then stays). */
export type RecordEnded = (info: SessionInfo, calls: OfflineCall[]) => void;

/** Does a process with this id still run? (EPERM: it does, as another user's.) */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Records the denials of every shim that has ended and removes their files; returns how many
 * calls were recorded. A file the record refused stays for the next time.
 */
export function collectOfflineSpools(
  dataDir: string,
  record: RecordEnded,
  log: (line: string) => void,
  alive: (pid: number) => boolean = processAlive,
): number {
  const dir = offlineDir(dataDir);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0; // no shim ever had to write one down
  }
  let recorded = 0;
  for (const name of names) {
    const pid = FILE_NAME.exec(name)?.[1];
    if (pid === undefined || alive(Number(pid))) continue;
    const file = join(dir, name);
    const read = readSpool(file);
    if ('problem' in read) {
      log(`ignored ${file}: ${read.problem}`);
      remove(file);
      continue;
    }
    if (read.skipped)
      log(`${file}: ${read.skipped} line(s) that are not a shim's report were skipped`);
    try {
      if (read.calls.length) record(read.info, read.calls);
    } catch (err) {
      log(`could not record the calls in ${file} yet: ${(err as Error).message}`);
      continue;
    }
    recorded += read.calls.length;
    remove(file);
  }
  return recorded;
}

type SpoolRead = { info: SessionInfo; calls: OfflineCall[]; skipped: number } | { problem: string };

function readSpool(file: string): SpoolRead {
  let text: string;
  try {
    // Never through a link: the file itself, a regular one, of a size a shim could write.
    const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) return { problem: 'not a regular file' };
      if (stat.size > MAX_OFFLINE_FILE_BYTES)
        return { problem: `larger than a shim writes (${stat.size} bytes)` };
      text = fs.readFileSync(fd, 'utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    return { problem: (err as Error).message };
  }
  const lines = text.split('\n').filter((line) => line !== '');
  const head = parseMessage(lines[0]);
  if (head?.t !== 'session') return { problem: "it does not start with a shim's session" };
  const { t: _t, ...info } = head;
  const calls: OfflineCall[] = [];
  let skipped = 0;
  for (const line of lines.slice(1)) {
    const msg = parseMessage(line);
    if (msg?.t === 'offline') calls.push(...msg.calls);
    else skipped++; // a line cut short by a full disk, or not a shim's
  }
  return { info, calls, skipped };
}

function parseMessage(line: string | undefined) {
  if (line === undefined) return null;
  try {
    const parsed = shimMessageSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function remove(file: string): void {
  try {
    fs.unlinkSync(file); // a link is removed, never what it points to
  } catch {
    // already gone
  }
}
