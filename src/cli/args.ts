// Small wrapper over node:util's parseArgs: one-line errors, --help everywhere, and the
// data-directory flag every command shares.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { resolveDataDir, type DataDirChoice } from '../core/dataDir';

export class UsageError extends Error {}

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export const DATA_DIR_OPTION: Options = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export function parse(argv: string[], options: Options): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...DATA_DIR_OPTION, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed['values'], positionals };
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
}

export function dataDirOf(
  values: Parsed['values'],
  env: NodeJS.ProcessEnv = process.env,
): DataDirChoice {
  const flag = values['data-dir'];
  return resolveDataDir(typeof flag === 'string' ? flag : undefined, env);
}

export function str(values: Parsed['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}
