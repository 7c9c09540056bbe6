// Temporary directories made by the test helpers (the harness's, the hosts' and the store's),
// removed when their test file ends, or sooner where a suite asks (the store's, after each
// test): a run of the suite used to leave about 400 of them in the system's temp directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A fresh directory under the system's temporary directory, removed after the test file. */
export function madeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every directory made so far. Never throws: a cleanup must not fail a test. */
export function removeMadeTempDirs(): void {
  for (const dir of made.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // a process of the test still writing there; the system's temp cleanup takes it
    }
  }
}
