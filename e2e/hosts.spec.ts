// Issue 5 in the app: the Servers view lists the hosts found under a temporary HOME with each
// server's grade, guards and unguards one entry with the same plan the CLI runs (the config file
// is read back from disk), and shows what the host watcher notices.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { parse } from 'jsonc-parser';
import { openRenderer } from './harness';
import { CLI, startWorld, type World } from './world';

const SHOTS = resolve(__dirname, '../docs');

test.describe.configure({ mode: 'serial' });

let world: World;
let home: string;
let cursorConfig: string;
// Formatting on purpose (tabs, a comment, odd spacing): unguard must give these bytes back.
const ORIGINAL = `{
\t// my servers
\t"mcpServers": {
\t\t"notes": { "command": "npx",  "args": ["-y", "@acme/notes-mcp"] },
\t\t"docs": { "url": "https://docs.example.com/mcp" }
\t}
}
`;

/** The Cursor config as it is on disk now (JSONC). */
function servers(): Record<string, { command?: string; args?: string[] }> {
  return (parse(readFileSync(cursorConfig, 'utf8')) as { mcpServers: Record<string, never> })
    .mcpServers;
}

test.beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'airlock-e2e-home-'));
  mkdirSync(join(home, '.cursor'));
  cursorConfig = join(home, '.cursor', 'mcp.json');
  writeFileSync(cursorConfig, ORIGINAL);
  world = await startWorld({ env: { HOME: home }, watchHosts: { debounceMs: 100, pollMs: 2000 } });
});
test.afterAll(async () => {
  await world?.close();
  rmSync(home, { recursive: true, force: true });
});

test('Servers view: Cursor entry with its grade; Guard writes the shim in, Unguard restores the bytes', async ({
  context,
}) => {
  const m = await openRenderer(context, world.services);
  await m.page.getByRole('tab', { name: 'Servers' }).click();
  const cursor = m.page.locator('article[data-host="cursor"]');
  await expect(cursor).toContainText('Cursor');
  const notes = cursor.locator('[data-testid="host-entry"][data-server="notes"]');
  const guard = notes.getByRole('switch', { name: 'Guard notes in Cursor' });
  await expect(guard).not.toBeChecked();
  // Unguarded (−30) and an unpinned package (−15): 55 → D.
  await expect(notes.getByTestId('grade')).toHaveText('D');
  await notes.getByRole('button', { name: 'Why' }).click();
  await expect(notes.getByRole('list', { name: 'Deductions of notes' })).toContainText(
    'Not guarded',
  );
  await expect(notes.getByRole('list', { name: 'Deductions of notes' })).toContainText(
    '@acme/notes-mcp',
  );
  await expect(notes).toContainText('stdio');

  // A remote entry: listed with its grade, its switch disabled with the reason.
  const docs = cursor.locator('[data-testid="host-entry"][data-server="docs"]');
  await expect(docs.getByRole('switch', { name: 'Guard docs in Cursor' })).toBeDisabled();
  await expect(docs).toContainText('http');
  await expect(docs.getByTestId('grade')).toHaveText(/[A-F]/);
  await expect(docs.locator('.entry-why')).not.toBeEmpty();

  await guard.click();
  await expect(guard).toBeChecked();
  const entry = servers().notes!;
  expect(entry.command).toBe(process.execPath);
  const args = entry.args ?? [];
  expect(args.slice(0, 6)).toEqual([CLI, 'shim', '--server', 'notes', '--host', 'cursor']);
  expect(args.slice(args.indexOf('--'))).toEqual(['--', 'npx', '-y', '@acme/notes-mcp']);
  expect(readFileSync(cursorConfig, 'utf8')).toContain('// my servers');
  // Guarded: the 30 points come back.
  await expect(notes.getByTestId('grade')).toHaveText('B');
  await m.page.screenshot({ path: join(SHOTS, 'hosts.png'), fullPage: true });

  await guard.click();
  await expect(guard).not.toBeChecked();
  expect(readFileSync(cursorConfig, 'utf8')).toBe(ORIGINAL);
  // The app's own Unguard is not news: no notice about a removed wrap.
  await expect(m.page.getByTestId('host-notice')).toHaveCount(0);
});

test('a server written into the config by someone else shows a notice; Guard from it', async ({
  context,
}) => {
  const m = await openRenderer(context, world.services);
  await m.page.getByRole('tab', { name: 'Servers' }).click();
  await expect(m.page.locator('[data-server="notes"]')).toBeVisible();
  writeFileSync(
    cursorConfig,
    ORIGINAL.replace(
      '\t\t"docs"',
      '\t\t"fresh": { "command": "/usr/local/bin/fresh-mcp" },\n\t\t"docs"',
    ),
  );
  const notice = m.page.getByTestId('host-notice');
  await expect(notice).toHaveCount(1);
  await expect(notice).toContainText("New MCP server 'fresh' in Cursor is not guarded — Guard it?");
  const fresh = m.page.locator('[data-testid="host-entry"][data-server="fresh"]');
  await expect(fresh.getByRole('switch', { name: 'Guard fresh in Cursor' })).not.toBeChecked();
  await expect(m.page.getByRole('tab', { name: /Servers/ })).toContainText('1');

  await notice.getByRole('button', { name: 'Guard' }).click();
  await expect(fresh.getByRole('switch', { name: 'Guard fresh in Cursor' })).toBeChecked();
  await expect(notice).toHaveCount(0);
  expect(servers().fresh?.args).toContain('shim');
  expect(servers().fresh?.command).toBe(process.execPath);
});
