// Planning `hosts secure` (no keychain needed): which substrings are secrets, which servers are
// refused and why, and the edit's verification. The keychain side runs against a real Secret
// Service in secure.integration.test.ts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { hostsCommand } from './command';
import { keychainRefs } from './keychainRef';
import { gradeServer } from './posture';
import { argSecrets, maskedOld, planSecure } from './secure';
import { secretServiceMissing } from './testKeyring';
import type { HostsContext } from './types';
import { madeTempDir } from '../testing/tempDirs';

const KEY = 'sk-abcdefghijklmnopqrstuvwx';
const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
const CLI = '/opt/airlock/out/cli/airlock.js';
const wrapped = (name: string, ...orig: string[]) => [
  CLI,
  'shim',
  '--server',
  name,
  '--host',
  'claude-desktop',
  '--data-dir',
  '/d',
  '--',
  ...orig,
];

function home(rel: string, text: string): { ctx: HostsContext; path: string } {
  const root = madeTempDir('airlock-secure-');
  const path = join(root, 'home', rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return {
    path,
    ctx: {
      env: { HOME: join(root, 'home') },
      platform: 'linux',
      systemRoot: join(root, 'system'),
      dataDir: join(root, 'data'),
      dataDirIsDefault: false,
      shimLauncher: { node: '/usr/bin/node', cli: CLI },
    },
  };
}

const CLAUDE = '.config/Claude/claude_desktop_config.json';
let n = 0;
const ids = () => (++n).toString(16).padStart(32, 'a');

describe('argSecrets', () => {
  const table: [string, string[], { index: number; value: string }[]][] = [
    ['a flag and its value', ['--token', TOKEN], [{ index: 1, value: TOKEN }]],
    ['flag=value', ['--api-key=abc123xyz'], [{ index: 0, value: 'abc123xyz' }]],
    ['a password in a URL', ['postgres://me:hunter22@db/x'], [{ index: 0, value: 'hunter22' }]],
    ['a key in free text', [`use ${KEY} please`], [{ index: 0, value: KEY }]],
    [
      'a bearer token',
      ['Authorization: Bearer abcdefgh1234'],
      [{ index: 0, value: 'abcdefgh1234' }],
    ],
    ['an env lookup is not a secret', ['--token', '${GITHUB_TOKEN}'], []],
    ['a keychain reference is not a secret', ['--token', `airlock-keychain:${'a'.repeat(32)}`], []],
    [
      'a URL password that is a reference',
      [`postgres://me:airlock-keychain:${'b'.repeat(32)}@db`],
      [],
    ],
    ['a plain path', ['/srv/data', '--verbose'], []],
  ];
  it.each(table)('%s', (_name, args, want) => {
    expect(argSecrets(args)).toEqual(want);
  });
});

describe('planSecure', () => {
  it('a guarded server: env value and token become references; the rest of the file is kept', () => {
    const text = `{
  // mine
  "mcpServers": {
    "gh": {
      "command": "/usr/bin/node",
      "args": ${JSON.stringify(wrapped('gh', 'npx', '-y', 'gh-mcp@1.0.0', '--token', TOKEN))},
      "env": { "API_KEY": "${KEY}", "LOG": "debug" }
    }
  }
}
`;
    const { ctx } = home(CLAUDE, text);
    const plan = planSecure(ctx, { host: 'claude-desktop', servers: ['gh'] }, ids);
    expect(plan.errors).toEqual([]);
    expect(plan.servers).toEqual([
      { server: 'gh', action: 'moved', detail: 'env API_KEY, argument 4' },
    ]);
    const f = plan.files[0]!;
    expect(f.items.map((i) => i.value).sort()).toEqual([TOKEN, KEY].sort());
    expect(f.newText).not.toContain(KEY);
    expect(f.newText).not.toContain(TOKEN);
    expect(f.newText).toContain('// mine');
    const gh = (parseJsonc(f.newText) as { mcpServers: { gh: { env: Record<string, string> } } })
      .mcpServers.gh;
    expect(keychainRefs(gh.env.API_KEY!)).toHaveLength(1);
    expect(gh.env.LOG).toBe('debug');
    // The dry-run view masks the values on the old side.
    expect(maskedOld(f)).not.toContain(KEY);
    // A server graded from the new text has no plain-text secret and earns the keychain credit.
    const posture = gradeServer({
      transport: 'stdio',
      guarded: true,
      command: 'npx',
      args: ['-y', 'gh-mcp@1.0.0', '--token', `airlock-keychain:${f.items[0]!.id}`],
      env: gh.env,
    });
    expect(posture.deductions).toEqual([]);
    expect(posture.credits?.[0]?.code).toBe('keychain');
  });

  it('refuses unguarded and remote servers, each with its reason, and touches nothing', () => {
    const { ctx } = home(
      CLAUDE,
      JSON.stringify({
        mcpServers: {
          bare: { command: 'npx', args: ['-y', 'x@1.0.0'], env: { API_KEY: KEY } },
          far: {
            type: 'http',
            url: 'https://x.example/mcp',
            headers: { Authorization: `Bearer ${TOKEN}` },
          },
          clean: { command: '/usr/bin/node', args: wrapped('clean', 'npx', 'y@1.0.0') },
        },
      }),
    );
    const plan = planSecure(ctx, { host: 'claude-desktop', servers: 'all' }, ids);
    expect(plan.files).toEqual([]);
    expect(plan.servers).toEqual([
      {
        server: 'bare',
        action: 'skipped',
        detail: expect.stringMatching(/^not guarded: .*airlock hosts install/),
      },
      { server: 'far', action: 'skipped', detail: expect.stringMatching(/^remote server: /) },
      { server: 'clean', action: 'unchanged', detail: 'no plain-text secret' },
    ]);
  });

  it('a secret also used by a server not chosen refuses the file', () => {
    const { ctx } = home(
      CLAUDE,
      JSON.stringify({
        mcpServers: {
          a: { command: '/usr/bin/node', args: wrapped('a', 'srv-a'), env: { API_KEY: KEY } },
          b: { command: 'srv-b', env: { OPENAI_API_KEY: KEY } },
        },
      }),
    );
    const plan = planSecure(ctx, { host: 'claude-desktop', servers: ['a'] }, ids);
    expect(plan.files).toEqual([]);
    expect(plan.errors[0]?.message).toMatch(/also appears elsewhere .*file left untouched/);
  });

  it('the same secret in two chosen servers is one keychain item with two uses', () => {
    const { ctx } = home(
      CLAUDE,
      JSON.stringify({
        mcpServers: {
          a: { command: '/usr/bin/node', args: wrapped('a', 'srv-a'), env: { API_KEY: KEY } },
          b: {
            command: '/usr/bin/node',
            args: wrapped('b', 'srv-b'),
            env: { OPENAI_API_KEY: KEY },
          },
        },
      }),
    );
    const plan = planSecure(ctx, { host: 'claude-desktop', servers: 'all' }, ids);
    expect(plan.errors).toEqual([]);
    expect(plan.files[0]!.items).toHaveLength(1);
    expect(plan.files[0]!.items[0]!.uses.map((u) => u.server)).toEqual(['a', 'b']);
  });

  it('works on TOML (Codex) with the file otherwise byte-identical', () => {
    const text = `# codex
[mcp_servers.gh]
command = "/usr/bin/node"
args = ${JSON.stringify(wrapped('gh', 'gh-mcp'))}
env = { GITHUB_TOKEN = "${TOKEN}" }
`;
    const { ctx } = home('.codex/config.toml', text);
    const plan = planSecure(ctx, { host: 'codex', servers: ['gh'] }, ids);
    expect(plan.errors).toEqual([]);
    const f = plan.files[0]!;
    const id = f.items[0]!.id;
    expect(f.newText).toBe(text.replace(TOKEN, `airlock-keychain:${id}`));
    const env = (parseToml(f.newText) as { mcp_servers: { gh: { env: Record<string, string> } } })
      .mcp_servers.gh.env;
    expect(env.GITHUB_TOKEN).toBe(`airlock-keychain:${id}`);
  });
});

describe('posture of keychain references', () => {
  it('an unguarded entry with a reference is told its server gets no key', () => {
    const p = gradeServer({
      transport: 'stdio',
      guarded: false,
      command: 'srv',
      args: [],
      env: { API_KEY: `airlock-keychain:${'c'.repeat(32)}` },
    });
    expect(p.deductions.map((d) => d.code)).toEqual(['unguarded', 'keychainUnguarded']);
    expect(p.credits).toBeUndefined();
  });

  it('a plain-text secret says how to move it', () => {
    const p = gradeServer({
      transport: 'stdio',
      guarded: true,
      command: 'srv',
      env: { API_KEY: KEY },
    });
    expect(p.deductions[0]?.text).toMatch(/airlock hosts secure/);
  });
});

describe('airlock hosts secure (command line, no keychain needed)', () => {
  async function run(ctx: HostsContext, argv: string[]) {
    let out = '';
    let err = '';
    let opened = 0;
    const code = await hostsCommand(argv, {
      stdout: (s) => (out += s),
      stderr: (s) => (err += s),
      env: ctx.env,
      dataDir: ctx.dataDir,
      dataDirIsDefault: false,
      shimLauncher: ctx.shimLauncher,
      platform: 'linux',
      systemRoot: ctx.systemRoot!,
      keychain: async () => {
        opened++;
        throw new Error('no keychain in this test');
      },
    });
    return { code, out, err, opened };
  }
  const config = () =>
    JSON.stringify({
      mcpServers: {
        gh: { command: '/usr/bin/node', args: wrapped('gh', 'gh-mcp'), env: { API_KEY: KEY } },
      },
    });

  it('--dry-run prints the masked diff, never opens the keychain, writes nothing', async () => {
    const { ctx, path } = home(CLAUDE, config());
    const res = await run(ctx, ['secure', '--host', 'claude-desktop', '--all', '--dry-run']);
    expect(res.code).toBe(0);
    expect(res.out).toContain('airlock-keychain:');
    expect(res.out).toContain('gh: would move to the OS keychain: env API_KEY');
    expect(res.out + res.err).not.toContain(KEY);
    expect(res.opened).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(config());
  });

  it('a keychain that cannot be opened: a clear error, the file as it was', async () => {
    const { ctx, path } = home(CLAUDE, config());
    const res = await run(ctx, ['secure', '--host', 'claude-desktop', '--server', 'gh']);
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/airlock hosts secure: no keychain in this test/);
    expect(readFileSync(path, 'utf8')).toBe(config());
  });

  it('mistyped: --undo outside secure, no server chosen, an unknown host', async () => {
    const { ctx } = home(CLAUDE, config());
    expect((await run(ctx, ['install', '--host', 'claude-desktop', '--all', '--undo'])).code).toBe(
      2,
    );
    expect((await run(ctx, ['secure', '--host', 'claude-desktop'])).err).toMatch(
      /give --server NAME \(repeatable\) or --all/,
    );
    expect((await run(ctx, ['secure', '--host', 'nope', '--all'])).code).toBe(2);
    const missing = await run(ctx, [
      'secure',
      '--host',
      'claude-desktop',
      '--server',
      'x',
      '--dry-run',
    ]);
    expect(missing.err).toMatch(/no server named "x"/);
    expect(missing.code).toBe(1);
  });
});

describe('the Secret Service test helper', () => {
  it('says in one line why it cannot run where the binaries are absent', () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(secretServiceMissing()).toMatch(
        /^dbus-daemon and gnome-keyring-daemon not installed \(apt-get install gnome-keyring dbus\)$/,
      );
    } finally {
      process.env.PATH = path;
    }
  });
});
