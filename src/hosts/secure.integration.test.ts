// Issue 11 §4 against a REAL Secret Service (gnome-keyring on a private D-Bus session, see
// testKeyring.ts): `airlock hosts secure` moves a guarded server's API key (env) and token (args)
// from a Claude Desktop config into the keychain; the entry, started exactly as a host starts it,
// runs the real shim, which injects both into a real server; a missing item or a locked keyring
// stops the start with a clear line on stderr and the server never runs; --dry-run changes
// nothing; --undo gives the file back byte for byte and deletes the items; and no value ever
// reaches Airlock's database, ledger, backups or stderr.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { parse as parseJsonc } from 'jsonc-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices } from '../app/createServices';
import { startGateService, type GateService } from '../gate/service';
import { CLI, NODE, ROOT, runCli, tempDir, waitFor } from '../testing/harness';
import { openKeychain, type SecretStore } from './keychain';
import { openItem } from './keychainItem';
import { keychainRefs } from './keychainRef';
import { makeHome } from './testHome';
import { secretServiceMissing, startSecretService, type SecretService } from './testKeyring';

const FIXTURE = join(ROOT, 'src/testing/fixtures/keyed-server.mjs');
const why = secretServiceMissing();
const alnum = (n: number) =>
  randomBytes(n * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, n);
const KEY = `sk-${alnum(32)}`;
const TOKEN = `ghp_${alnum(36)}`;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

let service: SecretService;
let store: SecretStore;
let home: string;
let dataDir: string;
let configPath: string;
let marker: string;
let installedText: string;
let gate: GateService;

function hostsCli(args: string[]) {
  return runCli(['hosts', ...args, '--data-dir', dataDir], {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    AIRLOCK_HOME: '',
    ...service.env,
  });
}

interface Entry {
  command: string;
  args: string[];
  env: Record<string, string>;
}

function entry(): Entry {
  return (parseJsonc(readFileSync(configPath, 'utf8')) as { mcpServers: { keyed: Entry } })
    .mcpServers.keyed;
}

