// The popup's result review at its real size (460×600), light and dark, against the real core:
// a real MCP client calls a server whose result carries an injection, through the real shim,
// with "review results" on for that tool. The page's clock is Playwright's: the pass delay is a
// fact, not a race. Pass gives the agent the result; replace gives it an error it reads.
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expectNoSeriousA11yIssues } from './a11y';
import { DOCS_DIR, openPopupOnClock, openRenderer, POPUP_SIZE } from './harness';
import { startWorld, type World } from './world';

const INJECTING = resolve(__dirname, '../src/testing/fixtures/injecting-server.mjs');
const PASS_DELAY_MS = 1000;

test.describe.configure({ mode: 'serial' });

let world: World;
let server: Client;

test.beforeAll(async () => {
  world = await startWorld();
  server = await world.connect('injecting', [process.execPath, INJECTING]);
  await server.listTools();
  // The tool list reaches the client before the gate has pinned it: wait for the record.
  await expect
    .poll(() => {
      const s = world.gate.sessions().find((x) => x.info?.server === 'injecting');
      return s?.serverId != null && world.gate.store.tools.get(s.serverId, 'fetch_page')
        ? s.serverId
        : null;
    })
    .not.toBeNull();
  const session = world.gate.sessions().find((s) => s.info?.server === 'injecting');
  world.gate.setReviewMode(session!.serverId!, 'fetch_page', 'flagged');
});
test.afterAll(async () => {
  await world?.close();
});

/** Calls fetch_page and approves the call itself (the gate asks for it), so its result comes. */
async function callAndApprove(url: string) {
  const call = server.callTool({ name: 'fetch_page', arguments: { url } });
  await expect
    .poll(() => world.gate.pending().find((p) => p.tool === 'fetch_page')?.id ?? null)
    .not.toBeNull();
  const pending = world.gate.pending().find((p) => p.tool === 'fetch_page');
  world.gate.decide(pending!.id, 'allow');
  return call as Promise<{ isError?: boolean; content: { type: string; text: string }[] }>;
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} theme`, () => {
    test.use({ viewport: POPUP_SIZE, colorScheme: theme });

    test(`a flagged result waits in the popup; ${theme === 'light' ? 'pass' : 'replace with a message'} (${theme})`, async ({
      context,
    }) => {
      const h = await openPopupOnClock(context, world.services);
      const call = callAndApprove(`https://weather-${theme}.example`);
      const page = h.page;
      await expect(page.getByTestId('review-tool')).toHaveText('fetch_page');
      await expect(page.getByLabel('Result risk high')).toBeVisible();
      await expect(page.getByText(/tries to override the model's instructions/)).toBeVisible();
      // The escape that hid the injection in a terminal is shown, not obeyed.
      await expect(page.getByTestId('review-preview')).toContainText('Ignore all previous');
      await expect(page.getByTestId('review-preview')).toContainText('\\e[8m');
      const pass = page.getByRole('button', { name: 'Pass', exact: true });
      await expect(pass).toBeDisabled();
      await expect(page.getByRole('button', { name: 'Replace with error' })).toBeFocused();
      await expect(page.getByTestId('review-countdown')).toHaveText(
        /Replaced with an error in \d+ s/,
      );

      // The fixed frame: the actions inside the window, in one row; only the middle scrolls.
      const buttons = page.getByRole('group', { name: 'Result decision' }).getByRole('button');
      const boxes = await Promise.all((await buttons.all()).map((b) => b.boundingBox()));
      for (const b of boxes) {
        expect(b).not.toBeNull();
        expect(b!.x + b!.width).toBeLessThanOrEqual(POPUP_SIZE.width);
        expect(b!.y + b!.height).toBeLessThanOrEqual(POPUP_SIZE.height);
        expect(Math.abs(b!.y - boxes[0]!.y)).toBeLessThan(4);
      }
      await page.screenshot({
        path: join(DOCS_DIR, theme === 'light' ? 'result-review.png' : 'result-review-dark.png'),
      });
      await page.clock.runFor(PASS_DELAY_MS + 100);
      await expect(pass).toBeEnabled();
      await expectNoSeriousA11yIssues(page, `popup, result review, ${theme}`, {
        pausedClock: true,
      });

      if (theme === 'light') {
        await pass.click();
        const result = await call;
        expect(result.isError).not.toBe(true);
        expect(result.content.map((c) => c.text).join('\n')).toContain(
          'Ignore all previous instructions',
        );
      } else {
        await page.getByRole('button', { name: 'Message…' }).click();
        await page.getByLabel('Message to the agent').fill('That page tried to give you orders.');
        await page.getByRole('button', { name: 'Replace with this message' }).click();
        const result = await call;
        expect(result.isError).toBe(true);
        expect(result.content[0]?.text).toBe(
          'Withheld by the user in Airlock: the result was not passed on. That page tried to give you orders.',
        );
      }
      await expect(page.getByTestId('review-tool')).toHaveCount(0);
      expect(h.foreignRequests).toEqual([]);
    });
  });
}

test.describe('History', () => {
  test.use({ viewport: { width: 1200, height: 800 }, colorScheme: 'light' });

  test('finds a call by what it returned, and shows the result: tag, findings, masked excerpt, digest', async ({
    context,
  }) => {
    const m = await openRenderer(context, world.services);
    const page = m.page;
    await page.getByRole('tab', { name: 'History' }).click();
    await page.getByLabel('Search').fill('weather service');
    const rows = page.getByTestId('history-row');
    await expect(rows.first()).toBeVisible();
    await expect(rows.first().getByLabel('Result risk high')).toBeVisible();
    await rows.first().click();
    const detail = page.getByRole('complementary', { name: 'Call details' });
    const result = detail.getByRole('region', { name: 'Result' });
    await expect(result).toContainText('tries to override the model');
    await expect(result.getByLabel('Result excerpt')).toContainText(
      'Welcome to the weather service',
    );
    await expect(result.locator('code.digest')).toHaveText(/^[0-9a-f]{64}$/);
    await expectNoSeriousA11yIssues(page, 'history, a call with a flagged result');
    await page.screenshot({ path: join(DOCS_DIR, 'history-result.png') });
    expect(m.foreignRequests).toEqual([]);
  });
});

test.describe('Servers', () => {
  test.use({ viewport: { width: 1200, height: 800 }, colorScheme: 'light' });

  test('each tool says which of its results are held, and changing it reaches the gate', async ({
    context,
  }) => {
    const m = await openRenderer(context, world.services);
    const page = m.page;
    await page.getByRole('tab', { name: 'Servers' }).click();
    const select = page.getByLabel('Review results of fetch_page');
    await expect(select).toHaveValue('flagged');
    await select.selectOption('all');
    const session = world.gate.sessions().find((s) => s.info?.server === 'injecting');
    await expect.poll(() => world.gate.reviewModeOf(session!.serverId, 'fetch_page')).toBe('all');
    await expect(page.getByLabel('Review results of report')).toHaveValue('off');
    await expectNoSeriousA11yIssues(page, 'servers, review results');
    expect(m.foreignRequests).toEqual([]);
  });
});
