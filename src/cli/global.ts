// What comes before the command: `airlock [--data-dir DIR] [--help] [--version] <command> …`.
import { UsageError } from './args';

export interface GlobalSplit {
  command: string | undefined;
  /** The command's own arguments, with a leading --data-dir handed on to it. */
  rest: string[];
  help: boolean;
  version: boolean;
}

/**
 * Takes the options written before the command. A `--data-dir` there is passed to the command
 * as if written after it (first, so that the shim still finds its server command after `--`).
 */
export function splitGlobalOptions(argv: string[]): GlobalSplit {
  let help = false;
  let version = false;
  const dataDir: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) break;
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--version' || arg === '-V') version = true;
    else if (arg === '--data-dir' || arg.startsWith('--data-dir=')) {
      const value = arg === '--data-dir' ? argv[++i] : arg.slice('--data-dir='.length);
      if (value === undefined || value === '' || value.startsWith('-'))
        throw new UsageError('--data-dir needs a directory');
      if (dataDir.length) throw new UsageError('--data-dir is given more than once');
      dataDir.push('--data-dir', value);
    } else {
      throw new UsageError(`unknown option ${arg.split('=')[0]} before the command`);
    }
  }
  const [command, ...rest] = argv.slice(i);
  return { command, rest: [...dataDir, ...rest], help, version };
}
