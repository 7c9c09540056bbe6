// Issue 10 in the app: the per-host "One consent" switch guards a host's servers and writes the
// host's own allow entry (Gemini's `trust`), read back from disk; and when someone else removes
// the wrap while the allow entry stays, the watcher's urgent notice comes first.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openRenderer } from './harness';
import { CLI, startWorld, type World } from './world';

test.describe.configure({ mode: 'serial' });

let world: World;
let home: string;
let geminiConfig: string;
const ORIGINAL = `{
  "theme": "GitHub",
  "mcpServers": {
    "tools": { "command": "python", "args": ["-m", "my_tools"] }
  }
}
`;

type Entry = { command?: string; args?: string[]; trust?: boolean };
const tools = (): Entry =>
  (JSON.parse(readFileSync(geminiConfig, 'utf8')) as { mcpServers: { tools: Entry } }).mcpServers
    .tools;

test.beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'airlock-e2e-consent-'));
  mkdirSync(join(home, '.gemini'));
  geminiConfig = join(home, '.gemini', 'settings.json');
  writeFileSync(geminiConfig, ORIGINAL);
  world = await startWorld({ env: { HOME: home }, watchHosts: { debounceMs: 100, pollMs: 2000 } });
});
test.afterAll(async () => {
  await world?.close();
  rmSync(home, { recursive: true, force: true });
});

test('One consent switch: guards the server and writes trust; off takes trust back', async ({
  context,
}) => {
  const m = await openRenderer(context, world.services);
  await m.page.getByRole('tab', { name: 'Servers' }).click();
  const gemini = m.page.locator('article[data-host="gemini"]');
  const one = gemini.getByRole('switch', { name: 'One consent: only Airlock asks' });
  await expect(one).not.toBeChecked();
  await expect(gemini).toContainText('writes "trust": true');
  await one.click();
  await expect(one).toBeChecked();
  expect(tools().trust).toBe(true);
  expect(tools().command).toBe(process.execPath);
  expect(tools().args?.slice(0, 2)).toEqual([CLI, 'shim']);
  await expect(gemini.getByRole('switch', { name: 'Guard tools in Gemini CLI' })).toBeChecked();

  await one.click();
  await expect(one).not.toBeChecked();
  expect(tools().trust).toBeUndefined();
  expect(tools().args).toContain('shim');
  // The Cursor card (no such setting) says why instead of offering a switch.
  await expect(m.page.getByRole('switch', { name: 'One consent: only Airlock asks' })).toHaveCount(
    1,
  );
});

test('wrap removed by someone else while trust stays: the urgent notice comes first', async ({
  context,
}) => {
  const m = await openRenderer(context, world.services);
  await m.page.getByRole('tab', { name: 'Servers' }).click();
  const gemini = m.page.locator('article[data-host="gemini"]');
  const one = gemini.getByRole('switch', { name: 'One consent: only Airlock asks' });
  if (!(await one.isChecked())) await one.click();
  await expect(one).toBeChecked();
  // Another tool rewrites the file: the original launch, but trust kept.
  writeFileSync(
    geminiConfig,
    ORIGINAL.replace('"args": ["-m", "my_tools"]', '"args": ["-m", "my_tools"], "trust": true'),
  );
  const notice = m.page.getByTestId('host-notice').first();
  await expect(notice).toContainText(/^URGENT: MCP server 'tools' in Gemini CLI is not guarded/);
  const row = gemini.locator('[data-testid="host-entry"][data-server="tools"]');
  await expect(row.getByTestId('grade')).toHaveText('F');
});
