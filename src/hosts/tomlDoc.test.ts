import { describe, expect, it } from 'vitest';
import { arrayElements, openToml, tokenizeToml } from './tomlDoc';

const SRC = `# top
title = "x # not a comment"
[mcp_servers."my.server"] # header comment
command = 'C:\\tools\\srv.exe'
args = [
  "a", # one
  """multi
line""",
  ['nested', "]"],
]
env = { KEY = "v", "q k" = 1 }
when = 1979-05-27 07:32:00

[mcp_servers]
other.command = "o"
[[arr]]
command = "not a server"
`;

describe('TOML tokenizer', () => {
  it('finds keys with their full paths through quoted keys, dotted keys and comments', () => {
    const kv = tokenizeToml(SRC).filter((s) => s.kind === 'kv');
    expect(kv.map((s) => s.path.join('/'))).toEqual([
      'title',
      'mcp_servers/my.server/command',
      'mcp_servers/my.server/args',
      'mcp_servers/my.server/env',
      'mcp_servers/my.server/when',
      'mcp_servers/other/command',
      'arr/[]/command',
    ]);
    const args = kv[2]!;
    expect(SRC.slice(args.valueStart, args.valueEnd)).toMatch(/^\[[\s\S]*\]$/);
    expect(SRC.slice(kv[4]!.valueStart, kv[4]!.valueEnd)).toBe('1979-05-27 07:32:00');
    expect(arrayElements(SRC.slice(args.valueStart, args.valueEnd))).toHaveLength(3);
  });

  it('edits a quoted-name server and a dotted-key server, keeping the rest verbatim', () => {
    const doc = openToml(SRC);
    const out = doc.withLaunch(['mcp_servers'], 'my.server', 'flat', '/n', ['x', 'a'], {
      remove: 0,
      insert: ['x'],
    });
    expect(out).toContain('command = "/n"');
    expect(out).toContain('  "x",\n  "a", # one');
    expect(
      out.replace('command = "/n"', "command = 'C:\\tools\\srv.exe'").replace('  "x",\n', ''),
    ).toBe(SRC);
    const dotted = doc.withLaunch(['mcp_servers'], 'other', 'flat', '/n', ['--', 'o']);
    expect(dotted).toContain('other.command = "/n"\nother.args = ["--", "o"]\n');
    const v = openToml(dotted).value as { mcp_servers: { other: { args: string[] } } };
    expect(v.mcp_servers.other.args).toEqual(['--', 'o']);
  });

  it('rejects what smol-toml rejects', () => {
    expect(() => openToml('a = "unterminated\n')).toThrow();
  });
});
