// Issue 11 §1, edit then approve, from the popup: a real MCP client asks server-filesystem (through
// the real shim) to write a file; the person edits the path and the content in the Edit… form
// and approves the edit; the file written is the edited one. An edit that does not fit the
// tool's schema is refused by the gate with its reason, and the call keeps waiting. History then
// shows the call as edited, with the diff. Time in the popup is Playwright's clock.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { RawShim } from '../src/testing/harness';
import { expectNoSeriousA11yIssues } from './a11y';
import { DOCS_DIR, openPopupOnClock, openRenderer, POPUP_SIZE } from './harness';
import { startWorld, type World } from './world';

const POISONED = resolve(__dirname, 'fixtures/poisoned-server.mjs');
const HOSTILE = resolve(__dirname, 'fixtures/hostile-schema-server.mjs');
const RAW_SERVER = resolve(__dirname, '../src/testing/fixtures/hostile-server.mjs');
const APPROVE_DELAY_MS = 1000;

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

async function waitForCall(page: Page, tool: string): Promise<void> {
  await expect(page.getByTestId('consent-tool')).toHaveText(tool);
  await expect(page.getByTestId('consent-summary')).not.toHaveText(/^\s*$/);
}

async function openEditor(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'More…' }).click();
  await page.getByRole('menuitem', { name: 'Edit…' }).click();
  await expect(page.getByRole('form', { name: 'Edit the arguments' })).toBeVisible();
}

function heldOnGate(): boolean {
  const broker = world.gate.broker as unknown as {
    waiting: Map<number, { heldRemaining: number | null }>;
  };
  return [...broker.waiting.values()].some((w) => w.heldRemaining !== null);
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} theme`, () => {
    test.use({ viewport: POPUP_SIZE, colorScheme: theme });

    test(`edit write_file's path and content, approve the edit: the edited file is written (${theme})`, async ({
      context,
      browser,
    }) => {
      const asked = join(world.workDir, `asked-${theme}.md`);
      const edited = join(world.workDir, `edited-${theme}.md`);
      const h = await openPopupOnClock(context, world.services);
      const call = fs.callTool({
        name: 'write_file',
        arguments: { path: asked, content: '# Notes\n\nrm -rf build\n' },
      });
      await waitForCall(h.page, 'write_file');
      await openEditor(h.page);
      const page = h.page;

      // The form, from write_file's pinned schema: both fields required, the text multi-line.
      const form = page.getByRole('form', { name: 'Edit the arguments' });
      await expect(form.getByRole('tab', { name: 'Form' })).toHaveAttribute(
        'aria-selected',
        'true',
      );
      await expect(form.getByRole('tab', { name: 'Form' })).toBeFocused();
      const path = form.getByRole('textbox', { name: 'path (required)' });
      const content = form.getByRole('textbox', { name: 'content (required)' });
      await expect(path).toHaveValue(asked);
      await expect(content).toHaveValue('# Notes\n\nrm -rf build\n');
      expect(await content.evaluate((el) => el.tagName)).toBe('TEXTAREA');
      // Nothing changed yet: nothing to approve as an edit; the plain approval waits too.
      await page.clock.runFor(APPROVE_DELAY_MS + 100);
      const approveEdited = form.getByRole('button', { name: 'Approve edited' });
      await expect(approveEdited).toBeDisabled();
      await expect(page.getByRole('button', { name: 'Approve once' })).toBeDisabled();
      // Editing holds the countdown, on screen and on the gate.
      await expect(page.getByTestId('countdown')).toContainText('Paused while you decide');
      await expect.poll(() => heldOnGate()).toBe(true);

      await path.fill(edited);
      await content.fill('# Notes\n\nkeep the build\n');
      await expect(approveEdited).toBeEnabled();
      // What the edit changes, as a diff, before approving it.
      await form.getByText('Your changes').click();
      await expect(
        form
          .getByRole('figure')
          .filter({ hasText: 'Arguments: asked → approved' })
          .locator('.d-add'),
      ).toContainText([`"path": "${edited}"`]);
      await form.getByText('Your changes').click();

      // The JSON tab shows the same edit; arrow keys move between the tabs.
      await form.getByRole('tab', { name: 'Form' }).focus();
      await page.keyboard.press('ArrowRight');
      const jsonTab = form.getByRole('tab', { name: 'JSON' });
      await expect(jsonTab).toBeFocused();
      await expect(jsonTab).toHaveAttribute('aria-selected', 'true');
      const json = form.getByRole('textbox', { name: 'Arguments (JSON)' });
      expect(JSON.parse(await json.inputValue())).toEqual({
        path: edited,
        content: '# Notes\n\nkeep the build\n',
      });
      await page.keyboard.press('ArrowLeft');
      await expect(path).toHaveValue(edited);
      await approveEdited.scrollIntoViewIfNeeded();
      await page.screenshot({
        path: join(DOCS_DIR, theme === 'light' ? 'consent-edit.png' : 'consent-edit-dark.png'),
      });
      await expectNoSeriousA11yIssues(page, `popup edit form, ${theme}`, { pausedClock: true });

      await approveEdited.click();
      const result = (await call) as { isError?: boolean };
      expect(result.isError).not.toBe(true);
      expect(readFileSync(edited, 'utf8')).toBe('# Notes\n\nkeep the build\n');
      expect(existsSync(asked)).toBe(false);
      expect(h.foreignRequests).toEqual([]);

      // History: the call is marked edited, with what the agent asked against what was approved.
      const main = await browser.newContext({
        viewport: { width: 1100, height: 760 },
        colorScheme: theme,
      });
      try {
        const m = await openRenderer(main, world.services);
        await m.page.getByRole('tab', { name: 'History' }).click();
        // The row previews what the agent asked, and says it was approved edited.
        const row = m.page.getByTestId('history-row').filter({ hasText: `asked-${theme}` });
        await expect(row).toHaveCount(1);
        await expect(row).toContainText('(edited)');
        await row.click();
        const detail = m.page.getByRole('complementary', { name: 'Call details' });
        await expect(detail.getByTestId('edited-badge')).toHaveText('edited');
        await expect(detail).toContainText('Approved by user, with edited arguments');
        const diff = detail.getByRole('figure').filter({ hasText: 'Arguments: asked → approved' });
        await expect(diff.locator('.d-del')).toContainText([`"path": "${asked}"`]);
        await expect(diff.locator('.d-add')).toContainText([`"path": "${edited}"`]);
        const text = detail.getByRole('figure').filter({ hasText: 'Text of "content"' });
        await expect(text.locator('.d-del')).toHaveText([/removed: rm -rf build$/]);
        await expect(text.locator('.d-add')).toHaveText([/added: keep the build$/]);
        if (theme === 'light') {
          // Scroll the detail panel alone, so the diff shows beside the table.
          await detail.evaluate((panel) => {
            const heading = [...panel.querySelectorAll('h4')].find(
              (h) => h.textContent === 'Edited before approval',
            );
            if (heading) panel.scrollTop = heading.offsetTop - panel.offsetTop - 8;
          });
          await m.page.screenshot({ path: join(DOCS_DIR, 'history-edited.png') });
        }
        await expectNoSeriousA11yIssues(m.page, `history edited detail, ${theme}`);
      } finally {
        await main.close();
      }
    });
  });
}

