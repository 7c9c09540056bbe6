// The consent popup at its real size (460×600, as main/windows.ts opens it) and at 200% zoom,
// light and dark, against the real core: a real MCP client calls server-filesystem through
// the real shim. Time in the page is Playwright's clock: nothing here races the real one.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expectNoSeriousA11yIssues } from './a11y';
import { DOCS_DIR, openPopupOnClock, POPUP_SIZE } from './harness';
import { startWorld, type World } from './world';

const POISONED = resolve(__dirname, 'fixtures/poisoned-server.mjs');
/** The gate's approve delay and the popup's idle time before the countdown resumes. */
const APPROVE_DELAY_MS = 1000;
const IDLE_RESUME_MS = 4000;

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

/** 200 numbered lines of 66 characters and a newline: 13,400 bytes. */
function bigFile(tag: string): string {
  return Array.from(
    { length: 200 },
    (_, i) => `line ${String(i + 1).padStart(3, '0')} ${tag} `.padEnd(66, '.') + '\n',
  ).join('');
}

async function waitForCall(page: Page, tool: string): Promise<void> {
  await expect(page.getByTestId('consent-tool')).toHaveText(tool);
  await expect(page.getByTestId('consent-summary')).not.toHaveText(/^\s*$/);
}

/** The fixed frame: header and actions inside the window, one row of actions, the middle scrolls. */
async function expectFixedFrame(page: Page, longContent = true): Promise<void> {
  const viewport = page.viewportSize() ?? POPUP_SIZE;
  const frame = await page.evaluate(() => {
    const doc = globalThis as unknown as {
      document: {
        scrollingElement: { scrollTop: number } | null;
        querySelector(s: string): {
          scrollTop: number;
          scrollHeight: number;
          clientHeight: number;
          scrollWidth: number;
          clientWidth: number;
        } | null;
      };
    };
    const body = doc.document.querySelector('.consent-body');
    const popup = doc.document.querySelector('.popup');
    return {
      pageScroll: doc.document.scrollingElement?.scrollTop ?? 0,
      popupScroll: popup?.scrollTop ?? -1,
      bodyScrolls: body ? body.scrollHeight > body.clientHeight : false,
      bodyOverflowX: body ? body.scrollWidth - body.clientWidth : -1,
    };
  });
  expect(frame.pageScroll).toBe(0);
  expect(frame.popupScroll).toBe(0);
  // With more than fits, the middle is what scrolls.
  if (longContent) expect(frame.bodyScrolls).toBe(true);
  expect(frame.bodyOverflowX).toBeLessThanOrEqual(0);

  const tool = await page.getByTestId('consent-tool').boundingBox();
  const risk = await page.locator('.consent-head [data-risk]').boundingBox();
  expect(tool && tool.y >= 0 && tool.y + tool.height <= viewport.height / 3).toBe(true);
  expect(risk && risk.x + risk.width <= viewport.width).toBe(true);

  const buttons = page.getByRole('group', { name: 'Decision' }).getByRole('button');
  const boxes = await Promise.all(
    (await buttons.all()).map(
      async (b) => (await b.boundingBox()) ?? { x: -1, y: -1, width: 0, height: 0 },
    ),
  );
  expect(boxes.length).toBe(3);
  const tops = new Set(boxes.map((b) => Math.round(b.y)));
  expect([...tops]).toHaveLength(1); // one row
  for (const b of boxes) {
    expect(b.x).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width).toBeLessThanOrEqual(viewport.width);
    expect(b.y + b.height).toBeLessThanOrEqual(viewport.height);
    expect(b.height).toBeLessThan(40); // no label wraps inside its button
  }
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} theme`, () => {
    test.use({ viewport: POPUP_SIZE, colorScheme: theme });

    test(`a 200-line write_file over an existing file: fixed frame, summary, diff, approve delay (${theme})`, async ({
      context,
    }) => {
      const dir = join(world.workDir, `src-${theme}`);
      mkdirSync(dir, { recursive: true });
      const target = join(dir, 'big.ts');
      writeFileSync(target, bigFile('old'));
      const h = await openPopupOnClock(context, world.services);
      const call = fs.callTool({
        name: 'write_file',
        arguments: { path: target, content: bigFile('new') },
      });
      await waitForCall(h.page, 'write_file');

      // Issue 9: the page's clock stands still, so "disabled right after it appears" is a fact,
      // not a race with a loaded machine.
      const approve = h.page.getByRole('button', { name: 'Approve once' });
      await expect(approve).toBeDisabled();
      await expect(h.page.getByRole('button', { name: 'Deny' })).toBeFocused();

      await expect(h.page.getByTestId('consent-summary')).toHaveText(
        `Write 13.4 KB (200 lines) to ${target} (replaces an existing file)`,
      );
      await expect(
        h.page.getByRole('figure').filter({ hasText: 'Change to the current file' }),
      ).toBeVisible();
      await expect(h.page.getByText('text, 13.4 KB, 200 lines')).toBeVisible();
      await expectFixedFrame(h.page);
      await h.page.screenshot({
        path: join(DOCS_DIR, theme === 'light' ? 'consent-low.png' : 'consent-low-dark.png'),
      });
      await h.page.clock.runFor(APPROVE_DELAY_MS + 100);
      await expect(approve).toBeEnabled();
      await expectNoSeriousA11yIssues(h.page, `popup, write_file, ${theme}`, { pausedClock: true });
      await approve.click();
      const result = (await call) as { isError?: boolean };
      expect(result.isError).not.toBe(true);
      expect(h.foreignRequests).toEqual([]);
    });

    test(`the countdown pauses while the person reads and resumes when idle (${theme})`, async ({
      context,
    }) => {
      const h = await openPopupOnClock(context, world.services);
      const call = fs.callTool({
        name: 'write_file',
        arguments: { path: join(world.workDir, `paused-${theme}.txt`), content: bigFile('x') },
      });
      await waitForCall(h.page, 'write_file');
      const countdown = h.page.getByTestId('countdown');
      await expect(countdown).toHaveText(/^Denied automatically in \d+ s$/);

      const body = h.page.getByTestId('consent-body');
      const box = await body.boundingBox();
      if (!box) throw new Error('no consent body');
      await h.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await h.page.mouse.wheel(0, 300);
      await expect(countdown).toHaveText(/^Paused while you read \(\d+ s left\)$/);
      // The gate's own clock stands still too: the call's countdown is held on the gate.
      await expect.poll(() => heldOnGate()).toBe(true);

      await h.page.clock.runFor(IDLE_RESUME_MS - 500);
      await expect(countdown).toHaveText(/^Paused while you read/);
      await h.page.clock.runFor(1000);
      await expect(countdown).toHaveText(/^Denied automatically in \d+ s$/);
      await expect.poll(() => heldOnGate()).toBe(false);

      // Selecting argument text engages too; Escape then still denies.
      await h.page.getByRole('group', { name: 'Arguments' }).locator('.j-key').first().dblclick();
      await expect(countdown).toHaveText(/^Paused while you read/);
      await h.page.keyboard.press('Escape');
      const result = (await call) as { isError?: boolean };
      expect(result.isError).toBe(true);
    });

    test(`Escape denies after a click on blank space; the rule builder fits (${theme})`, async ({
      context,
    }) => {
      const h = await openPopupOnClock(context, world.services);
      const folder = join(world.workDir, `rules-${theme}`, 'deep', 'folder');
      mkdirSync(folder, { recursive: true });
      const call = fs.callTool({
        name: 'write_file',
        arguments: { path: join(folder, 'a.txt'), content: 'a' },
      });
      await waitForCall(h.page, 'write_file');

      await h.page.getByRole('button', { name: 'More…' }).click();
      await h.page.getByRole('menuitem', { name: 'Approve with rule…' }).click();
      await expect(h.page.getByLabel('Condition 1 value')).toHaveValue(folder);
      await expect(h.page.getByLabel('Duration')).toHaveValue('1h');
      await expect(h.page.getByLabel('Duration').locator('option')).toHaveText([
        'for 15 minutes',
        'for 1 hour',
        'until the host restarts',
        'always',
      ]);
      const remove = h.page.getByRole('button', { name: 'Remove condition 1' });
      await remove.scrollIntoViewIfNeeded();
      for (const el of [remove, h.page.getByLabel('Condition 1 value')]) {
        const b = await el.boundingBox();
        expect(b && b.x >= 0 && b.x + b.width <= POPUP_SIZE.width).toBe(true);
      }
      await expect(h.page.getByText('Paused while you decide', { exact: false })).toBeVisible();
      await expectNoSeriousA11yIssues(h.page, `popup rule builder, ${theme}`, {
        pausedClock: true,
      });
      await expectFixedFrame(h.page);
      await h.page.getByRole('button', { name: 'Back' }).click();

      // A click on blank space takes focus off every control; Escape still denies.
      await h.page.mouse.click(POPUP_SIZE.width - 3, 70);
      await h.page.keyboard.press('Escape');
      const result = (await call) as { isError?: boolean };
      expect(result.isError).toBe(true);
    });

    test(`a high-risk call: Enter never approves; a long argument opens in a viewer (${theme})`, async ({
      context,
    }) => {
      const poisoned = await world.connect('poisoned', [process.execPath, POISONED]);
      await poisoned.listTools();
      const h = await openPopupOnClock(context, world.services);
      const note = Array.from({ length: 40 }, (_, i) => `note line ${i + 1}`).join('\n');
      const call = poisoned.callTool({ name: 'add_numbers', arguments: { a: 1, b: 2, note } });
      await waitForCall(h.page, 'add_numbers');
      await expect(h.page.locator('.consent-head [data-risk]')).toHaveText('high');
      // The real reason, in words; no "not clearly read-only", no internal codes in view.
      await expect(h.page.getByTestId('ask-reasons')).toContainText(
        'High risk, so a person decides: The tool looks poisoned',
      );
      await expect(h.page.getByRole('list', { name: 'Risk reasons' })).not.toContainText(
        'tool.poisoned',
      );
      await expect(h.page.getByRole('list', { name: 'Risk reasons' })).not.toContainText('"add"');
      await expect(h.page.locator('details.codes')).not.toHaveAttribute('open');
      await expectFixedFrame(h.page);
      await h.page.screenshot({
        path: join(DOCS_DIR, theme === 'light' ? 'consent-high.png' : 'consent-high-dark.png'),
      });

      await h.page.clock.runFor(APPROVE_DELAY_MS + 100);
      const approve = h.page.getByRole('button', { name: 'Approve once' });
      await expect(approve).toBeEnabled();
      await approve.focus();
      await h.page.keyboard.press('Enter');
      await h.page.clock.runFor(200);
      expect(world.gate.pending().map((p) => p.tool)).toContain('add_numbers');

      await h.page.getByRole('button', { name: 'View all 40 lines' }).click();
      const viewer = h.page.getByRole('dialog');
      await expect(viewer).toBeVisible();
      await viewer.getByLabel('Search in this text').fill('line 33');
      await expect(viewer.getByTestId('viewer-matches')).toHaveText('1 of 1 lines');
      await expect(viewer.locator('li.hit')).toHaveText('note line 33');
      await viewer.getByRole('button', { name: 'Copy' }).click();
      await expect(viewer.getByRole('status')).toHaveText('Copied.');
      await expectNoSeriousA11yIssues(h.page, `text viewer, ${theme}`, { pausedClock: true });
      // Escape closes the viewer, not the call.
      await h.page.keyboard.press('Escape');
      await expect(viewer).toHaveCount(0);
      expect(world.gate.pending().map((p) => p.tool)).toContain('add_numbers');

      // Tab order: header, then the middle (arguments), then the actions.
      const order = await tabRegions(h.page, 40);
      const rank = { header: 0, body: 1, foot: 2 } as const;
      const ranks = order.map((r) => rank[r]);
      expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
      expect(order).toContain('body');
      expect(order[order.length - 1]).toBe('foot');

      // What Copy put on the clipboard is the whole argument: paste it into the message box.
      await h.page.getByRole('button', { name: 'More…' }).click();
      await h.page.getByRole('menuitem', { name: 'Deny with message…' }).click();
      await h.page.getByLabel('Message to the agent').press('Control+V');
      await expect(h.page.getByLabel('Message to the agent')).toHaveValue(note);
      // Escape closes the panel first, then denies.
      await h.page.keyboard.press('Escape');
      await expect(h.page.getByLabel('Message to the agent')).toHaveCount(0);
      await h.page.keyboard.press('Escape');
      const result = (await call) as { isError?: boolean };
      expect(result.isError).toBe(true);
    });
  });
}

test.describe('200% zoom (the popup at 460×600 shows 230×300 CSS pixels)', () => {
  test.use({ viewport: { width: 230, height: 300 }, deviceScaleFactor: 2 });

  test('header, one row of actions, the middle scrolls', async ({ context }) => {
    const h = await openPopupOnClock(context, world.services);
    const call = fs.callTool({
      name: 'write_file',
      arguments: { path: join(world.workDir, 'zoom.txt'), content: bigFile('z') },
    });
    await waitForCall(h.page, 'write_file');
    await expectFixedFrame(h.page);
    await h.page.keyboard.press('Escape');
    await call;
  });
});

test.describe('several similar calls', () => {
  test.use({ viewport: POPUP_SIZE });

  test('"decide all together" shows what it covers before it acts', async ({ context }) => {
    const h = await openPopupOnClock(context, world.services);
    const paths = ['t1.txt', 't2.txt'].map((f) => join(world.workDir, f));
    const calls = paths.map((path) =>
      fs.callTool({ name: 'write_file', arguments: { path, content: 'x' } }),
    );
    await expect(h.page.getByTestId('queue-position')).toHaveText('1 of 2');
    await h.page.getByLabel(/Decide all 2 waiting write_file calls together/).check();
    const list = h.page.getByTestId('together-list');
    await expect(list.getByRole('listitem')).toHaveCount(2);
    for (const p of paths) await expect(list).toContainText(p);
    await expect(h.page.getByRole('button', { name: 'Deny all 2' })).toBeVisible();
    await expect(h.page.getByRole('button', { name: 'Approve all 2' })).toBeVisible();
    expect(world.gate.pending()).toHaveLength(2); // nothing decided yet
    await expectFixedFrame(h.page, false);
    await h.page.getByRole('button', { name: 'Deny all 2' }).click();
    for (const c of calls) expect(((await c) as { isError?: boolean }).isError).toBe(true);
  });
});

function heldOnGate(): boolean {
  // A held call's timer is stopped on the gate; its pending entry is still there.
  const broker = world.gate.broker as unknown as {
    waiting: Map<number, { heldRemaining: number | null }>;
  };
  return [...broker.waiting.values()].some((w) => w.heldRemaining !== null);
}

/** Presses Tab from the top of the page and names the region each focused element is in. */
async function tabRegions(page: Page, max: number): Promise<('header' | 'body' | 'foot')[]> {
  // A click on the tool's name (not a control) starts keyboard navigation from the top.
  await page.getByTestId('consent-tool').click();
  const seen: ('header' | 'body' | 'foot')[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const region = await page.evaluate(() => {
      const el = (
        globalThis as unknown as {
          document: { activeElement: { closest(s: string): unknown } | null };
        }
      ).document.activeElement;
      if (!el) return null;
      if (el.closest('.consent-head')) return 'header';
      if (el.closest('.consent-body')) return 'body';
      if (el.closest('.consent-foot')) return 'foot';
      return null;
    });
    if (region === null) break;
    if (seen.length > 0 && seen[seen.length - 1] === 'foot' && region !== 'foot') break;
    seen.push(region);
    if (seen.filter((r) => r === 'foot').length >= 3) break;
  }
  return seen;
}
