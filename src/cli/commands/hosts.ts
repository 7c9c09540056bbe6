import { existsSync, realpathSync } from 'node:fs';
import { databasePath, resolveDataDir } from '../../core/dataDir';
import type { Io } from '../output';
import { hostsCommand } from '../../hosts';
import { registryToolFacts } from '../../app/hostReports';
import { openStore } from '../../store/store';
import { hostRuntime } from '../runtime';

/** `airlock hosts …`: the data directory is ours to read; the rest is the hosts module's. */
export async function hostsCli(argv: string[], io: Io): Promise<number> {
  const rest: string[] = [];
  let dataDirFlag: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--data-dir') dataDirFlag = argv[++i];
    else if (a.startsWith('--data-dir=')) dataDirFlag = a.slice('--data-dir='.length);
    else rest.push(a);
  }
  const dataDir = resolveDataDir(dataDirFlag, process.env);
  // Grades count what the gate has seen of each server's tools, where it has seen any.
  const db = databasePath(dataDir.dir);
  const store = existsSync(db) ? openStore(db) : null;
  try {
    return await hostsCommand(rest, {
      stdout: (s) => io.out(s),
      stderr: (s) => io.err(s),
      env: process.env,
      dataDir: dataDir.dir,
      dataDirIsDefault: dataDir.isDefault,
      // Hosts start servers with a minimal PATH: name this very Node and this very script.
      shimLauncher: { node: hostRuntime(), cli: realpathSync(process.argv[1] ?? '') },
      ...(store
        ? {
            toolFacts: registryToolFacts(store),
          }
        : {}),
    });
  } finally {
    store?.close();
  }
}