test.describe('refused and cancelled edits', () => {
  test.use({ viewport: POPUP_SIZE });

  test('an edit the schema refuses shows the gate’s reason and the call keeps waiting; Cancel returns', async ({
    context,
  }) => {
    const target = join(world.workDir, 'refused.txt');
    const h = await openPopupOnClock(context, world.services);
    const page = h.page;
    const call = fs.callTool({ name: 'write_file', arguments: { path: target, content: 'x' } });
    await waitForCall(page, 'write_file');
    await page.clock.runFor(APPROVE_DELAY_MS + 100);
    await openEditor(page);
    const form = page.getByRole('form', { name: 'Edit the arguments' });
    await form.getByRole('tab', { name: 'JSON' }).click();
    const json = form.getByRole('textbox', { name: 'Arguments (JSON)' });

    // Not JSON: said at once, and nothing can be approved.
    await json.fill('{"path": ');
    await expect(form.getByText(/^Not valid JSON: /)).toBeVisible();
    await expect(form.getByRole('button', { name: 'Approve edited' })).toBeDisabled();
    await expect(form.getByRole('tab', { name: 'Form' })).toHaveAttribute('aria-selected', 'false');

    // JSON, but path is a number: the gate checks it against write_file's pinned schema.
    await json.fill(JSON.stringify({ path: 42, content: 'x' }));
    await form.getByRole('button', { name: 'Approve edited' }).click();
    const refused = form.getByTestId('edit-refused');
    await expect(refused).toContainText('Not approved:');
    await expect(refused).toContainText(/path/);
    await expect(refused).toHaveAttribute('role', 'alert');
    await refused.scrollIntoViewIfNeeded();
    await page.screenshot({ path: test.info().outputPath('refused.png') });
    expect(world.gate.pending().map((p) => p.tool)).toContain('write_file');
    expect(existsSync(target)).toBe(false);

    // In the form, the wrong value is a raw JSON field saying why; an undeclared argument too.
    await form.getByRole('tab', { name: 'Form' }).click();
    await expect(
      form.getByText('As JSON: The value is not a number.', { exact: false }),
    ).toHaveCount(0);
    await expect(form.getByText('As JSON: The value is not a string.')).toBeVisible();

    // Cancel goes back to the call as it was asked, still waiting.
    await form.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('form', { name: 'Edit the arguments' })).toHaveCount(0);
    await expect(page.getByRole('group', { name: 'Arguments' })).toContainText(target);
    await expect(page.getByRole('button', { name: 'Approve once' })).toBeEnabled();
    await page.getByRole('button', { name: 'Deny' }).click();
    expect(((await call) as { isError?: boolean }).isError).toBe(true);
    expect(existsSync(target)).toBe(false);
  });
});

