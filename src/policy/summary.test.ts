import { beforeAll, describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import type { ToolDefinition } from '../contract/types';
import { listTools, SERVERS } from '../registry/realTools.fixture';
import type { PathEnv } from './paths';
import { linesOf, sizeOf, summarizeCall, type SummaryInput } from './summary';

const env: PathEnv = { home: '/home/me', cwd: '/home/me', caseInsensitive: false, sep: '/' };
// 200 lines of 66 characters and a newline: 13,400 bytes.
const BIG = `${'x'.repeat(66)}\n`.repeat(200);

function summary(
  tool: string,
  args: unknown,
  definition: ToolDefinition | null = null,
  target?: SummaryInput['target'],
) {
  return summarizeCall({
    tool,
    arguments: args,
    definition,
    env,
    ...(target !== undefined ? { target } : {}),
  });
}

describe('sizes and lines', () => {
  it('count UTF-8 bytes and lines as a person would', () => {
    expect(sizeOf('')).toBe('0 bytes');
    expect(sizeOf('é')).toBe('2 bytes');
    expect(sizeOf(BIG)).toBe(`${(new TextEncoder().encode(BIG).length / 1000).toFixed(1)} KB`);
    expect(linesOf('a\nb\n')).toBe('2 lines');
    expect(linesOf('one')).toBe('1 line');
    expect(linesOf('')).toBe('0 lines');
  });
});

describe('summaries of the real server-filesystem tools', () => {
  let tools: Map<string, ToolDefinition>;
  beforeAll(async () => {
    tools = new Map((await listTools(SERVERS.filesystem(tmpdir()))).map((t) => [t.name, t]));
  }, 30_000);

  const cases: [string, unknown, string][] = [
    ['read_file', { path: '/home/me/a.txt' }, 'Read ~/a.txt'],
    ['read_text_file', { path: '/home/me/a.txt', head: 3 }, 'Read ~/a.txt'],
    ['read_media_file', { path: '/home/me/p.png' }, 'Read ~/p.png'],
    ['read_multiple_files', { paths: ['/home/me/a', '/home/me/b', '/x'] }, 'Read 3 files'],
    [
      'edit_file',
      { path: '/home/me/a.ts', edits: [{ oldText: 'a', newText: 'b' }] },
      'Edit ~/a.ts: 1 change',
    ],
    [
      'edit_file',
      { path: '/home/me/a.ts', edits: [{}, {}], dryRun: true },
      'Edit ~/a.ts: 2 changes (a preview: nothing is saved)',
    ],
    ['create_directory', { path: '/home/me/new' }, 'Create the folder ~/new'],
    ['list_directory', { path: '/home/me/src' }, 'List ~/src'],
    ['list_directory_with_sizes', { path: '/home/me/src' }, 'List ~/src'],
    ['directory_tree', { path: '/home/me/src' }, 'List ~/src'],
    ['move_file', { source: '/home/me/a', destination: '/home/me/b' }, 'Move ~/a to ~/b'],
    ['search_files', { path: '/home/me/src', pattern: '*.ts' }, 'Search ~/src for “*.ts”'],
    ['get_file_info', { path: '/home/me/a.txt' }, 'Look up details of ~/a.txt'],
    [
      'list_allowed_directories',
      {},
      'Call list_allowed_directories with no arguments; the server says it only reads',
    ],
  ];

  it.each(cases)('%s %j → %s', (name, args, text) => {
    const def = tools.get(name);
    expect(def, `server-filesystem lists ${name}`).toBeDefined();
    expect(summary(name, args, def ?? null).text).toBe(text);
  });

  it('every listed tool has a case here, so a new tool gets a reviewed summary', () => {
    const covered = new Set([...cases.map((c) => c[0]), 'write_file']);
    expect([...tools.keys()].filter((n) => !covered.has(n))).toEqual([]);
  });

  it('write_file says how much, where, and whether it replaces a file', () => {
    const def = tools.get('write_file') ?? null;
    const args = { path: '/home/me/src/big.ts', content: BIG };
    expect(summary('write_file', args, def, { exists: true }).text).toBe(
      `Write ${sizeOf(BIG)} (200 lines) to ~/src/big.ts (replaces an existing file)`,
    );
    expect(sizeOf(BIG)).toBe('13.4 KB');
    expect(summary('write_file', args, def, { exists: false }).text).toMatch(/\(a new file\)$/);
    expect(summary('write_file', args, def).text).toMatch(/to ~\/src\/big\.ts$/);
  });
});

describe('summaries of the real server-everything tools', () => {
  let tools: ToolDefinition[];
  beforeAll(async () => {
    tools = await listTools(SERVERS.everything());
  }, 30_000);

  it('never claim more than the name and schema say', () => {
    expect(tools.length).toBeGreaterThan(5);
    for (const def of tools) {
      const s = summary(def.name, { a: 1 }, def);
      expect(s.text.length).toBeGreaterThan(0);
      expect(s.text.length).toBeLessThan(200);
      // None of these tools writes files, runs commands or sends mail.
      expect(['write', 'run', 'email', 'delete', 'move']).not.toContain(s.kind);
    }
    const gzip = tools.find((t) => t.name === 'gzip-file-as-resource') ?? null;
    expect(
      summary('gzip-file-as-resource', { name: 'a.gz', data: 'x', outputType: 'resource' }, gzip)
        .text,
    ).toBe(
      'Call gzip-file-as-resource with name, data, outputType; Airlock cannot tell from its name what it changes',
    );
    const sum = tools.find((t) => t.name === 'get-sum') ?? null;
    expect(summary('get-sum', { a: 1, b: 2 }, sum).text).toBe(
      'Call get-sum with a, b; the server says it only reads',
    );
  });
});

describe('summaries of shell, fetch and email tools', () => {
  it.each<[string, unknown, string]>([
    [
      'run_command',
      { command: 'rm -rf build', cwd: '/home/me/proj' },
      'Run `rm -rf build` in ~/proj',
    ],
    ['bash', { command: 'ls -la' }, 'Run `ls -la`'],
    ['execute', { cmd: 'make test', workdir: '/srv/app' }, 'Run `make test` in /srv/app'],
    [
      'fetch',
      { url: 'https://xn--pple-43d.com/account/verify?session=1234567890' },
      'Fetch https://xn--pple-43d.com/… (shown as аpple.com)',
    ],
    ['fetch_url', { url: 'https://example.com/a' }, 'Fetch https://example.com/a'],
    [
      'send_email',
      { to: ['a@x.com', 'b@x.com'], cc: 'c@y.org', subject: 'Hi', body: '…' },
      'Send an email to 3 recipients',
    ],
    ['send_email', { to: 'a@x.com', body: 'hi' }, 'Send an email to a@x.com'],
    ['gmail_create_draft', { to: 'a@x.com, b@x.com' }, 'Draft an email to 2 recipients'],
    ['delete_file', { path: '/home/me/notes.md' }, 'Delete ~/notes.md'],
    [
      'do_thing',
      { x: 1, y: 2, z: 3, w: 4, v: 5, u: 6 },
      'Call do_thing with x, y, z, w and 2 more; Airlock cannot tell from its name what it changes',
    ],
  ])('%s %j → %s', (name, args, text) => {
    expect(summary(name, args).text).toBe(text);
  });

  it('shows hidden characters in a command instead of hiding them', () => {
    expect(summary('bash', { command: 'echo ok\u202E' }).text).toBe('Run `echo ok<U+202E>`');
  });

  it('falls back honestly when the arguments are not an object', () => {
    expect(summary('mystery', null).kind).toBe('generic');
  });
});
