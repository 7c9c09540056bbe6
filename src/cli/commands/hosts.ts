import { realpathSync } from 'node:fs';
import { resolveDataDir } from '../../core/dataDir';
import type { Io } from '../output';
import { hostsCommand } from '../../hosts';

/** `airlock hosts …`: the data directory is ours to read; the rest is the hosts module's. */
export function hostsCli(argv: string[], io: Io): Promise<number> {
  const rest: string[] = [];
  let dataDirFlag: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--data-dir') dataDirFlag = argv[++i];
    else if (a.startsWith('--data-dir=')) dataDirFlag = a.slice('--data-dir='.length);
    else rest.push(a);
  }
  const dataDir = resolveDataDir(dataDirFlag, process.env);
  return hostsCommand(rest, {
    stdout: (s) => io.out(s),
    stderr: (s) => io.err(s),
    env: process.env,
    dataDir: dataDir.dir,
    dataDirIsDefault: dataDir.isDefault,
    // Hosts start servers with a minimal PATH: name this very Node and this very script.
    shimLauncher: { node: process.execPath, cli: realpathSync(process.argv[1] ?? '') },
  });
}