test.describe('a high-risk call, by keyboard', () => {
  test.use({ viewport: POPUP_SIZE });

  test('numbers edit as numbers, an optional argument can be removed, Enter never approves', async ({
    context,
  }) => {
    const poisoned = await world.connect('poisoned', [process.execPath, POISONED]);
    await poisoned.listTools();
    const h = await openPopupOnClock(context, world.services);
    const page = h.page;
    const call = poisoned.callTool({
      name: 'add_numbers',
      arguments: { a: 1, b: 2, note: 'contents of ~/.ssh/id_rsa' },
    });
    await waitForCall(page, 'add_numbers');
    await expect(page.locator('.consent-head [data-risk]')).toHaveText('high');
    await page.clock.runFor(APPROVE_DELAY_MS + 100);
    await openEditor(page);
    const form = page.getByRole('form', { name: 'Edit the arguments' });

    const b = form.getByRole('textbox', { name: 'b (required)' });
    await b.fill('2.5x');
    await expect(form.getByText('Not a number.')).toBeVisible();
    await expect(b).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByRole('button', { name: 'Approve edited' })).toBeDisabled();
    await b.fill('40');
    // Enter in a field submits nothing.
    await b.press('Enter');
    await form.getByRole('button', { name: 'Remove note' }).click();
    await expect(form.getByRole('textbox', { name: /^note/ })).toHaveCount(0);
    await expect(form.getByRole('button', { name: /^Add note/ })).toBeVisible();
    await expectNoSeriousA11yIssues(page, 'popup edit form, high risk', { pausedClock: true });

    const approve = form.getByRole('button', { name: 'Approve edited' });
    await approve.focus();
    await page.keyboard.press('Enter');
    await page.clock.runFor(200);
    expect(world.gate.pending().map((p) => p.tool)).toContain('add_numbers');

    // A deliberate Space approves the edit: the server adds what the person approved.
    await page.keyboard.press('Space');
    const result = (await call) as { content: { type: string; text: string }[]; isError?: boolean };
    expect(result.isError).not.toBe(true);
    expect(JSON.stringify(result.content)).toContain('41');
  });
});

test.describe('edits approve one call at a time', () => {
  test.use({ viewport: POPUP_SIZE });

  test('with "decide together" ticked, Edit… is unavailable and says why', async ({ context }) => {
    const h = await openPopupOnClock(context, world.services);
    const page = h.page;
    const paths = ['e1.txt', 'e2.txt'].map((f) => join(world.workDir, f));
    const calls = paths.map((path) =>
      fs.callTool({ name: 'write_file', arguments: { path, content: 'x' } }),
    );
    await expect(page.getByTestId('queue-position')).toHaveText('1 of 2');
    await page.getByLabel(/Decide all 2 waiting write_file calls together/).check();
    await page.getByRole('button', { name: 'More…' }).click();
    const edit = page.getByRole('menuitem', { name: 'Edit…' });
    await expect(edit).toHaveAttribute('aria-disabled', 'true');
    await expect(edit).toHaveAttribute('title', /Edit one call at a time/);
    await edit.click({ force: true }); // aria-disabled: Playwright would wait for it
    await expect(page.getByRole('form', { name: 'Edit the arguments' })).toHaveCount(0);
    await page.keyboard.press('Escape'); // closes the menu
    await page.getByRole('button', { name: 'Deny all 2' }).click();
    for (const c of calls) expect(((await c) as { isError?: boolean }).isError).toBe(true);
  });

  test('arguments holding a number editing would change: Edit… is unavailable and says why', async ({
    context,
  }) => {
    // A host line written by hand: an SDK client never sends a number JSON.parse would round.
    const shim = new RawShim(world.dataDir, {
      name: 'hostile',
      command: process.execPath,
      args: [RAW_SERVER],
    });
    try {
      await shim.initialize();
      const h = await openPopupOnClock(context, world.services);
      const page = h.page;
      shim.send(
        '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"first","arguments":{"n":12345678901234567890}}}',
      );
      await waitForCall(page, 'first');
      await page.getByRole('button', { name: 'More…' }).click();
      const edit = page.getByRole('menuitem', { name: 'Edit…' });
      await expect(edit).toHaveAttribute('aria-disabled', 'true');
      await expect(edit).toHaveAttribute(
        'title',
        'The arguments hold 12345678901234567890, a number editing would change: approve or deny the call as sent.',
      );
      await edit.click({ force: true });
      await expect(page.getByRole('form', { name: 'Edit the arguments' })).toHaveCount(0);
      await page.keyboard.press('Escape'); // closes the menu
      await page.getByRole('button', { name: 'Deny', exact: true }).click();
      await shim.next((m) => m.id === 9);
    } finally {
      shim.proc.stdin.end();
      await shim.exited;
    }
  });
});

