// The shim's copy of the calls it denied while the gate was unreachable: written down as they
// happen, bounded, handed over in messages the socket accepts, and removed once handed over.
import fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_OFFLINE_FILE_BYTES, offlineDir } from '../core/dataDir';
import type { OfflineCall, SessionInfo, ShimMessage } from '../gate/wire';
import { shimMessageSchema } from '../gate/wire';
import { tempDir } from '../testing/harness';
import { MAX_SPOOLED_CALLS, OFFLINE_PER_MESSAGE, OfflineSpool } from './offlineSpool';

const info: SessionInfo = { server: 's', host: 'h', command: 'c', args: [], cwd: '/', pid: 1 };
const call = (n: number, line = `{"n":${n}}`): OfflineCall => ({ at: n, line, reason: 'down' });
const calls = (messages: ShimMessage[]): OfflineCall[] =>
  messages.flatMap((m) => (m.t === 'offline' ? m.calls : []));
const files = (dataDir: string): string[] => fs.readdirSync(offlineDir(dataDir));

describe('OfflineSpool', () => {
  it('writes each denial down at once, and hands them over in messages of at most 100', () => {
    const dataDir = tempDir();
    const spool = new OfflineSpool(dataDir, info, () => {});
    for (let n = 0; n < 250; n++) spool.add(call(n));
    const [name] = files(dataDir);
    expect(name).toMatch(new RegExp(`^${process.pid}-[0-9a-f]+\\.jsonl$`));
    const file = join(offlineDir(dataDir), name as string);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0] as string)).toEqual({ t: 'session', ...info });
    expect(lines).toHaveLength(251);

    const messages = spool.take();
    expect(messages.map((m) => (m.t === 'offline' ? m.calls.length : 0))).toEqual([
      OFFLINE_PER_MESSAGE,
      OFFLINE_PER_MESSAGE,
      50,
    ]);
    for (const m of messages) expect(shimMessageSchema.safeParse(m).success).toBe(true);
    expect(calls(messages)).toEqual(Array.from({ length: 250 }, (_, n) => call(n)));
    expect(files(dataDir)).toEqual([]);
    expect(spool.take()).toEqual([]);
  });

  it(`keeps at most ${MAX_SPOOLED_CALLS} calls, and a file of at most the size the gate reads`, () => {
    const dataDir = tempDir();
    const spool = new OfflineSpool(dataDir, info, () => {});
    for (let n = 0; n < MAX_SPOOLED_CALLS + 5; n++) spool.add(call(n));
    expect(calls(spool.take())).toHaveLength(MAX_SPOOLED_CALLS);

    const big = 'x'.repeat(60 * 1024);
    for (let n = 0; n < 300; n++) spool.add(call(n, big));
    const [name] = files(dataDir);
    expect(fs.statSync(join(offlineDir(dataDir), name as string)).size).toBeLessThanOrEqual(
      MAX_OFFLINE_FILE_BYTES,
    );
    const kept = calls(spool.take());
    expect(kept.length).toBeGreaterThan(100);
    expect(kept.length).toBeLessThan(300);
  });

  it('keeps the first few in memory when the data directory cannot be written', () => {
    const dataDir = join(tempDir(), 'a-file');
    fs.writeFileSync(dataDir, '');
    const logged: string[] = [];
    const spool = new OfflineSpool(dataDir, info, (line) => logged.push(line));
    for (let n = 0; n < 150; n++) spool.add(call(n));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/could not keep the denied calls/);
    expect(calls(spool.take())).toEqual(
      Array.from({ length: OFFLINE_PER_MESSAGE }, (_, n) => call(n)),
    );
  });
});
