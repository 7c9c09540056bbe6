// The main window's forms and reviews over the real core: a server whose code changed is in
// "Needs your attention" with the change, and "Reviewed" accepts it over the IPC channel; a
// manual allow rule starts at medium risk; Settings refuses a value outside the gate's range;
// an approval the database cannot record shows in the consent view as the denial it became.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from '@playwright/test';
import { databasePath } from '../src/core/dataDir';
import { expectNoSeriousA11yIssues } from './a11y';
import { openRenderer } from './harness';
import { FS_SERVER, startWorld, type World } from './world';

test.describe.configure({ mode: 'serial' });

let world: World;

test.beforeAll(async () => {
  world = await startWorld();
});
test.afterAll(async () => {
  await world?.close();
});

test('a server that runs different code is shown with the change; Reviewed accepts it', async ({
  context,
}) => {
  const { store } = world.gate;
  const { id } = store.servers.upsert(
    { host: 'cursor', name: 'notes', command: 'npx', args: ['-y', 'notes-mcp'] },
    Date.now(),
  );
  store.servers.observeFacts(id, { command: '/usr/bin/npx', serverVersion: '1.2.0' }, 1);
  // A new release resolved by the unpinned npx, and a code-loading variable set.
  store.servers.observeFacts(
    id,
    { command: '/usr/bin/npx', serverVersion: '1.3.0', 'env NODE_OPTIONS': '--require /tmp/x.js' },
    2,
  );

  const m = await openRenderer(context, world.services);
  await m.page.getByRole('tab', { name: 'Servers' }).click();
  const attention = m.page.getByRole('region', { name: 'Needs your attention' });
  const item = attention.locator(`[data-server-id="${id}"]`);
  await expect(item).toContainText('runs different code than you reviewed');
  const changes = item.getByRole('list', { name: 'What changed in notes' });
  await expect(changes).toContainText('serverVersion: 1.2.0 → 1.3.0');
  await expect(changes).toContainText('env NODE_OPTIONS: (not set) → --require /tmp/x.js');
  await expectNoSeriousA11yIssues(m.page, 'Servers with an identity change');

  await item.getByRole('button', { name: 'Reviewed' }).click();
  await expect(item).toHaveCount(0);
  expect(store.servers.get(id)?.identityChanges).toEqual([]);
});

test('a manual rule switched to allow starts at medium risk; "any risk" is a choice', async ({
  context,
}) => {
  const m = await openRenderer(context, world.services);
  await m.page.getByRole('tab', { name: 'Rules' }).click();
  await m.page.getByRole('button', { name: 'New rule' }).click();
  await m.page.getByLabel('Action').selectOption('allow');
  const ceiling = m.page.getByLabel('Only up to risk');
  await expect(ceiling).toHaveValue('medium');
  await ceiling.selectOption('');
  await expect(ceiling).toHaveValue('');
  // Away and back: the default again, never a silent "any risk".
  await m.page.getByLabel('Action').selectOption('ask');
  await expect(ceiling).toHaveCount(0);
  await m.page.getByLabel('Action').selectOption('allow');
  await expect(ceiling).toHaveValue('medium');
});

test('Settings takes the gate range and says when a value is outside it', async ({ context }) => {
  const m = await openRenderer(context, world.services);
  await m.page.getByRole('tab', { name: 'Settings' }).click();
  const timeout = m.page.getByLabel('Ask timeout (seconds)');
  await expect(timeout).toHaveAttribute('min', '5');
  await expect(timeout).toHaveAttribute('max', '3600');
  const before = world.gate.settings().timeoutSeconds;
  await timeout.fill('4');
  await timeout.blur();
  await expect(m.page.getByRole('alert')).toContainText(
    'The ask timeout is a whole number of seconds from 5 to 3600; "4" was not saved.',
  );
  await expect(timeout).toHaveValue(String(before));
  expect(world.gate.settings().timeoutSeconds).toBe(before);
  await timeout.fill('90');
  await timeout.blur();
  await expect.poll(() => world.gate.settings().timeoutSeconds).toBe(90);
});

test('an approval that cannot be recorded shows as denied, with the cause, in the consent view', async ({
  context,
}) => {
  await context.clock.install({ time: Date.now() - 2000 });
  const fs = await world.connect('filesystem', [process.execPath, FS_SERVER, world.workDir]);
  const h = await openRenderer(context, world.services, { route: 'popup' });
  await h.page.clock.pauseAt(Date.now());
  const target = join(world.workDir, 'not-recorded.txt');
  const call = fs.callTool({ name: 'write_file', arguments: { path: target, content: 'x' } });
  await expect(h.page.getByTestId('consent-tool')).toHaveText('write_file');
  await h.page.clock.runFor(1500); // past the approve delay
  const approve = h.page.getByRole('button', { name: 'Approve once' });
  await expect(approve).toBeEnabled();
  // Another process holds the database's write lock while the person approves.
  const other = new Database(databasePath(world.dataDir));
  other.exec('BEGIN IMMEDIATE');
  try {
    await approve.click();
    await expect(h.page.getByRole('alert')).toContainText(
      'was denied: your approval could not be recorded (the database is locked by another process)',
    );
  } finally {
    other.exec('ROLLBACK');
    other.close();
  }
  expect(((await call) as { isError?: boolean }).isError).toBe(true);
  expect(existsSync(target)).toBe(false);
});
