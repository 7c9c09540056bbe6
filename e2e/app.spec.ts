// The desktop app's flows against the real core: built renderer in Debian's Chromium, the gate
// service on a real socket, a real MCP client calling server-filesystem through the real shim.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { DOCS_DIR, openRenderer, type RendererHarness } from './harness';
import { FS_SERVER, startWorld, type World } from './world';

const POISONED = resolve(__dirname, 'fixtures/poisoned-server.mjs');

test.describe.configure({ mode: 'serial' });

let world: World;
let fs: Client;

test.beforeAll(async () => {
  world = await startWorld();
  fs = await world.connectFilesystem();
});
test.afterAll(async () => {
  await world?.close();
});

function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? '').join('\n');
}

async function popup(page: Page): Promise<void> {
  await expect(page.getByTestId('consent-tool')).toBeVisible();
}

async function open(
  context: Parameters<typeof openRenderer>[0],
  route: 'main' | 'popup',
): Promise<RendererHarness> {
  return openRenderer(context, world.services, { route });
}

test('a write_file call shows in the consent view with its arguments and risk; approve writes it', async ({
  context,
}) => {
  // The page's clock stands still until the test moves it: "Approve is disabled right after
  // the popup appears" is then a fact, not a race with a loaded machine (issue 9).
  await context.clock.install({ time: Date.now() - 2000 });
  const h = await open(context, 'popup');
  await h.page.clock.pauseAt(Date.now());
  const target = join(world.workDir, 'approved.txt');
  const call = fs.callTool({
    name: 'write_file',
    arguments: { path: target, content: 'hello from e2e' },
  });
  await popup(h.page);
  await expect(h.page.getByTestId('consent-tool')).toHaveText('write_file');
  await expect(h.page.getByRole('group', { name: 'Arguments' })).toContainText(target);
  await expect(h.page.getByRole('group', { name: 'Arguments' })).toContainText('hello from e2e');
  await expect(h.page.locator('[data-risk]').first()).toBeVisible();
  // Approve is disabled right after the popup appears.
  const approve = h.page.getByRole('button', { name: 'Approve once' });
  await expect(approve).toBeDisabled();
  await h.page.clock.runFor(900);
  await expect(approve).toBeDisabled();
  await h.page.clock.runFor(200);
  await expect(approve).toBeEnabled();
  await approve.click();
  const result = await call;
  expect((result as { isError?: boolean }).isError).not.toBe(true);
  expect(readFileSync(target, 'utf8')).toBe('hello from e2e');
  expect(h.foreignRequests).toEqual([]);
});

test('deny with a message: the client reads the message and no file is written', async ({
  context,
}) => {
  const h = await open(context, 'popup');
  const target = join(world.workDir, 'denied.txt');
  const call = fs.callTool({ name: 'write_file', arguments: { path: target, content: 'nope' } });
  await popup(h.page);
  await h.page.getByRole('button', { name: 'More…' }).click();
  await h.page.getByRole('menuitem', { name: 'Deny with message…' }).click();
  await h.page.getByLabel('Message to the agent').fill('Write to notes/ instead');
  await h.page.getByRole('button', { name: 'Deny with this message' }).click();
  const result = await call;
  expect((result as { isError?: boolean }).isError).toBe(true);
  expect(textOf(result)).toContain('Write to notes/ instead');
  expect(existsSync(target)).toBe(false);
});

