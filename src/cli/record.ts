// Opening the record (airlock.db) from the command line. Commands that only read never create
// it, nor its directory: a mistyped --data-dir must not look like an empty record.
import { existsSync } from 'node:fs';
import { databasePath } from '../core/dataDir';
import { openStore, type Store } from '../store/store';

export class NoRecordError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `there is no Airlock record in ${dataDir}: no gate or desktop app has used this data directory (check --data-dir or AIRLOCK_HOME)`,
    );
  }
}

/** The existing record; NoRecordError when there is none. */
export function openExistingRecord(dataDir: string): Store {
  const file = databasePath(dataDir);
  if (!existsSync(file)) throw new NoRecordError(dataDir);
  return openStore(file);
}

/** The record, created with its directory when missing (commands that save something). */
export function openRecordForWriting(dataDir: string): Store {
  return openStore(databasePath(dataDir));
}

export function hasRecord(dataDir: string): boolean {
  return existsSync(databasePath(dataDir));
}
