// The gate's own CPU per call, read from the kernel's accounting of the gate process
// (/proc/PID/stat: user + system time of all its threads). Unlike a round trip, CPU time barely
// moves with the load of the machine, so a change in the gate's work per call shows up in it
// even when the figures around it are noisy. Linux only (the benchmarks' machine).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | null = null;

/** The kernel's clock ticks per second, the unit of /proc/PID/stat's times (usually 100). */
function clockTicks(): number {
  if (ticksPerSecond === null) {
    const out = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim();
    const n = Number(out);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`getconf CLK_TCK said "${out}"`);
    ticksPerSecond = n;
  }
  return ticksPerSecond;
}

/** CPU time (user + system, ms) process `pid` has used so far. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: fields count after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error(`cannot read the CPU times of process ${pid}`);
  return ((utime + stime) * 1000) / clockTicks();
}