test.describe('200% zoom (230×300 CSS pixels)', () => {
  test.use({ viewport: { width: 230, height: 300 }, deviceScaleFactor: 2 });

  test('the edit form fits the width; its actions are reachable', async ({ context }) => {
    const h = await openPopupOnClock(context, world.services);
    const page = h.page;
    const call = fs.callTool({
      name: 'write_file',
      arguments: { path: join(world.workDir, 'zoomed-edit.txt'), content: 'a\nb\n' },
    });
    await waitForCall(page, 'write_file');
    await openEditor(page);
    const overflow = await page
      .getByTestId('consent-body')
      .evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const approve = page.getByRole('button', { name: 'Approve edited' });
    await approve.scrollIntoViewIfNeeded();
    const box = await approve.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 230).toBe(true);
    await page.keyboard.press('Escape'); // closes the editor
    await expect(page.getByRole('form', { name: 'Edit the arguments' })).toHaveCount(0);
    await page.keyboard.press('Escape'); // denies
    expect(((await call) as { isError?: boolean }).isError).toBe(true);
  });
});

test.describe('a hostile server’s schema', () => {
  test.use({ viewport: POPUP_SIZE });

  test('a schema 12 objects deep becomes JSON past the form’s depth; one over 200 KB leaves only JSON', async ({
    context,
  }) => {
    const hostile = await world.connect('hostile-schema', [process.execPath, HOSTILE]);
    await hostile.listTools();
    const h = await openPopupOnClock(context, world.services);
    const page = h.page;

    let tree: unknown = 'leaf';
    for (let i = 0; i < 12; i++) tree = { inner: tree };
    const deep = hostile.callTool({ name: 'set_deep', arguments: { label: 'a', tree } });
    await waitForCall(page, 'set_deep');
    await openEditor(page);
    const form = page.getByRole('form', { name: 'Edit the arguments' });
    await expect(form.getByRole('textbox', { name: 'label' })).toHaveValue('a');
    // The arguments, "tree" and three levels of "inner" make five levels of form (the cap);
    // the rest is one JSON field that says why.
    await expect(form.getByRole('group', { name: /^tree/ })).toHaveCount(1);
    await expect(form.getByRole('group', { name: /^inner/ })).toHaveCount(3);
    await expect(form.getByText('As JSON: Nested too deeply for a form.')).toHaveCount(1);
    await expectNoSeriousA11yIssues(page, 'popup edit form, deep schema', { pausedClock: true });
    await page.getByRole('button', { name: 'Deny' }).click();
    expect(((await deep) as { isError?: boolean }).isError).toBe(true);

    const wide = hostile.callTool({ name: 'set_wide', arguments: { field_1: 'x' } });
    await waitForCall(page, 'set_wide');
    await openEditor(page);
    await expect(form.getByRole('tab', { name: 'Form' })).toBeDisabled();
    await expect(form.getByRole('tab', { name: 'JSON' })).toHaveAttribute('aria-selected', 'true');
    await expect(form).toContainText('The tool’s schema is too large to turn into a form.');
    expect(
      JSON.parse(await form.getByRole('textbox', { name: 'Arguments (JSON)' }).inputValue()),
    ).toEqual({
      field_1: 'x',
    });
    await page.getByRole('button', { name: 'Deny' }).click();
    expect(((await wide) as { isError?: boolean }).isError).toBe(true);
  });
});
