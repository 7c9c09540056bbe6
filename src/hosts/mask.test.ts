import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostsCommand } from './command';
import { maskArgs, maskConfigText, maskText } from './mask';
import { makeHome, type TestHome } from './testHome';

async function run(t: TestHome, argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await hostsCommand(argv, {
    stdout: (s) => (out += s),
    stderr: (s) => (out += s),
    env: t.ctx.env,
    dataDir: t.ctx.dataDir,
    dataDirIsDefault: false,
    shimLauncher: t.ctx.shimLauncher,
    platform: 'linux',
  });
  return { code, out };
}

const SECRETS = ['hunter2', 'ghp_abcdefghijklmnopqrstuvwxyz0123', 's3cr3tvalue', 'tok-987654321'];

function secretHome(): TestHome {
  const t = makeHome();
  writeFileSync(
    t.path('.cursor/mcp.json'),
    JSON.stringify(
      {
        mcpServers: {
          db: {
            env: { GITHUB_TOKEN: 'ghp_abcdefghijklmnopqrstuvwxyz0123', PLAIN: 's3cr3tvalue' },
            command: 'npx',
            args: [
              '-y',
              '@modelcontextprotocol/server-postgres@0.6.2',
              'postgresql://app:hunter2@db.internal:5432/app',
              '--token',
              'tok-987654321',
            ],
          },
          remote: {
            url: 'https://api.example.com/mcp?api_key=s3cr3tvalue',
            headers: { Authorization: 'Bearer hunter2' },
          },
        },
      },
      null,
      2,
    ),
  );
  return t;
}

describe('secrets never leave through hosts output', () => {
  it('scan text shows no env, header, URL or connection-string secret', async () => {
    const t = secretHome();
    const r = await run(t, ['scan']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('postgresql://app:…@db.internal:5432/app');
    expect(r.out).toContain('--token …');
    for (const s of SECRETS) expect(r.out).not.toContain(s);
  });

  it('scan --json masks the same values and keeps the names', async () => {
    const t = secretHome();
    const r = await run(t, ['scan', '--json']);
    const db = (
      JSON.parse(r.out) as {
        hosts: {
          configs: { servers: { host: string; name: string; env?: object; args?: string[] }[] }[];
        }[];
      }
    ).hosts
      .flatMap((h) => h.configs.flatMap((c) => c.servers))
      .find((s) => s.host === 'cursor' && s.name === 'db');
    expect(db?.env).toEqual({ GITHUB_TOKEN: '…', PLAIN: '…' });
    expect(db?.args).toContain('postgresql://app:…@db.internal:5432/app');
    for (const s of SECRETS) expect(r.out).not.toContain(s);
  });

  it('install --dry-run diff masks env values and connection strings, and writes nothing', async () => {
    const t = secretHome();
    const before = t.read('.cursor/mcp.json');
    const r = await run(t, ['install', '--host', 'cursor', '--server', 'db', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('+++');
    expect(r.out).toContain('"GITHUB_TOKEN": "…"');
    for (const s of SECRETS) expect(r.out).not.toContain(s);
    expect(t.read('.cursor/mcp.json')).toBe(before);
  });

  it('install says when no gate has been set up for the data dir, and not once one has', async () => {
    const t = makeHome();
    const r = await run(t, ['install', '--host', 'cursor', '--server', 'playwright']);
    expect(r.out).toContain('no Airlock gate or app has been set up');
    expect(r.out).toContain('approval service is not running');
    const t2 = makeHome();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(t2.dataDir, { recursive: true });
    writeFileSync(join(t2.dataDir, 'secret'), 'x');
    const r2 = await run(t2, ['install', '--host', 'cursor', '--server', 'playwright']);
    expect(r2.code).toBe(0);
    expect(r2.out).not.toContain('no Airlock gate');
  });
});

describe('mask functions', () => {
  it.each([
    ['postgres://u:pw@h/db', 'postgres://u:…@h/db'],
    ['mysql://root:p%40ss@127.0.0.1', 'mysql://root:…@127.0.0.1'],
    ['--api-key=abcdef', '--api-key=…'],
    ['https://x.dev/?token=abc&q=1', 'https://x.dev/?token=…&q=1'],
    ['Bearer abcdefgh', 'Bearer …'],
    ['sk-abcdefghijklmnopqrstuv', 'sk-a…'],
    ['/usr/bin/node', '/usr/bin/node'],
  ])('maskText(%s)', (input, want) => {
    expect(maskText(input)).toBe(want);
  });

  it('hides the value after a secret-named flag', () => {
    expect(maskArgs(['--password', 'x', '--port', '80'])).toEqual([
      '--password',
      '…',
      '--port',
      '80',
    ]);
  });

  it('masks key values in JSON, TOML and YAML lines', () => {
    const text = ['+  "API": "v1",', ' API = "v2"', '-      API: v3', ' OTHER: keep'].join('\n');
    expect(maskConfigText(text, ['API'])).toBe(
      ['+  "API": "…",', ' API = "…"', '-      API: …', ' OTHER: keep'].join('\n'),
    );
  });
});
