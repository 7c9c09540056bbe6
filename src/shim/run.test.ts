// When the shim may exit: as soon as the server has exited and its output is drained, whatever
// order the two events came in; the fallback timer is only for a grandchild holding the pipe.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NODE, waitFor } from '../testing/harness';
import { ReadValve, whenDrained } from './run';

/** A fallback no test could wait for: reaching it fails the test by its own timeout. */
const NEVER_MS = 10 * 60_000;

describe('whenDrained', () => {
  it("is done at once when the server's output ended before its exit was seen", async () => {
    const child = spawn(NODE, ['-e', 'process.stdout.write("bye")'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    await Promise.all([once(child.stdout, 'end'), once(child, 'exit')]);
    expect(child.stdout.readableEnded).toBe(true); // the 'end' event is in the past
    expect(await whenDrained(child, NEVER_MS)).toBe('drained');
    expect(out).toBe('bye');
  });

  it('waits for the output still coming after the exit', async () => {
    // The child exits while its own child still holds stdout and writes to it.
    const child = spawn(
      NODE,
      [
        '-e',
        `require('child_process').spawn(process.execPath, ['-e', 'process.stdin.resume(); process.stdin.on("end", () => process.stdout.write("late"))'], { stdio: ['pipe', 'inherit', 'inherit'] }).stdin.write(''); process.stdout.write('x'); setTimeout(() => process.exit(0), 0)`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    await once(child, 'exit');
    expect(await whenDrained(child, NEVER_MS)).toBe('drained');
    expect(out).toContain('late');
  });

  it('gives up after the fallback when a grandchild keeps the pipe open', async () => {
    const child = spawn(
      NODE,
      [
        '-e',
        `const g = require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: ['ignore', 'inherit', 'inherit'], detached: true }); g.unref(); process.stdout.write(String(g.pid) + '\\n')`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    await once(child, 'exit');
    await waitFor(() => out.includes('\n'), 10_000, "the grandchild's pid");
    try {
      expect(await whenDrained(child, 1)).toBe('fallback');
    } finally {
      process.kill(Number(out.trim()), 'SIGKILL'); // the grandchild this test started
      child.stdout.destroy();
    }
  });
});

describe('ReadValve', () => {
  it('resumes only when every reason that held the stream has let go', () => {
    const source = new PassThrough();
    source.resume();
    const valve = new ReadValve(source);
    expect(valve.hold('server')).toBe(true);
    expect(valve.hold('gate')).toBe(true);
    expect(valve.hold('gate')).toBe(false); // already held for this reason: one release is due
    expect(source.isPaused()).toBe(true);
    valve.release('server'); // the server drained, the gate has not
    expect(source.isPaused()).toBe(true);
    valve.release('gate');
    expect(source.isPaused()).toBe(false);
    expect(valve.held).toBe(false);
    valve.release('gate'); // a late second release changes nothing
    expect(source.isPaused()).toBe(false);
  });
});
