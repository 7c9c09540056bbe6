// Test fixture: the real `tools/list` of the MCP servers installed as dev dependencies, fetched
// over stdio with the SDK client, so the scanners are checked against what servers publish.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { resolve } from 'node:path';
import type { ToolDefinition } from '../contract/types';

const root = resolve(__dirname, '../..');

export const SERVERS = {
  filesystem: (dir: string) => ({
    command: process.execPath,
    args: [
      resolve(root, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js'),
      dir,
    ],
  }),
  everything: () => ({
    command: process.execPath,
    args: [
      resolve(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js'),
      'stdio',
    ],
  }),
};

export async function listTools(server: {
  command: string;
  args: string[];
}): Promise<ToolDefinition[]> {
  const client = new Client({ name: 'airlock-test', version: '0.0.0' });
  const transport = new StdioClientTransport({ ...server, stderr: 'ignore' });
  await client.connect(transport);
  try {
    const { tools } = await client.listTools();
    return tools as ToolDefinition[];
  } finally {
    await client.close();
  }
}
