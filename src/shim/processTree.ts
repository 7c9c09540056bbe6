// How the shim starts the server and ends all of it. Two ways, chosen by whether the host gave
// the shim a controlling terminal:
//
// - No terminal (desktop hosts, IDEs): the server gets its own session and process group, and
//   one signal to the group ends the server and everything it started, even processes whose
//   parent already exited.
// - A terminal (Claude Code, Codex, Gemini CLI in a shell): a new session would have no
//   terminal, so a tool that prompts on /dev/tty (ssh, git, gpg, sudo) would fail or behave
//   differently than without Airlock. The server stays in the shim's session and process group,
//   exactly where the host would have put it, and is ended by walking the process tree. The
//   price: a process that a server's wrapper started and left behind after the wrapper itself
//   exited is no longer a descendant, so it can escape cleanup (the group kill caught those).
import { execFileSync, spawn as spawnPlain } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';

/** True when this process has a controlling terminal (POSIX; never on Windows). */
export function hasControllingTerminal(): boolean {
  if (process.platform === 'win32') return false;
  try {
    closeSync(openSync('/dev/tty', 'r'));
    return true;
  } catch {
    return false; // ENXIO: no controlling terminal
  }
}

export interface ProcessRow {
  pid: number;
  ppid: number;
  /** When it started, so a remembered pid is never confused with a reused one. */
  start: string | null;
}

/** Every live descendant of `root` (not `root` itself), parents before their children. */
export function descendantsOf(root: number): ProcessRow[] {
  const children = new Map<number, ProcessRow[]>();
  for (const row of processTable()) {
    const list = children.get(row.ppid);
    if (list) list.push(row);
    else children.set(row.ppid, [row]);
  }
  const found: ProcessRow[] = [];
  const seen = new Set<number>([root]);
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      if (seen.has(child.pid)) continue; // a table read mid-change may show a cycle
      seen.add(child.pid);
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** Every process: /proc on Linux, `ps` elsewhere. */
function processTable(): ProcessRow[] {
  if (process.platform === 'linux') {
    const rows: ProcessRow[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const row = linuxRow(Number(entry));
      if (row) rows.push(row);
    }
    return rows;
  }
  try {
    // lstart is the start time in words ("Tue Dec  1 22:13:57 2026"): the rest of the line.
    const out = execFileSync('ps', ['-A', '-o', 'pid=', '-o', 'ppid=', '-o', 'lstart='], {
      encoding: 'latin1',
    });
    return parsePsTable(out);
  } catch {
    return [];
  }
}

/** Rows of `ps -A -o pid= -o ppid= -o lstart=`. */
export function parsePsTable(out: string): ProcessRow[] {
  const rows: ProcessRow[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*\S)\s*$/.exec(line);
    if (m) rows.push({ pid: Number(m[1]), ppid: Number(m[2]), start: m[3] ?? null });
  }
  return rows;
}

/** When `pid` started, or null if it is gone. */
function startOf(pid: number): string | null {
  if (process.platform === 'linux') return linuxRow(pid)?.start ?? null;
  try {
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'latin1' });
    return out.trim() || null;
  } catch {
    return null; // ps exits 1 when the process is gone
  }
}

function linuxRow(pid: number): ProcessRow | null {
  try {
    // The name in parentheses may hold spaces and parentheses: read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[i] is field i + 3 of proc(5): state, ppid, … starttime (field 22).
    return { pid, ppid: Number(fields[1]), start: fields[19] ?? null };
  } catch {
    return null; // gone while we looked
  }
}

export interface ServerProcess {
  pid?: number | undefined;
  exitCode: number | null;
  signalCode: NodeJS.Signals | null;
}

/**
 * Ends the server and everything it started. `ownGroup` says how it was started (see above).
 * In tree mode, `known` collects every descendant seen so far, with its start time, so
 * that the SIGKILL after a SIGTERM still reaches a grandchild whose parent the SIGTERM ended,
 * and never a process that merely reuses a pid since.
 */
export function killTree(
  child: ServerProcess,
  signal: 'SIGTERM' | 'SIGKILL',
  ownGroup: boolean,
  known: Map<number, string> = new Map(),
): void {
  const pid = child.pid;
  if (!pid) return;
  if (process.platform === 'win32') {
    spawnPlain('taskkill', ['/pid', String(pid), '/T', '/F'], {
      stdio: 'ignore',
      windowsHide: true,
    });
    return;
  }
  if (ownGroup) {
    signalPid(-pid, signal);
    return;
  }
  // Once the server has exited (and was reaped) its pid may be another process's: from then
  // on only the descendants seen earlier are signalled, each checked to be the same process.
  const alive = child.exitCode === null && child.signalCode === null;
  const now = alive ? descendantsOf(pid) : [];
  if (alive) signalPid(pid, signal);
  for (const row of now) signalPid(row.pid, signal);
  for (const [p, start] of known) {
    if (!now.some((row) => row.pid === p) && startOf(p) === start) signalPid(p, signal);
  }
  for (const row of now) if (row.start !== null) known.set(row.pid, row.start);
}

/**
 * Tree mode: note the server's descendants (with their start times) while the tree is intact,
 * e.g. just before the server is told to exit, so that a later killTree still finds those a
 * wrapper leaves behind when it exits first.
 */
export function rememberTree(child: ServerProcess, known: Map<number, string>): void {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  for (const row of descendantsOf(child.pid)) if (row.start !== null) known.set(row.pid, row.start);
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
