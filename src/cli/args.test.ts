import { describe, expect, it } from 'vitest';
import { noExtraArguments, parse, UsageError, type Options } from './args';
import { splitGlobalOptions } from './global';

const OPTIONS: Options = {
  json: { type: 'boolean' },
  limit: { type: 'string' },
  message: { type: 'string', short: 'm' },
  under: { type: 'string', multiple: true },
};

const mistake = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('no error');
};

describe('parse', () => {
  it('reads options before and after positionals, --name=value, shorts and repeats', () => {
    expect(
      parse(
        ['export', '--json', '--limit', '5', '-m', 'hi', '--under=a=/x', 'more', '--under', 'b=/y'],
        OPTIONS,
      ),
    ).toEqual({
      values: { json: true, limit: '5', message: 'hi', under: ['a=/x', 'b=/y'] },
      positionals: ['export', 'more'],
      rest: [],
    });
  });

  it('takes a negative number as a value, so the option itself can judge it', () => {
    expect(parse(['--limit', '-3'], OPTIONS).values.limit).toBe('-3');
    expect(parse(['--limit', '-0.5'], OPTIONS).values.limit).toBe('-0.5');
  });

  it('after -- everything is positional', () => {
    expect(parse(['--json', '--', '--limit', '-x'], OPTIONS)).toMatchObject({
      values: { json: true },
      positionals: ['--limit', '-x'],
      rest: ['--limit', '-x'],
    });
  });

  it.each([
    [['--bogus'], 'unknown option --bogus'],
    [['--limt', '3'], 'unknown option --limt; did you mean --limit?'],
    [['-x'], 'unknown option -x'],
    [['--json=yes'], '--json takes no value'],
    [['--limit'], '--limit needs a value'],
    [
      ['--limit', '--json'],
      '--limit needs a value, not "--json" (for a value that starts with "-", write --limit=VALUE)',
    ],
    [
      ['--message', '-m'],
      '--message needs a value, not "-m" (for a value that starts with "-", write --message=VALUE)',
    ],
    [['--limit', '1', '--limit', '2'], '--limit is given more than once'],
    [['--data-dir', ''], null],
  ])('%j: %s', (argv, expected) => {
    if (expected === null) {
      expect(parse(argv, OPTIONS).values['data-dir']).toBe('');
      return;
    }
    const text = mistake(() => parse(argv, OPTIONS));
    expect(text).toBe(expected);
    // Never node:util's wording.
    expect(text).not.toMatch(/positional|ambiguous|as in '--|Did you forget/);
  });

  it('--help wins over any other mistake', () => {
    expect(parse(['--bogus', '--limit', '--help'], OPTIONS)).toEqual({
      values: { help: true },
      positionals: [],
      rest: [],
    });
    expect(parse(['-h'], OPTIONS).values.help).toBe(true);
  });

  it('stopAtPositional hands over everything from the first positional, with or without --', () => {
    const shim: Options = { server: { type: 'string' } };
    const without = parse(['--server', 'fs', 'npx', '-y', 'pkg', '--help'], shim, {
      stopAtPositional: true,
    });
    expect(without).toEqual({
      values: { server: 'fs' },
      positionals: [],
      rest: ['npx', '-y', 'pkg', '--help'],
    });
    const withDashes = parse(['--server', 'fs', '--', 'npx', '-y', 'pkg'], shim, {
      stopAtPositional: true,
    });
    expect(withDashes.rest).toEqual(['npx', '-y', 'pkg']);
    // A second -- is the server's own.
    expect(
      parse(['--server', 'x', '--', 'cmd', '--', 'y'], shim, { stopAtPositional: true }).rest,
    ).toEqual(['cmd', '--', 'y']);
    expect(
      mistake(() => parse(['--server', 'fs', '--bogus', 'npx'], shim, { stopAtPositional: true })),
    ).toBe('unknown option --bogus');
  });
});

describe('noExtraArguments', () => {
  it('names what it did not expect', () => {
    expect(() => noExtraArguments(['a'], 1)).not.toThrow();
    expect(mistake(() => noExtraArguments(['a', 'b', 'c'], 1))).toBe(
      'unexpected arguments "b" "c"',
    );
    expect(mistake(() => noExtraArguments(['x'], 0))).toBe('unexpected argument "x"');
  });
});

describe('splitGlobalOptions', () => {
  it('hands a --data-dir before the command on to it, first', () => {
    expect(splitGlobalOptions(['--data-dir', '/d', 'shim', '--server', 'x', '--', 'cmd'])).toEqual({
      command: 'shim',
      rest: ['--data-dir', '/d', '--server', 'x', '--', 'cmd'],
      help: false,
      version: false,
    });
    expect(splitGlobalOptions(['--data-dir=/d', 'history']).rest).toEqual(['--data-dir', '/d']);
  });

  it('reads --help and --version, and refuses anything else before the command', () => {
    expect(splitGlobalOptions(['--version'])).toMatchObject({ command: undefined, version: true });
    expect(splitGlobalOptions(['-h', 'rules'])).toMatchObject({ command: 'rules', help: true });
    expect(mistake(() => splitGlobalOptions(['--json', 'history']))).toBe(
      'unknown option --json before the command',
    );
    expect(mistake(() => splitGlobalOptions(['--data-dir']))).toBe('--data-dir needs a directory');
    expect(mistake(() => splitGlobalOptions(['--data-dir', '--help']))).toBe(
      '--data-dir needs a directory',
    );
    expect(mistake(() => splitGlobalOptions(['--data-dir', 'a', '--data-dir', 'b', 'x']))).toBe(
      '--data-dir is given more than once',
    );
  });
});
