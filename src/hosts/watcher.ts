// Watches every host config the app knows of and reports what changed for the worse: a new
// server nobody guarded, or a wrap that a host (or the user) removed. fs.watch on the parent
// folders notices edits in a moment; a slow poll catches what fs.watch misses (network
// filesystems, folders that appear deep under ones not watched yet, platforms without events).
import { statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { watchTargets } from './paths';
import { scanHosts } from './scan';
import type { Platform, ScanResult } from './types';
import { diffScans, type ScanEvent } from './watch';

export interface HostWatcherOptions {
  env: NodeJS.ProcessEnv;
  platform: Platform;
  projects?: string[];
  /** Called with the events of one rescan, never with an empty list. */
  onEvents(events: ScanEvent[]): void;
  /** Quiet time after the last file event before rescanning (editors write in bursts). */
  debounceMs?: number;
  /** Rescan this often whatever fs.watch says; 0 turns polling off. */
  pollMs?: number;
  onError?(error: Error): void;
}

interface Watched {
  watcher: FSWatcher;
  /** Inode at the time the watch was set: a folder deleted and recreated needs a new watch. */
  ino: number;
  /** Entry names in this folder that lead to a target; null when every entry counts. */
  names: Set<string> | null;
}

export class HostWatcher {
  private readonly debounceMs: number;
  private readonly pollMs: number;
  private readonly watched = new Map<string, Watched>();
  private baseline: ScanResult | null = null;
  private timer: NodeJS.Timeout | null = null;
  private poller: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly opts: HostWatcherOptions) {
    this.debounceMs = opts.debounceMs ?? 250;
    this.pollMs = opts.pollMs ?? 15_000;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** The folders being watched, for tests and diagnostics. */
  watchedDirs(): string[] {
    return [...this.watched.keys()].sort();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.baseline = this.scan();
    this.arm();
    if (this.pollMs > 0) {
      this.poller = setInterval(() => this.rescan(), this.pollMs);
      this.poller.unref();
    }
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.poller) clearInterval(this.poller);
    this.timer = null;
    this.poller = null;
    for (const w of this.watched.values()) w.watcher.close();
    this.watched.clear();
  }

  /**
   * Takes the current state as the new baseline without reporting it: the app calls this after
   * changing a config itself, so its own Unguard is not announced as a removed wrap.
   */
  resync(): void {
    if (!this.running) return;
    this.baseline = this.scan();
    this.arm();
  }

  /** Rescans now and reports (and returns) what changed since the last scan. */
  rescan(): ScanEvent[] {
    if (!this.running) return [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const after = this.scan();
    const events = this.baseline ? diffScans(this.baseline, after) : [];
    this.baseline = after;
    this.arm();
    if (events.length > 0) {
      try {
        this.opts.onEvents(events);
      } catch (e) {
        this.fail(e);
      }
    }
    return events;
  }

  private scan(): ScanResult {
    return scanHosts({
      env: this.opts.env,
      platform: this.opts.platform,
      ...(this.opts.projects ? { projects: this.opts.projects } : {}),
    });
  }

  private schedule(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.rescan(), this.debounceMs);
    this.timer.unref();
  }

  /** (Re)places watches so that each target, or the nearest folder above it that exists, is seen. */
  private arm(): void {
    const wanted = new Map<string, Set<string> | null>();
    const want = (dir: string, name: string | null): void => {
      const cur = wanted.get(dir);
      if (name === null || cur === null) wanted.set(dir, null);
      else wanted.set(dir, (cur ?? new Set<string>()).add(name));
    };
    for (const target of watchTargets(this.opts.env, this.opts.platform, this.opts.projects)) {
      if (inoOf(target, true) !== null) want(target, null); // a folder target (extensions)
      let child = target;
      let dir = dirname(target);
      while (inoOf(dir, true) === null && dirname(dir) !== dir) {
        child = dir;
        dir = dirname(dir);
      }
      want(dir, basename(child));
    }
    for (const [dir, w] of this.watched) {
      if (!wanted.has(dir) || inoOf(dir, true) !== w.ino) {
        w.watcher.close();
        this.watched.delete(dir);
      }
    }
    for (const [dir, names] of wanted) {
      const existing = this.watched.get(dir);
      if (existing) {
        existing.names = names;
        continue;
      }
      const ino = inoOf(dir, true);
      if (ino === null) continue;
      try {
        const watcher = watch(dir, { persistent: false }, (_type, filename) => {
          const entry = this.watched.get(dir);
          const name = typeof filename === 'string' ? filename : null;
          if (!entry || entry.names === null || name === null || entry.names.has(name)) {
            this.schedule();
          }
        });
        // A watched folder that goes away errors on some platforms: the next scan re-arms.
        watcher.on('error', () => {
          watcher.close();
          if (this.watched.get(dir)?.watcher === watcher) this.watched.delete(dir);
          this.schedule();
        });
        this.watched.set(dir, { watcher, ino, names });
      } catch (e) {
        // Not watchable (permissions, too many watches): the poll still covers it.
        this.fail(e);
      }
    }
  }

  private fail(e: unknown): void {
    this.opts.onError?.(e instanceof Error ? e : new Error(String(e)));
  }
}

function inoOf(path: string, wantDir: boolean): number | null {
  try {
    const s = statSync(path);
    return s.isDirectory() === wantDir ? s.ino : null;
  } catch {
    return null;
  }
}
