// The gate reads what ended shims wrote down, and nothing else: files of live shims are left
// to them, and a file that is not a shim's (a link, garbage, an oversized one) is not trusted.
// Real files in a temp data directory; the spool is written by the shim's own writer.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_OFFLINE_FILE_BYTES, offlineDir } from '../core/dataDir';
import { OfflineSpool } from '../shim/offlineSpool';
import { tempDir } from '../testing/harness';
import { collectOfflineSpools, processAlive } from './offlineSpools';
import type { OfflineCall, SessionInfo } from './wire';

const info: SessionInfo = {
  server: 'files',
  host: 'test-host',
  command: 'node',
  args: ['server.js'],
  cwd: '/tmp',
  pid: 1,
};

const call = (n: number): OfflineCall => ({
  at: 1_700_000_000_000 + n,
  line: JSON.stringify({
    jsonrpc: '2.0',
    id: n,
    method: 'tools/call',
    params: { name: 'write_file', arguments: { n } },
  }),
  reason: 'the Airlock approval service is not running',
});

/** The pid of a process that has ended (a real one, waited for). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

/** A spool file as the shim writes it, renamed to look like it came from process `pid`. */
function spoolOf(dataDir: string, calls: OfflineCall[], pid: number): string {
  const spool = new OfflineSpool(dataDir, info, () => {});
  for (const c of calls) spool.add(c);
  const [name] = fs.readdirSync(offlineDir(dataDir)).filter((n) => n.startsWith(`${process.pid}-`));
  const file = join(offlineDir(dataDir), (name as string).replace(`${process.pid}-`, `${pid}-`));
  fs.renameSync(join(offlineDir(dataDir), name as string), file);
  return file;
}

interface Collected {
  recorded: { info: SessionInfo; calls: OfflineCall[] }[];
  logged: string[];
  n: number;
}

function collect(dataDir: string, refuse = false): Collected {
  const recorded: Collected['recorded'] = [];
  const logged: string[] = [];
  const n = collectOfflineSpools(
    dataDir,
    (i, calls) => {
      if (refuse) throw new Error('database is locked');
      recorded.push({ info: i, calls });
    },
    (line) => logged.push(line),
  );
  return { recorded, logged, n };
}

describe('collectOfflineSpools', () => {
  it("records an ended shim's calls with its session and removes its file", () => {
    const dataDir = tempDir();
    const file = spoolOf(dataDir, [call(1), call(2)], deadPid());
    const { recorded, n } = collect(dataDir);
    expect(n).toBe(2);
    expect(recorded).toEqual([{ info, calls: [call(1), call(2)] }]);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('leaves the file of a shim that still runs to that shim', () => {
    const dataDir = tempDir();
    expect(processAlive(process.pid)).toBe(true);
    const file = spoolOf(dataDir, [call(1)], process.pid);
    expect(collect(dataDir).n).toBe(0);
    expect(fs.existsSync(file)).toBe(true);
  });

  it('keeps the file for the next time when the record refuses', () => {
    const dataDir = tempDir();
    const file = spoolOf(dataDir, [call(1)], deadPid());
    const refused = collect(dataDir, true);
    expect(refused.n).toBe(0);
    expect(refused.logged.join('\n')).toMatch(/could not record.*database is locked/);
    expect(fs.existsSync(file)).toBe(true);
    expect(collect(dataDir).n).toBe(1);
  });

  it('skips lines that are not a report and records the rest', () => {
    const dataDir = tempDir();
    const file = spoolOf(dataDir, [call(1)], deadPid());
    fs.appendFileSync(file, '{"t":"ask","rid":1}\nnot json\n{"t":"offline","calls":[{"at":1}]}\n');
    fs.appendFileSync(file, `${JSON.stringify({ t: 'offline', calls: [call(2)] })}\n{"t":"offl`);
    const { recorded, logged } = collect(dataDir);
    expect(recorded[0]?.calls).toEqual([call(1), call(2)]);
    expect(logged.join('\n')).toMatch(/4 line\(s\) that are not a shim's report were skipped/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('records nothing from a file that does not start with a session, and removes it', () => {
    const dataDir = tempDir();
    fs.mkdirSync(offlineDir(dataDir), { recursive: true });
    const file = join(offlineDir(dataDir), `${deadPid()}-abcdef.jsonl`);
    fs.writeFileSync(file, `${JSON.stringify({ t: 'offline', calls: [call(1)] })}\n`);
    const { recorded, logged } = collect(dataDir);
    expect(recorded).toEqual([]);
    expect(logged.join('\n')).toMatch(/does not start with a shim's session/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('never reads through a link, and removes the link, not what it points to', () => {
    const dataDir = tempDir();
    const elsewhere = join(tempDir(), 'victim.jsonl');
    const victim = spoolOf(tempDir(), [call(1)], deadPid());
    fs.renameSync(victim, elsewhere);
    fs.mkdirSync(offlineDir(dataDir), { recursive: true });
    const link = join(offlineDir(dataDir), `${deadPid()}-abcdef.jsonl`);
    fs.symlinkSync(elsewhere, link);
    const { recorded, logged } = collect(dataDir);
    expect(recorded).toEqual([]);
    expect(logged.join('\n')).toMatch(/ignored/);
    expect(fs.existsSync(link)).toBe(false);
    expect(fs.existsSync(elsewhere)).toBe(true);
  });

  it('refuses a file larger than a shim ever writes', () => {
    const dataDir = tempDir();
    const file = spoolOf(dataDir, [call(1)], deadPid());
    fs.appendFileSync(file, Buffer.alloc(MAX_OFFLINE_FILE_BYTES, 0x20));
    const { recorded, logged } = collect(dataDir);
    expect(recorded).toEqual([]);
    expect(logged.join('\n')).toMatch(/larger than a shim writes/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('leaves files with other names alone', () => {
    const dataDir = tempDir();
    fs.mkdirSync(offlineDir(dataDir), { recursive: true });
    const other = join(offlineDir(dataDir), 'notes.txt');
    fs.writeFileSync(other, 'x');
    expect(collect(dataDir).n).toBe(0);
    expect(fs.existsSync(other)).toBe(true);
  });
});
