// The main window at its minimum size (720×480, as main/windows.ts sets it), light and dark:
// History with host and arguments and nothing overlapping, Servers with what needs attention
// first, Settings with the gate's status; axe-core on every view.
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expectNoSeriousA11yIssues } from './a11y';
import { openRenderer } from './harness';
import { startWorld, type World } from './world';

const POISONED = resolve(__dirname, 'fixtures/poisoned-server.mjs');
const MIN = { width: 720, height: 480 };

test.describe.configure({ mode: 'serial' });

let world: World;
let fs: Client;
let poisoned: Client;

/** Calls a tool and denies it from the gate's side once it waits: a row in History. */
async function deniedCall(client: Client, name: string, args: Record<string, unknown>) {
  const call = client.callTool({ name, arguments: args });
  await expect.poll(() => world.gate.pending().length).toBeGreaterThan(0);
  const ids = world.gate.pending().map((p) => p.id);
  await world.services.decide({ ids, verdict: 'deny' });
  await call;
}

test.beforeAll(async () => {
  world = await startWorld();
  fs = await world.connectFilesystem();
  poisoned = await world.connect('poisoned', [process.execPath, POISONED]);
  await poisoned.listTools();
  await deniedCall(fs, 'write_file', {
    path: join(world.workDir, 'history-preview.txt'),
    content: 'the arguments preview shows this',
  });
  await deniedCall(poisoned, 'add_numbers', { a: 1, b: 2 });
});
test.afterAll(async () => {
  await world?.close();
});

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function box(page: Page, selector: string): Promise<Box> {
  const b = await page.locator(selector).first().boundingBox();
  if (!b) throw new Error(`${selector} is not on screen`);
  return b;
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} theme at the minimum window size`, () => {
    test.use({ viewport: MIN, colorScheme: theme });

    test(`History: host and arguments columns, nothing overlaps (${theme})`, async ({
      context,
    }) => {
      const m = await openRenderer(context, world.services);
      await expectNoSeriousA11yIssues(m.page, `Pending (empty), ${theme}`);
      await m.page.getByRole('tab', { name: 'History' }).click();
      const headers = m.page.getByRole('columnheader');
      await expect(headers).toHaveText([
        'Time',
        'Host',
        'Server',
        'Tool',
        'Arguments',
        'Decision',
        'Risk',
      ]);
      const row = m.page.getByTestId('history-row').filter({ hasText: 'write_file' });
      await expect(row).toContainText('e2e');
      await expect(row).toContainText('history-preview.txt');
      await row.click();
      const detail = m.page.getByRole('complementary', { name: 'Call details' });
      await expect(detail).toBeVisible();

      const table = await box(m.page, '.history-table');
      const detailBox = await box(m.page, '.detail');
      expect(overlaps(table, detailBox)).toBe(false);
      for (const h of await headers.all()) {
        const b = await h.boundingBox();
        if (!b) throw new Error('a column header is not on screen');
        expect(b.x + b.width).toBeLessThanOrEqual(table.x + table.width + 0.5);
        expect(overlaps(b, detailBox)).toBe(false);
      }
      await expectNoSeriousA11yIssues(m.page, `History, ${theme}`);
      await m.page.getByRole('tab', { name: 'Rules' }).click();
      await expectNoSeriousA11yIssues(m.page, `Rules, ${theme}`);
    });

    test(`Servers: poisoning findings first, labelled switches, one click off (${theme})`, async ({
      context,
    }) => {
      const m = await openRenderer(context, world.services);
      await m.page.getByRole('tab', { name: 'Servers' }).click();
      const attention = m.page.getByRole('region', { name: 'Needs your attention' });
      await expect(attention).toBeVisible();
      const item = attention.getByTestId('attention-item').filter({ hasText: 'add_numbers' });
      await expect(item).toContainText('Its description looks poisoned');
      // Above the hosts and the servers.
      const first = await attention.boundingBox();
      const servers = await m.page.getByRole('region', { name: 'Servers' }).boundingBox();
      expect(first && servers && first.y < servers.y).toBe(true);
      // Switches say what they are.
      const moveSwitch = m.page.locator('[data-tool="move_file"] label.switch');
      await expect(moveSwitch).toHaveText(/^(On|Off)$/);
      await expectNoSeriousA11yIssues(m.page, `Servers, ${theme}`);

      const off = item.getByRole('button', { name: 'Switch add_numbers off' });
      if (await off.count()) {
        await off.click();
        await expect(item).toContainText('switched off');
      }
      const record = world.gate.store.tools
        .listForServer(
          world.gate.store.servers.list().find((s) => s.identity.name === 'poisoned')!.id,
        )
        .find((t) => t.name === 'add_numbers');
      expect(record?.enabled).toBe(false);
      await expect(m.page.getByRole('switch', { name: 'add_numbers enabled' })).not.toBeChecked();
    });

    test(`Settings: gate status, data directory, version; labels apart from inputs (${theme})`, async ({
      context,
    }) => {
      const m = await openRenderer(context, world.services);
      await m.page.getByRole('tab', { name: 'Settings' }).click();
      const status = m.page.getByTestId('gate-status');
      await expect(status).toContainText('Running: 2 servers connected, 0 calls waiting');
      await expect(status).toContainText(world.dataDir);
      await expect(status).toContainText('Airlock 0.1.0');
      const timeout = m.page.getByLabel('Ask timeout (seconds)');
      await expect(timeout).toBeVisible();
      const label = await m.page
        .locator('label', { hasText: 'Ask timeout (seconds)' })
        .boundingBox();
      const input = await timeout.boundingBox();
      expect(label && input && label.y + label.height <= input.y).toBe(true);
      await expectNoSeriousA11yIssues(m.page, `Settings, ${theme}`);
    });
  });
}

test.describe('the Pending view in the main window at its minimum size', () => {
  test.use({ viewport: MIN });

  test('the same fixed frame: tool on top, one row of actions at the bottom', async ({
    context,
  }) => {
    const m = await openRenderer(context, world.services);
    const call = fs.callTool({
      name: 'write_file',
      arguments: {
        path: join(world.workDir, 'pending-main.txt'),
        content: Array.from({ length: 120 }, (_, i) => `row ${i}`).join('\n'),
      },
    });
    await expect(m.page.getByTestId('consent-tool')).toHaveText('write_file');
    const buttons = await m.page.getByRole('group', { name: 'Decision' }).getByRole('button').all();
    const boxes = await Promise.all(buttons.map((b) => b.boundingBox()));
    expect(new Set(boxes.map((b) => Math.round(b?.y ?? -1))).size).toBe(1);
    for (const b of boxes) expect(b && b.y + b.height <= MIN.height).toBe(true);
    const tool = await m.page.getByTestId('consent-tool').boundingBox();
    expect(tool && tool.y >= 0 && tool.y < MIN.height / 3).toBe(true);
    await expectNoSeriousA11yIssues(m.page, 'Pending with a call, main window');
    await m.page.keyboard.press('Escape');
    expect(((await call) as { isError?: boolean }).isError).toBe(true);
  });
});