test('"always allow under this folder" approves the next call there without asking; both in History', async ({
  context,
}) => {
  const h = await open(context, 'popup');
  const folder = join(world.workDir, 'project');
  mkdirSync(folder, { recursive: true });
  const first = fs.callTool({
    name: 'write_file',
    arguments: { path: join(folder, 'one.txt'), content: '1' },
  });
  await popup(h.page);
  await h.page.getByRole('button', { name: 'More…' }).click();
  await h.page.getByRole('menuitem', { name: 'Approve with rule…' }).click();
  await expect(h.page.getByLabel('Condition 1 value')).toHaveValue(folder);
  await h.page.getByLabel('Duration').selectOption('forever');
  const save = h.page.getByRole('button', { name: 'Approve and save rule' });
  await expect(save).toBeEnabled();
  await save.click();
  await first;
  const second = await fs.callTool({
    name: 'write_file',
    arguments: { path: join(folder, 'two.txt'), content: '2' },
  });
  expect((second as { isError?: boolean }).isError).not.toBe(true);
  expect(readFileSync(join(folder, 'two.txt'), 'utf8')).toBe('2');

  const m = await open(context, 'main');
  await m.page.getByRole('tab', { name: 'History' }).click();
  await m.page.getByLabel('Search').fill('two.txt');
  await expect(m.page.getByTestId('history-row')).toHaveCount(1);
  await expect(m.page.getByTestId('history-row').first()).toContainText('Auto-approved');
  await m.page.getByLabel('Search').fill('one.txt');
  await expect(m.page.getByTestId('history-row')).toHaveCount(1);
  await expect(m.page.getByTestId('history-row').first()).toContainText('Approved');
  // docs/history.png is taken by history.spec.ts, over 100,000 seeded calls.
});

test("a rule's test against history lists the calls it would match", async ({ context }) => {
  const m = await open(context, 'main');
  await m.page.getByRole('tab', { name: 'Rules' }).click();
  await m.page.getByRole('button', { name: 'New rule' }).click();
  await m.page.getByLabel('Tool (glob)').fill('write_file');
  await m.page.getByRole('button', { name: 'Add condition' }).click();
  await m.page.getByLabel('Condition 1 argument').fill('path');
  await m.page.getByLabel('Condition 1 operator').selectOption('under');
  await m.page.getByLabel('Condition 1 value').fill(join(world.workDir, 'project'));
  await m.page.getByRole('button', { name: 'Test against history' }).click();
  await expect(m.page.getByTestId('rule-test-row')).toHaveCount(2);
  await expect(m.page.getByTestId('rule-test-count')).toContainText('2 past calls');
  await m.page.screenshot({ path: join(DOCS_DIR, 'rules.png') });
});

test("a tool switched off disappears from the client's tools/list", async ({ context }) => {
  const m = await open(context, 'main');
  await m.page.getByRole('tab', { name: 'Servers' }).click();
  // A controlled switch: it changes once the core has switched the tool off.
  await m.page.getByRole('switch', { name: 'move_file enabled' }).click();
  await expect(m.page.getByRole('switch', { name: 'move_file enabled' })).not.toBeChecked();
  const fresh = await world.connect('filesystem', [process.execPath, FS_SERVER, world.workDir]);
  const names = (await fresh.listTools()).tools.map((t) => t.name);
  expect(names).toContain('write_file');
  expect(names).not.toContain('move_file');
});

test('a poisoned description shows its flag; tool text with <img onerror> renders as text, no request', async ({
  context,
}) => {
  const poisoned = await world.connect('poisoned', [process.execPath, POISONED]);
  await poisoned.listTools();
  const m = await open(context, 'main');
  await m.page.getByRole('tab', { name: 'Servers' }).click();
  const tool = m.page.locator('[data-tool="add_numbers"]');
  await expect(tool.getByTestId('poison-flag')).toBeVisible();
  await tool.getByRole('button', { name: 'Details' }).click();
  await expect(tool).toContainText('<img src=x onerror=');
  await expect(tool).toContainText('<U+202E>');
  expect(await m.page.locator('img').count()).toBe(0);
  // The identity line holds this machine's paths: masked in the published screenshot.
  await m.page.screenshot({
    path: join(DOCS_DIR, 'servers.png'),
    fullPage: true,
    mask: [m.page.locator('.identity')],
  });

  const h = await open(context, 'popup');
  const call = poisoned.callTool({
    name: 'add_numbers',
    arguments: { a: 1, b: 2, note: '<img src=x onerror=alert(1)>' },
  });
  await popup(h.page);
  await h.page.getByText('Tool description').click();
  await expect(h.page.locator('.consent')).toContainText('<img src=x onerror=');
  expect(await h.page.locator('img').count()).toBe(0);
  // docs/consent-high.png is taken by popup.spec.ts, at the popup's real size.
  await h.page.keyboard.press('Escape');
  await call;
  expect(h.foreignRequests).toEqual([]);
  expect(m.foreignRequests).toEqual([]);
  expect(await h.cspViolations()).toEqual([]);
});
