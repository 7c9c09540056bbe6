// The real core for the e2e suites: the gate service on a real socket with a real SQLite file,
// AppServices over it, and a real MCP client reaching server-filesystem through the real shim
// (out/cli/airlock.js).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { AppServices } from '../src/app/services';
import { startGateService, type GateService } from '../src/gate/service';
import { createAppServices } from '../src/app/createServices';

const root = resolve(__dirname, '..');
export const CLI = join(root, 'out/cli/airlock.js');
export const FS_SERVER = join(
  root,
  'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js',
);

export interface World {
  dataDir: string;
  /** The folder server-filesystem may touch. */
  workDir: string;
  gate: GateService;
  services: AppServices;
  /** A real MCP client connected through `airlock shim` to the given server command. */
  connect(server: string, command: string[]): Promise<Client>;
  /** server-filesystem over workDir through the shim, its tools listed as every host does first. */
  connectFilesystem(): Promise<Client>;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** Environment host configs are found through (a temporary HOME); none are scanned otherwise. */
  env?: NodeJS.ProcessEnv;
  /** Watch the host configs as the Electron app does. */
  watchHosts?: boolean | { debounceMs?: number; pollMs?: number };
  /** Use this data dir (already seeded, say) instead of a fresh one; it is removed on close. */
  dataDir?: string;
}

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'airlock-e2e-data-'));
  const workDir = mkdtempSync(join(tmpdir(), 'airlock-e2e-work-'));
  const gate = await startGateService({ dataDir });
  // Never the developer's own HOME: without a given env, hosts are looked for in an empty one.
  const env = opts.env ?? { HOME: join(workDir, 'no-home') };
  const services = createAppServices(gate, {
    shimLauncher: { node: process.execPath, cli: CLI },
    env,
    platform: 'linux',
    ...(opts.watchHosts !== undefined ? { watchHosts: opts.watchHosts } : {}),
  });
  const clients: Client[] = [];
  const world: World = {
    dataDir,
    workDir,
    gate,
    services,
    async connect(server, command) {
      const [cmd = process.execPath, ...args] = command;
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [
          CLI,
          'shim',
          '--server',
          server,
          '--host',
          'e2e',
          '--data-dir',
          dataDir,
          '--',
          cmd,
          ...args,
        ],
        env: { ...(process.env as Record<string, string>), AIRLOCK_HOME: dataDir },
        stderr: 'inherit',
      });
      const client = new Client({ name: 'airlock-e2e', version: '1.0.0' });
      await client.connect(transport);
      clients.push(client);
      return client;
    },
    async connectFilesystem() {
      const client = await world.connect('filesystem', [process.execPath, FS_SERVER, workDir]);
      await client.listTools(); // the registry learns the tools
      return client;
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
      services.close();
      await gate.close();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(workDir, { recursive: true, force: true });
    },
  };
  return world;
}
