// Issue 5, end to end: `airlock hosts install` rewrites a real host config in a temporary HOME, and
// the entry, started exactly as written (its command, args and env, with a host's minimal PATH),
// is a working guarded server: a real SDK client's tools/call waits in `airlock pending` and is
// decided from the CLI. Uninstall gives the file back byte for byte.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PendingCall } from '../contract/types';
import {
  CLI,
  NODE,
  processesWithMarker,
  ROOT,
  runCli,
  startGateProcess,
  tempDir,
  waitFor,
} from '../testing/harness';
import type { ScanResult, ServerEntry } from './types';

const FS_SERVER = join(ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
/** What a host gives a server it starts: no login shell, no nvm, only the system PATH. */
const HOST_PATH = '/usr/bin:/bin';

interface Entry {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

let root: string;
let home: string;
let dataDir: string;
let project: string;
let claudePath: string;
let cursorPath: string;
let claudeText: string;
let cursorText: string;
const marker = randomUUID();
const gates: ChildProcessWithoutNullStreams[] = [];

/** The user's own files, as people write them: `node` by name, an env block, other keys around. */
function writeConfigs(): void {
  claudeText = `{
  "mcpServers": {
    "files": {
      "command": "node",
      "args": [
        ${JSON.stringify(FS_SERVER)},
        ${JSON.stringify(project)}
      ],
      "env": {
        "AIRLOCK_TEST_MARKER": "${marker}",
        "FS_NOTE": "kept as written"
      }
    },
    "remote": {
      "type": "http",
      "url": "https://mcp.example.com/mcp"
    }
  },
  "globalShortcut": "Ctrl+Space"
}
`;
  cursorText = `{
  "mcpServers": {
    "fs": { "command": "node", "args": [${JSON.stringify(FS_SERVER)}, ${JSON.stringify(project)}], "env": { "AIRLOCK_TEST_MARKER": "${randomUUID()}" } }
  }
}
`;
  mkdirSync(dirname(claudePath), { recursive: true });
  mkdirSync(dirname(cursorPath), { recursive: true });
  writeFileSync(claudePath, claudeText);
  writeFileSync(cursorPath, cursorText);
}

/** The CLI as the user runs it, with the temporary HOME and nothing of this machine's Airlock. */
function airlock(
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCli(args, {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    AIRLOCK_HOME: '',
    CODEX_HOME: '',
  });
}

async function scan(): Promise<ScanResult> {
  const r = await airlock('hosts', 'scan', '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ScanResult;
}

function serverIn(result: ScanResult, host: string, name: string): ServerEntry {
  const found = result.hosts
    .filter((h) => h.host === host)
    .flatMap((h) => h.configs.flatMap((c) => c.servers))
    .find((s) => s.name === name);
  if (!found) throw new Error(`${host}/${name} not in the scan`);
  return found;
}

function entryIn(path: string, name: string): Entry {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { mcpServers: Record<string, Entry> };
  const entry = parsed.mcpServers[name];
  if (!entry) throw new Error(`${name} not in ${path}`);
  return entry;
}

/** Starts the entry exactly as the host would: its command, its args, its env over a bare env. */
async function launchAsHost(entry: Entry): Promise<Client> {
  const transport = new StdioClientTransport({
    command: entry.command,
    args: entry.args,
    env: { PATH: HOST_PATH, HOME: home, ...entry.env },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'guard-e2e', version: '1.0.0' }, { capabilities: {} });
  await client.connect(transport);
  return client;
}

async function pendingIn(dir: string): Promise<PendingCall[]> {
  const r = await airlock('pending', '--json', '--data-dir', dir);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as PendingCall[];
}

function waitPending(dir: string, tool: string): Promise<PendingCall> {
  return waitFor(
    async () => (await pendingIn(dir)).find((c) => c.tool === tool),
    15_000,
    `${tool} in airlock pending`,
  );
}

function envOf(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const eq = kv.indexOf('=');
    if (eq > 0) out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

function cmdlineOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

beforeAll(async () => {
  root = tempDir('airlock-guard-');
  home = join(root, 'home');
  dataDir = join(root, 'data');
  project = join(root, 'project');
  mkdirSync(project, { recursive: true });
  claudePath = join(home, '.config', 'Claude', 'claude_desktop_config.json');
  cursorPath = join(home, '.cursor', 'mcp.json');
  writeConfigs();
  gates.push(await startGateProcess(dataDir));
});

afterAll(() => {
  for (const g of gates) g.kill('SIGTERM');
});

describe('airlock hosts, end to end with a real host config', () => {
  let scoreBefore = 0;
  let gradeBefore = '';

  it('scan --json finds both hosts, unguarded, and never prints env values', async () => {
    const before = await scan();
    const files = serverIn(before, 'claude-desktop', 'files');
    expect(files.guarded).toBe(false);
    expect(files.guardable).toBe(true);
    expect(files.configPath).toBe(claudePath);
    expect(files.posture.deductions.map((d) => d.code)).toContain('unguarded');
    scoreBefore = files.posture.score;
    gradeBefore = files.posture.grade;
    expect(serverIn(before, 'cursor', 'fs').guarded).toBe(false);
    const remote = serverIn(before, 'claude-desktop', 'remote');
    expect(remote.guardable).toBe(false);
    expect(remote.transport).toBe('http');
    expect(files.env).toEqual({ AIRLOCK_TEST_MARKER: '…', FS_NOTE: '…' });
    expect(JSON.stringify(before)).not.toContain(marker);
  });

  it('install --dry-run prints the diff and writes nothing', async () => {
    const r = await airlock(
      'hosts',
      'install',
      '--host',
      'claude-desktop',
      '--all',
      '--dry-run',
      '--data-dir',
      dataDir,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`--- ${claudePath}`);
    expect(r.stdout).toContain(`-      "command": "node",`);
    expect(r.stdout).toContain(`+      "command": ${JSON.stringify(NODE)},`);
    expect(r.stdout).toMatch(/^\+.*"shim",/m);
    expect(r.stdout).toContain('remote: skipped');
    expect(readFileSync(claudePath, 'utf8')).toBe(claudeText);
    expect(existsSync(join(dataDir, 'hosts-ledger.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'backups'))).toBe(false);
  });

  it('install --host claude-desktop --all wraps the stdio entry only, with a backup and a ledger', async () => {
    const r = await airlock(
      'hosts',
      'install',
      '--host',
      'claude-desktop',
      '--all',
      '--data-dir',
      dataDir,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`guarded files in ${claudePath}`);
    expect(r.stdout).toContain('remote: skipped');

    const entry = entryIn(claudePath, 'files');
    // Absolute paths: the host's PATH is not the user's shell's PATH.
    expect(entry.command).toBe(NODE);
    expect(entry.args).toEqual([
      realpathSync(CLI),
      'shim',
      '--server',
      'files',
      '--host',
      'claude-desktop',
      '--data-dir',
      dataDir,
      '--',
      'node',
      FS_SERVER,
      project,
    ]);
    expect(entry.env).toEqual({ AIRLOCK_TEST_MARKER: marker, FS_NOTE: 'kept as written' });

    const after = JSON.parse(readFileSync(claudePath, 'utf8')) as Record<string, unknown>;
    expect(after.globalShortcut).toBe('Ctrl+Space');
    expect((after.mcpServers as Record<string, unknown>).remote).toEqual({
      type: 'http',
      url: 'https://mcp.example.com/mcp',
    });
    expect(readFileSync(cursorPath, 'utf8')).toBe(cursorText); // another host: untouched

    const backups = readdirSync(join(dataDir, 'backups'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(dataDir, 'backups', backups[0]!), 'utf8')).toBe(claudeText);
    expect(r.stdout).toContain(`backup: ${join(dataDir, 'backups', backups[0]!)}`);
    const ledger = JSON.parse(readFileSync(join(dataDir, 'hosts-ledger.json'), 'utf8')) as {
      entries: Record<string, { server: string; originalCommand: string }>;
    };
    expect(Object.values(ledger.entries).map((e) => [e.server, e.originalCommand])).toEqual([
      ['files', 'node'],
    ]);
  });

  it('installing again changes nothing', async () => {
    const guarded = readFileSync(claudePath, 'utf8');
    const r = await airlock(
      'hosts',
      'install',
      '--host',
      'claude-desktop',
      '--server',
      'files',
      '--data-dir',
      dataDir,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('files: unchanged (already guarded)');
    expect(readFileSync(claudePath, 'utf8')).toBe(guarded);
    expect(readdirSync(join(dataDir, 'backups'))).toHaveLength(1);
  });

  it('the rewritten entry, started as the host starts it, is a guarded server decided from the CLI', async () => {
    const entry = entryIn(claudePath, 'files');
    const client = await launchAsHost(entry);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('write_file');

      // The server really runs behind the shim, with the entry's env and the host's bare PATH.
      const pids = processesWithMarker(marker);
      const server = pids.find(
        (p) => cmdlineOf(p).includes(FS_SERVER) && !cmdlineOf(p).includes('shim'),
      );
      expect(server, 'the filesystem server under the shim').toBeDefined();
      expect(envOf(server!)).toMatchObject({ PATH: HOST_PATH, FS_NOTE: 'kept as written' });
      expect(pids.some((p) => cmdlineOf(p).includes('shim'))).toBe(true);

      const approved = join(project, 'approved.txt');
      const call = client.callTool({
        name: 'write_file',
        arguments: { path: approved, content: 'approved from the CLI' },
      });
      const p1 = await waitPending(dataDir, 'write_file');
      expect(p1).toMatchObject({
        server: 'files',
        host: 'claude-desktop',
        arguments: { path: approved, content: 'approved from the CLI' },
      });
      expect(existsSync(approved)).toBe(false); // held, not forwarded
      const ok = await airlock('approve', String(p1.id), '--data-dir', dataDir);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toContain(`Approved call ${p1.id}.`);
      const res1 = await call;
      expect(res1.isError).toBeFalsy();
      expect(readFileSync(approved, 'utf8')).toBe('approved from the CLI');

      const denied = join(project, 'denied.txt');
      const call2 = client.callTool({
        name: 'write_file',
        arguments: { path: denied, content: 'should never land' },
      });
      const p2 = await waitPending(dataDir, 'write_file');
      expect(p2.id).not.toBe(p1.id);
      const no = await airlock(
        'deny',
        String(p2.id),
        '--message',
        'write under drafts/ instead',
        '--data-dir',
        dataDir,
      );
      expect(no.code, no.stderr).toBe(0);
      const res2 = await call2;
      expect(res2.isError).toBe(true);
      expect(res2.content).toEqual([
        { type: 'text', text: 'Denied by user in Airlock: write under drafts/ instead' },
      ]);
      expect(existsSync(denied)).toBe(false);
      expect(await pendingIn(dataDir)).toEqual([]);
    } finally {
      await client.close();
    }
    // Closing the host side ends the shim and the server it started.
    await waitFor(
      () => processesWithMarker(marker).length === 0,
      10_000,
      'shim and server to exit',
    );
  });

  it('scan --json after install: guarded, pointing at the same data dir, and graded higher', async () => {
    const after = await scan();
    const files = serverIn(after, 'claude-desktop', 'files');
    expect(files.guarded).toBe(true);
    expect(files.shim?.dataDir).toBe(dataDir);
    expect(files.original).toEqual({ command: 'node', args: [FS_SERVER, project] });
    expect(files.posture.deductions.map((d) => d.code)).not.toContain('unguarded');
    expect(files.posture.score).toBeGreaterThan(scoreBefore);
    // A is best: the letter moves up the scale.
    expect('ABCDF'.indexOf(files.posture.grade)).toBeLessThan('ABCDF'.indexOf(gradeBefore));
    expect(serverIn(after, 'cursor', 'fs').guarded).toBe(false);
    expect(serverIn(after, 'claude-desktop', 'remote').guarded).toBe(false);
  });

  it('without --data-dir the entry still names the default data dir, and its shim finds the default gate even with no XDG_CONFIG_HOME', async () => {
    const defaultDir = join(home, '.config', 'Airlock');
    gates.push(await startGateProcess(defaultDir));
    const r = await airlock('hosts', 'install', '--host', 'cursor', '--server', 'fs');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`guarded fs in ${cursorPath}`);
    const entry = entryIn(cursorPath, 'fs');
    expect(entry.args[entry.args.indexOf('--data-dir') + 1]).toBe(defaultDir);
    expect(entry.args.slice(-3)).toEqual(['node', FS_SERVER, project]);
    expect(existsSync(join(defaultDir, 'hosts-ledger.json'))).toBe(true);

    // A host that hands its servers another XDG_CONFIG_HOME (or none) cannot move the shim away.
    const client = await launchAsHost({
      ...entry,
      env: { ...entry.env, XDG_CONFIG_HOME: join(home, 'elsewhere') },
    });
    try {
      const target = join(project, 'cursor.txt');
      const call = client.callTool({
        name: 'write_file',
        arguments: { path: target, content: 'x' },
      });
      const p = await waitPending(defaultDir, 'write_file');
      expect(p).toMatchObject({ server: 'fs', host: 'cursor' });
      expect(await pendingIn(dataDir)).toEqual([]); // the other gate never heard of it
      const no = await airlock('deny', String(p.id), '--data-dir', defaultDir);
      expect(no.code, no.stderr).toBe(0);
      expect((await call).isError).toBe(true);
      expect(existsSync(target)).toBe(false);
    } finally {
      await client.close();
    }

    const un = await airlock('hosts', 'uninstall', '--host', 'cursor', '--all');
    expect(un.code, un.stderr).toBe(0);
    expect(readFileSync(cursorPath, 'utf8')).toBe(cursorText);
  });

  it('uninstall --dry-run shows the way back; uninstall restores the file byte for byte', async () => {
    const guarded = readFileSync(claudePath, 'utf8');
    const dry = await airlock(
      'hosts',
      'uninstall',
      '--host',
      'claude-desktop',
      '--all',
      '--dry-run',
      '--data-dir',
      dataDir,
    );
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`+      "command": "node",`);
    expect(readFileSync(claudePath, 'utf8')).toBe(guarded);

    const r = await airlock(
      'hosts',
      'uninstall',
      '--host',
      'claude-desktop',
      '--all',
      '--data-dir',
      dataDir,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`unguarded files in ${claudePath}`);
    expect(r.stdout).not.toContain('structural');
    expect(readFileSync(claudePath, 'utf8')).toBe(claudeText);
    const ledger = JSON.parse(readFileSync(join(dataDir, 'hosts-ledger.json'), 'utf8')) as {
      entries: Record<string, unknown>;
    };
    expect(ledger.entries).toEqual({});

    const files = serverIn(await scan(), 'claude-desktop', 'files');
    expect(files.guarded).toBe(false);
    expect(files.posture.score).toBe(scoreBefore);
  });
});