/** Starts the entry the way Claude Desktop does (command, args, env as written) and connects. */
async function connectAsHost(e: Entry): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: e.command,
    args: e.args,
    env: { PATH: process.env.PATH ?? '', HOME: home, ...service.env, ...e.env },
    stderr: 'pipe',
  });
  let err = '';
  transport.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const client = new Client({ name: 'airlock-keychain-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => err };
}

/** Runs the entry's command as a host would and waits for it to end on its own. */
function startAndExit(e: Entry): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(e.command, e.args, {
      env: { PATH: process.env.PATH ?? '', HOME: home, ...service.env, ...e.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Every file under a folder, as text: the place a leaked secret would be found. */
function allText(path: string): string {
  if (!statSync(path).isDirectory())
    return statSync(path).isFile() ? readFileSync(path).toString('latin1') : '';
  let out = '';
  for (const name of readdirSync(path)) {
    const p = join(path, name);
    const st = statSync(p);
    if (st.isDirectory()) out += allText(p);
    else if (st.isFile()) out += readFileSync(p).toString('latin1'); // not the socket
  }
  return out;
}

// One Secret Service for the whole file: the keychain binding keeps its D-Bus connection for the
// life of the process. Locking it is the file's last test.
beforeAll(async () => {
  if (why === undefined) service = await startSecretService();
});
afterAll(async () => {
  await service?.stop();
});

describe.skipIf(why !== undefined)(
  `hosts secure with the real Secret Service${why ? ` (skipped: ${why})` : ''}`,
  () => {
    beforeAll(async () => {
      store = await openKeychain();
      home = tempDir('airlock-keychain-home-');
      dataDir = tempDir('airlock-keychain-data-');
      marker = join(home, 'started.txt');
      configPath = join(home, '.config/Claude/claude_desktop_config.json');
      mkdirSync(dirname(configPath), { recursive: true });
      writeFileSync(
        configPath,
        `{
  // keys as people paste them
  "mcpServers": {
    "keyed": {
      "command": ${JSON.stringify(NODE)},
      "args": [${JSON.stringify(FIXTURE)}, "--token", "${TOKEN}"],
      "env": {
        "API_KEY": "${KEY}",
        "KEYED_SERVER_STARTED": ${JSON.stringify(marker)}
      }
    }
  }
}
`,
      );
      const install = await hostsCli(['install', '--host', 'claude-desktop', '--server', 'keyed']);
      expect(install.code, install.stderr).toBe(0);
      installedText = readFileSync(configPath, 'utf8');
      gate = await startGateService({ dataDir, log: () => {} });
      gate.updateSettings({ mode: 'observe' });
    });

    afterAll(async () => {
      await gate?.close();
    });

    it('--dry-run shows the change with the values masked and changes nothing', async () => {
      const res = await hostsCli(['secure', '--host', 'claude-desktop', '--all', '--dry-run']);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain('+++');
      expect(res.stdout).toContain('airlock-keychain:');
      expect(res.stdout).toMatch(/keyed: would move to the OS keychain: env API_KEY, argument 3/);
      expect(res.stdout + res.stderr).not.toContain(KEY);
      expect(res.stdout + res.stderr).not.toContain(TOKEN);
      expect(readFileSync(configPath, 'utf8')).toBe(installedText);
    });

    it('secure: the config holds references, the keychain the values, the ledger neither', async () => {
      const res = await hostsCli(['secure', '--host', 'claude-desktop', '--server', 'keyed']);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toMatch(/moved 2 secret\(s\) from .* to the OS keychain/);
      expect(res.stdout).toMatch(/earlier backup\(s\) of this file still hold these secrets/);
      const text = readFileSync(configPath, 'utf8');
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(TOKEN);
      expect(text).toContain('// keys as people paste them');
      const e = entry();
      const [keyRef] = keychainRefs(e.env.API_KEY!);
      const [tokenRef] = keychainRefs(e.args[e.args.length - 1]!);
      // Each item holds its secret and the launch it belongs to (references in place).
      const sep = e.args.indexOf('--');
      const launch = { command: e.args[sep + 1], args: e.args.slice(sep + 2) };
      expect(openItem((await store.get(keyRef!))!)).toEqual({
        value: KEY,
        launches: [{ ...launch, env: ['API_KEY'] }],
      });
      expect(openItem((await store.get(tokenRef!))!)).toEqual({
        value: TOKEN,
        launches: [{ ...launch, env: [] }],
      });
      const ledger = readFileSync(join(dataDir, 'hosts-ledger.json'), 'utf8');
      expect(ledger).not.toContain(KEY);
      expect(ledger).not.toContain(TOKEN);
      expect(ledger).toContain(keyRef);
      // Graded as kept in the keychain, not as a plain-text secret.
      const scan = await hostsCli(['scan']);
      expect(scan.stdout).toMatch(/keyed: stdio, guarded, grade A/);
      expect(scan.stdout).not.toMatch(/Secret in plain text/);
      expect(scan.stdout).toMatch(/\+ Secrets kept in the OS keychain \(env API_KEY, argument 3\)/);
    });

    it('the real shim injects both values into the real server; the record never holds them', async () => {
      const { client, stderr } = await connectAsHost(entry());
      try {
        const result = (await client.callTool({ name: 'fingerprint', arguments: {} })) as {
          content: { text: string }[];
        };
        expect(JSON.parse(result.content[0]!.text)).toEqual({
          apiKey: sha(KEY),
          token: sha(TOKEN),
        });
        // The gate recorded the call and the session (args, code env) as the host wrote them.
        await waitFor(
          () => gate.store.history.query({ decision: 'observed' }).length > 0,
          10_000,
          'the observed call on record',
        );
        const db = new Database(gate.store.file, { readonly: true });
        try {
          const servers = JSON.stringify(db.prepare('SELECT * FROM servers').all());
          expect(servers).toContain('airlock-keychain:');
        } finally {
          db.close();
        }
        expect(stderr()).not.toContain(KEY);
        expect(stderr()).not.toContain(TOKEN);
      } finally {
        await client.close();
      }
      // The backup `install` made of the user's file is the file as it was (secure names it and
      // says to delete it); everything Airlock itself writes is searched.
      const everything = readdirSync(dataDir)
        .filter((n) => n !== 'backups')
        .map((n) => allText(join(dataDir, n)))
        .join('');
      expect(everything).not.toContain(KEY);
      expect(everything).not.toContain(TOKEN);
    });

    it('a reference borrowed by a changed launch gets nothing; the server never runs', async () => {
      const e = entry();
      // The same entry with a flag put in front of the server's script: a config edit that would
      // load other code with the secret.
      const sep = e.args.indexOf('--');
      const args = [...e.args.slice(0, sep + 2), '--no-warnings', ...e.args.slice(sep + 2)];
      const before = existsSync(marker) ? readFileSync(marker, 'utf8') : '';
      const res = await startAndExit({ ...e, args });
      expect(res.code).toBe(78);
      expect(res.stderr).toMatch(
        /airlock shim \[keyed\]: not starting .*: the secret for env API_KEY was secured for another launch/,
      );
      expect(res.stderr).not.toContain(KEY);
      expect(existsSync(marker) ? readFileSync(marker, 'utf8') : '').toBe(before);
    });

    it('a missing item stops the start with a clear message; the server never runs', async () => {
      const e = entry();
      const [keyRef] = keychainRefs(e.env.API_KEY!);
      const saved = (await store.get(keyRef!))!; // put back below
      expect(await store.delete(keyRef!)).toBe(true);
      const before = existsSync(marker) ? readFileSync(marker, 'utf8') : '';
      const res = await startAndExit(e);
      expect(res.code).toBe(78);
      expect(res.stderr).toMatch(
        /airlock shim \[keyed\]: not starting .*: the secret for env API_KEY is not in the OS keychain/,
      );
      expect(existsSync(marker) ? readFileSync(marker, 'utf8') : '').toBe(before);
      await store.set(keyRef!, saved);
    });

    it('--undo restores the file byte for byte and deletes the keychain items', async () => {
      const e = entry();
      const refs = [...keychainRefs(e.env.API_KEY!), ...keychainRefs(e.args.join(' '))];
      expect(openItem((await store.get(refs[0]!))!)?.value).toBe(KEY);
      const res = await hostsCli(['secure', '--undo', '--host', 'claude-desktop', '--all']);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout + res.stderr).not.toContain(KEY);
      expect(readFileSync(configPath, 'utf8')).toBe(installedText);
      for (const id of refs) expect(await store.get(id)).toBeNull();
      const ledger = JSON.parse(readFileSync(join(dataDir, 'hosts-ledger.json'), 'utf8')) as {
        keychain?: Record<string, unknown>;
      };
      expect(Object.keys(ledger.keychain ?? {})).toEqual([]);
    });

    it('without a reachable keychain, secure refuses and leaves the file as it was', async () => {
      const res = await runCli(
        ['hosts', 'secure', '--host', 'claude-desktop', '--all', '--data-dir', dataDir],
        {
          HOME: home,
          XDG_CONFIG_HOME: join(home, '.config'),
          AIRLOCK_HOME: '',
          DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(home, 'no-bus')}`,
        },
      );
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/failed: .*claude_desktop_config\.json: /);
      expect(readFileSync(configPath, 'utf8')).toBe(installedText);
    });

    it('uninstall of a secured server keeps the references (exact), says so; undo after re-install gives the file back', async () => {
      expect((await hostsCli(['secure', '--host', 'claude-desktop', '--all'])).code).toBe(0);
      const secured = readFileSync(configPath, 'utf8');
      const off = await hostsCli(['uninstall', '--host', 'claude-desktop', '--all']);
      expect(off.code, off.stderr).toBe(0);
      expect(off.stdout).toMatch(/unguarded keyed in .*\n/);
      expect(off.stdout).not.toMatch(/structural/);
      expect(off.stdout).toMatch(/note: keyed keeps its secrets in the OS keychain.*secure --undo/);
      const bare = readFileSync(configPath, 'utf8');
      expect(bare).not.toContain(KEY);
      expect(bare).toContain('airlock-keychain:');
      // Graded as what it is now: a reference nothing resolves.
      expect((await hostsCli(['scan'])).stdout).toMatch(/Keychain reference in an unguarded entry/);
      expect((await hostsCli(['install', '--host', 'claude-desktop', '--all'])).code).toBe(0);
      expect(readFileSync(configPath, 'utf8')).toBe(secured);
      const undo = await hostsCli(['secure', '--undo', '--host', 'claude-desktop', '--all']);
      expect(undo.code, undo.stderr).toBe(0);
      expect(readFileSync(configPath, 'utf8')).toBe(installedText);
    });
  },
);

// Start-up cost: a shim whose launch has no reference never loads the keychain module (nor the
// chunk that wraps it); one with a reference does. A --require hook lists every module loaded.
describe('the shim loads the keychain only for a launch with a reference', () => {
  const dir = tempDir('airlock-keychain-loads-');
  const hook = join(dir, 'list-loads.js');
  writeFileSync(
    hook,
    `const Module = require('node:module');
const { writeFileSync } = require('node:fs');
const load = Module._load;
const seen = new Set();
Module._load = function (request, parent, isMain) {
  try { seen.add(Module._resolveFilename(request, parent, isMain)); } catch { seen.add(request); }
  return load.apply(this, arguments);
};
process.on('exit', () => writeFileSync(process.env.AIRLOCK_TEST_LOADS, [...seen].join('\\n')));
`,
  );
  let runs = 0;
  const shimLoads = (env: Record<string, string>) =>
    new Promise<{ code: number | null; stderr: string; loaded: string[] }>((resolve) => {
      const list = join(dir, `loads-${++runs}.txt`);
      const p = spawn(
        NODE,
        [CLI, 'shim', '--server', 'probe', '--data-dir', dir, '--', NODE, '-e', 'process.exit(0)'],
        {
          env: {
            ...process.env,
            ...env,
            NODE_OPTIONS: `--require ${hook}`,
            AIRLOCK_TEST_LOADS: list,
          },
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      p.stdin.end();
      p.on('close', (code) =>
        resolve({ code, stderr, loaded: readFileSync(list, 'utf8').split('\n').filter(Boolean) }),
      );
    });
  const keychainModules = (loaded: string[]) =>
    loaded.filter((f) => /napi-rs[\\/]keyring|[\\/]keychain-[^\\/]*\.js$/.test(f));

  it('no reference: neither @napi-rs/keyring nor the keychain chunk', async () => {
    const res = await shimLoads({});
    expect(res.loaded.length).toBeGreaterThan(0);
    expect(keychainModules(res.loaded)).toEqual([]);
  });

  it('a reference: both load, and a missing item stops the start (exit 78)', async () => {
    const res = await shimLoads({
      API_KEY: `airlock-keychain:${'0'.repeat(32)}`,
      // No Secret Service: the item is missing whatever this machine runs.
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'no-bus')}`,
    });
    expect(res.code).toBe(78);
    expect(res.stderr).toMatch(
      /not starting .*: the secret for env API_KEY is not in the OS keychain/,
    );
    expect(keychainModules(res.loaded).some((f) => f.includes('keyring'))).toBe(true);
  });
});

// The Servers view's button: the same plan through AppServices.secureServer (the IPC channel's
// implementation), against the real keychain.
describe.skipIf(why !== undefined)(
  `AppServices.secureServer with the real Secret Service${why ? ` (skipped: ${why})` : ''}`,
  () => {
    it('moves a guarded server’s token into the keychain and puts it back byte for byte', async () => {
      const t = makeHome();
      const gate = await startGateService({ dataDir: t.dataDir, log: () => {} });
      const services = createAppServices(gate, {
        env: t.ctx.env,
        platform: 'linux',
        shimLauncher: t.ctx.shimLauncher,
      });
      try {
        const rel = '.config/Claude/claude_desktop_config.json';
        const token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
        // Not guarded yet: nothing to move, and the call says why.
        await expect(
          services.secureServer({ host: 'claude-desktop', server: 'github' }),
        ).rejects.toThrow(/not guarded/);
        const guarded = await services.guardServer({ host: 'claude-desktop', server: 'github' });
        const before = t.read(rel);
        const view = guarded.servers.find((s) => s.name === 'github')!;
        expect(view.secrets).toEqual({
          movable: ['env GITHUB_PERSONAL_ACCESS_TOKEN'],
          inKeychain: false,
        });
        expect(view.deductions.map((d) => d.code)).toContain('secret');

        const moved = await services.secureServer({ host: 'claude-desktop', server: 'github' });
        const after = moved.servers.find((s) => s.name === 'github')!;
        expect(after.secrets).toEqual({ movable: [], inKeychain: true });
        expect(after.deductions.map((d) => d.code)).not.toContain('secret');
        expect(after.credits?.map((c) => c.code)).toEqual(['keychain']);
        expect(t.read(rel)).not.toContain(token);
        const [id] = keychainRefs(t.read(rel));
        expect(openItem((await (await openKeychain()).get(id!))!)?.value).toBe(token);

        await services.secureServer({ host: 'claude-desktop', server: 'github', undo: true });
        expect(t.read(rel)).toBe(before);
        expect(await (await openKeychain()).get(id!)).toBeNull();
      } finally {
        services.close();
        await gate.close();
      }
    });
  },
);

describe.skipIf(why !== undefined)(`a locked keychain${why ? ` (skipped: ${why})` : ''}`, () => {
  it('a locked keyring stops the start too, and says to unlock it', async () => {
    const res0 = await hostsCli(['secure', '--host', 'claude-desktop', '--all']);
    expect(res0.code, res0.stderr).toBe(0);
    // Locked the way a desktop locks it; nothing here can answer the unlock prompt.
    service.lock();
    const before = existsSync(marker) ? readFileSync(marker, 'utf8') : '';
    const res = await startAndExit(entry());
    expect(res.code).toBe(78);
    expect(res.stderr).toMatch(/cannot read the secret for .* from the OS keychain .*unlock/);
    expect(res.stderr).not.toContain(KEY);
    expect(existsSync(marker) ? readFileSync(marker, 'utf8') : '').toBe(before);
  });
});
