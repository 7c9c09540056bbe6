// Issue 11 §4 in the app: a guarded Cursor server with an API key in its env; "Move secrets to
// keychain" asks first (naming the site, never the value), then the config holds a reference and
// the real Secret Service (gnome-keyring on a private D-Bus session) the value; the grade loses
// its plain-text deduction; "Put secrets back in config" restores the bytes and deletes the item.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openKeychain } from '../src/hosts/keychain';
import { keychainRefs } from '../src/hosts/keychainRef';
import { openItem } from '../src/hosts/keychainItem';
import {
  secretServiceMissing,
  startSecretService,
  type SecretService,
} from '../src/hosts/testKeyring';
import { openRenderer } from './harness';
import { startWorld, type World } from './world';

const why = secretServiceMissing();
test.skip(why !== undefined, why ?? '');
test.describe.configure({ mode: 'serial' });

const KEY = 'sk-e2eabcdefghijklmnopqrstuvwxyz0123';
let service: SecretService;
let world: World;
let home: string;
let cursorConfig: string;

test.beforeAll(async () => {
  service = await startSecretService();
  home = mkdtempSync(join(tmpdir(), 'airlock-e2e-keychain-'));
  mkdirSync(join(home, '.cursor'));
  cursorConfig = join(home, '.cursor', 'mcp.json');
  writeFileSync(
    cursorConfig,
    `{\n  "mcpServers": {\n    "notes": { "command": "npx", "args": ["-y", "@acme/notes-mcp@1.0.0"], "env": { "API_KEY": "${KEY}" } }\n  }\n}\n`,
  );
  world = await startWorld({ env: { HOME: home } });
});
test.afterAll(async () => {
  await world?.close();
  await service?.stop();
  rmSync(home, { recursive: true, force: true });
});

test('Servers view: Move secrets to keychain, with a confirm; then put them back', async ({
  context,
}) => {
  const m = await openRenderer(context, world.services);
  await m.page.getByRole('tab', { name: 'Servers' }).click();
  const notes = m.page.locator('[data-testid="host-entry"][data-server="notes"]');
  // Not guarded: no button (the shim would not be there to resolve the reference).
  await expect(notes.getByRole('button', { name: 'Move secrets to keychain' })).toHaveCount(0);
  await notes.getByRole('switch', { name: 'Guard notes in Cursor' }).click();
  await expect(notes.getByRole('switch', { name: 'Guard notes in Cursor' })).toBeChecked();
  const guarded = readFileSync(cursorConfig, 'utf8');
  // Guarded, pinned, one plain-text secret (−20): 80 → B.
  await expect(notes.getByTestId('grade')).toHaveText('B');

  await notes.getByRole('button', { name: 'Move secrets to keychain' }).click();
  const confirm = notes.getByRole('group', { name: 'Confirm keychain change for notes' });
  await expect(confirm).toContainText('Move env API_KEY of notes into the OS keychain?');
  await expect(confirm).not.toContainText(KEY);
  // Cancel changes nothing.
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  expect(readFileSync(cursorConfig, 'utf8')).toBe(guarded);

  await notes.getByRole('button', { name: 'Move secrets to keychain' }).click();
  await confirm.getByRole('button', { name: 'Move' }).click();
  await expect(notes).toContainText('Secrets kept in the OS keychain.');
  await expect(notes.getByTestId('grade')).toHaveText('A');
  const secured = readFileSync(cursorConfig, 'utf8');
  expect(secured).not.toContain(KEY);
  const [id] = keychainRefs(secured);
  const store = await openKeychain();
  expect(openItem((await store.get(id!))!)?.value).toBe(KEY);
  await notes.getByRole('button', { name: 'Why' }).click();
  await expect(notes.getByRole('list', { name: 'Deductions of notes' })).toContainText(
    'Secrets kept in the OS keychain (env API_KEY)',
  );

  await notes.getByRole('button', { name: 'Put secrets back in config' }).click();
  await confirm.getByRole('button', { name: 'Put back' }).click();
  await expect(notes.getByRole('button', { name: 'Move secrets to keychain' })).toBeVisible();
  expect(readFileSync(cursorConfig, 'utf8')).toBe(guarded);
  expect(await store.get(id!)).toBeNull();
});
