// Issue 4, History at scale: 100,000 calls in the store (seeded through the real write path),
// the History view keeps only a window of rows in the DOM, pages in more by keyset as it
// scrolls to the very end, and a filter and a search narrow the list to what the store counts.
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { seedCalls, seededRng } from '../src/store/seed';
import { DOCS_DIR, openRenderer } from './harness';
import { startWorld, type World } from './world';

const N = 100_000;

test.describe.configure({ mode: 'serial' });

let world: World;
let firstId = 0;

test.beforeAll(async () => {
  world = await startWorld();
  // Ten days of history, so the per-day chart has something to show.
  ({ firstId } = seedCalls(world.gate.store, N, seededRng(7), { spanDays: 10 }));
});
test.afterAll(async () => {
  await world?.close();
});

const total = (text: string): number => Number(text.replace(/[^0-9]/g, ''));

test('100,000 calls: a window of rows in the DOM, keyset paging to the end, filter and search narrow', async ({
  context,
}) => {
  // Paging through 200 pages waits for a state, not a time: generous bounds for a loaded machine.
  test.setTimeout(420_000);
  const m = await openRenderer(context, world.services);
  const page = m.page;
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByTestId('history-total')).toHaveText('100,000 calls');
  const rows = page.getByTestId('history-row');
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThan(0);
  expect(await rows.count()).toBeLessThan(200);
  await expect(page.getByRole('figure', { name: 'Calls per day by decision' })).toBeVisible();
  await expect(page.locator('.recharts-bar-rectangle').first()).toBeVisible();
  await page.screenshot({ path: join(DOCS_DIR, 'history.png') });

  // Scroll to the bottom until the last row (aria-rowindex = total + 1, the header is 1) shows:
  // each step past the loaded rows pulls the next page by keyset (beforeId).
  const scroller = page.locator('.h-scroll');
  await expect
    .poll(
      () =>
        scroller.evaluate((el) => {
          el.scrollTop = el.scrollHeight;
          const shown = [...el.querySelectorAll('[role="row"]')].map((r) =>
            Number(r.getAttribute('aria-rowindex')),
          );
          return Math.max(0, ...shown);
        }),
      { timeout: 360_000, intervals: [50] },
    )
    .toBe(N + 1);
  expect(await rows.count()).toBeLessThan(200);
  // The oldest call is the last row.
  await page.locator(`[role="row"][aria-rowindex="${N + 1}"]`).click();
  await expect(page.getByRole('complementary', { name: 'Call details' })).toContainText(
    `#${firstId}`,
  );

  // A filter narrows to what the store counts.
  const store = world.gate.store;
  await page.getByRole('combobox', { name: /^Decision/ }).selectOption('denied');
  const denied = store.history.count({ decision: 'denied' });
  expect(denied).toBeGreaterThan(0);
  expect(denied).toBeLessThan(N);
  await expect(page.getByTestId('history-total')).toHaveText(
    `${denied.toLocaleString('en-US')} calls`,
  );
  await expect(rows.first()).toContainText('Denied');
  for (const text of await rows.allTextContents()) expect(text).toContain('Denied');

  // And a search narrows further (full text over tool names and arguments).
  await page.getByLabel('Search').fill('invoice');
  const both = store.history.count({ decision: 'denied', search: 'invoice' });
  expect(both).toBeGreaterThan(0);
  expect(both).toBeLessThan(denied);
  await expect
    .poll(async () => total(await page.getByTestId('history-total').innerText()))
    .toBe(both);
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeLessThan(200);
  await rows.first().click();
  await expect(page.getByRole('complementary', { name: 'Call details' })).toContainText('invoice');
});
