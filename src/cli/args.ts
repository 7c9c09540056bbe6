// The command line's own argument reader. Every complaint is a sentence in Airlock's words
// (the top level adds the command's --help hint); node:util's parseArgs messages ("To specify
// a positional argument starting with a '-'…", "argument is ambiguous") never reach the user.
import { resolveDataDir, type DataDirChoice } from '../core/dataDir';

/** A mistake in how the command was typed: exit 2, with a pointer to the command's help. */
export class UsageError extends Error {}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** May be given several times (the values are collected in order). */
  multiple?: boolean;
}

export type Options = Record<string, OptionSpec>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /**
   * With `stopAtPositional`: everything from the first positional (or after `--`) on, untouched.
   * Otherwise the arguments after `--`, which are also in `positionals`.
   */
  rest: string[];
}

export const DATA_DIR_OPTION: Options = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export interface ParseOptions {
  /**
   * The first argument that is not an option ends the options: it and everything after it are
   * returned in `rest` (`airlock shim --server x npx -y pkg` — the `-y` is the server's).
   */
  stopAtPositional?: boolean;
}

/**
 * Reads `argv` against `options` (plus --data-dir and --help, which every command takes).
 * Options may come before or after positionals. A string option takes the next argument as its
 * value unless that looks like another option; a negative number is a value (`--limit -3` then
 * fails the option's own check, in words). `--name=value` always works.
 * When --help is present the rest is not judged: help wins over any other mistake.
 */
export function parse(argv: string[], options: Options, opts: ParseOptions = {}): Parsed {
  const spec: Options = { ...DATA_DIR_OPTION, ...options };
  const byShort = new Map<string, string>();
  for (const [name, o] of Object.entries(spec)) if (o.short) byShort.set(o.short, name);
  const values: Parsed['values'] = {};
  const positionals: string[] = [];
  let rest: string[] = [];
  let mistake: string | null = null;
  const complain = (text: string): void => {
    mistake ??= text;
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest = argv.slice(i + 1);
      if (!opts.stopAtPositional) positionals.push(...rest);
      break;
    }
    if (!looksLikeOption(arg)) {
      if (opts.stopAtPositional) {
        rest = argv.slice(i);
        break;
      }
      positionals.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const written = eq === -1 ? arg : arg.slice(0, eq);
    const name = written.startsWith('--') ? written.slice(2) : byShort.get(written.slice(1));
    const o = name === undefined ? undefined : spec[name];
    if (name === undefined || o === undefined) {
      complain(unknownOption(written, Object.keys(spec)));
      continue;
    }
    let value: string | boolean;
    if (o.type === 'boolean') {
      if (eq !== -1) {
        complain(`${written} takes no value`);
        continue;
      }
      value = true;
    } else if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || next === '--') {
        complain(`${written} needs a value`);
        continue;
      }
      if (looksLikeOption(next)) {
        complain(
          `${written} needs a value, not "${next}" (for a value that starts with "-", write ${written}=VALUE)`,
        );
        continue;
      }
      value = next;
      i++;
    }
    const before = values[name!];
    if (o.multiple) values[name!] = [...((before as string[] | undefined) ?? []), value as string];
    else if (before !== undefined && o.type === 'string')
      complain(`${written} is given more than once`);
    else values[name!] = value;
  }

  if (values.help === true) return { values: { help: true }, positionals: [], rest: [] };
  if (mistake !== null) throw new UsageError(mistake);
  return { values, positionals, rest };
}

/** `-x` and `--xyz` are options; `-`, `-3` and `-0.5` are values. */
function looksLikeOption(arg: string): boolean {
  return arg.length > 1 && arg.startsWith('-') && !/^-\d/.test(arg);
}

function unknownOption(written: string, known: string[]): string {
  const near = closest(written.replace(/^-+/, ''), known);
  const hint = near ? `; did you mean --${near}?` : '';
  return `unknown option ${written}${hint}`;
}

/** The known option one or two edits away, if exactly one such is closest. */
function closest(word: string, known: string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(word, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** Refuse positionals beyond the `max` a command takes. */
export function noExtraArguments(positionals: string[], max: number): void {
  const extra = positionals.slice(max);
  if (extra.length === 0) return;
  const shown = extra.map((a) => `"${a}"`).join(' ');
  throw new UsageError(`unexpected argument${extra.length > 1 ? 's' : ''} ${shown}`);
}

export function dataDirOf(
  values: Parsed['values'],
  env: NodeJS.ProcessEnv = process.env,
): DataDirChoice {
  const flag = values['data-dir'];
  if (flag === '') throw new UsageError('--data-dir needs a directory');
  return resolveDataDir(typeof flag === 'string' ? flag : undefined, env);
}

export function str(values: Parsed['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}
