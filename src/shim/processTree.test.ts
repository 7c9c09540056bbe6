// The process tree the shim walks when the server keeps the host's terminal: real processes.
import { execFileSync, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { NODE, waitFor } from '../testing/harness';
import { descendantsOf, killTree, parsePsTable, rememberTree } from './processTree';

describe.skipIf(process.platform === 'win32')('process tree', () => {
  it.skipIf(process.platform !== 'linux')(
    'finds a child and its grandchild, and ends both, the grandchild after its parent is gone',
    async () => {
      // The child starts a grandchild that ignores SIGTERM, then prints its pid (so the handler
      // is in place before the test signals anything), and waits.
      const child = spawn(
        NODE,
        [
          '-e',
          `require('child_process').spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); console.log(process.pid); setInterval(() => {}, 1000)"], { stdio: ['ignore', 'inherit', 'inherit'] }); setInterval(() => {}, 1000)`,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const grandchild = Number(await waitFor(() => out.trim(), 10_000, "the grandchild's pid"));
      const alive = (pid: number): boolean => {
        try {
          process.kill(pid, 0);
          return !/\) Z /.test(execFileSync('cat', [`/proc/${pid}/stat`], { encoding: 'latin1' }));
        } catch {
          return false;
        }
      };
      try {
        expect(descendantsOf(process.pid).map((r) => r.pid)).toEqual(
          expect.arrayContaining([child.pid, grandchild]),
        );
        expect(descendantsOf(child.pid!).map((r) => r.pid)).toEqual([grandchild]);

        const seen = new Map<number, string>();
        rememberTree(child, seen);
        expect([...seen.keys()]).toEqual([grandchild]);
        killTree(child, 'SIGTERM', false, seen); // the child dies; the grandchild ignores it
        await waitFor(
          () => child.exitCode !== null || child.signalCode !== null,
          10_000,
          'the child',
        );
        expect(alive(grandchild)).toBe(true);
        expect(descendantsOf(child.pid!)).toEqual([]); // orphaned: no longer in the tree
        killTree(child, 'SIGKILL', false, seen); // remembered, with its start time
        await waitFor(() => !alive(grandchild), 10_000, 'the grandchild to end');
      } finally {
        for (const pid of [child.pid!, grandchild]) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // ended by the test
          }
        }
      }
    },
  );

  it('reads the table ps prints (the walk used where there is no /proc)', () => {
    const out = execFileSync('ps', ['-A', '-o', 'pid=', '-o', 'ppid=', '-o', 'lstart='], {
      encoding: 'latin1',
    });
    const me = parsePsTable(out).find((r) => r.pid === process.pid);
    expect(me?.ppid).toBe(process.ppid);
    expect(me?.start).toMatch(/\d\d:\d\d:\d\d/);
    expect(parsePsTable('  12   1 Tue Dec  1 22:13:57 2026\n\n junk\n')).toEqual([
      { pid: 12, ppid: 1, start: 'Tue Dec  1 22:13:57 2026' },
    ]);
  });
});
