import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyLinuxAutostart, autostartCommand, autostartEntry, autostartFile } from './autostart';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('XDG autostart', () => {
  it('goes to $XDG_CONFIG_HOME/autostart, else ~/.config/autostart (a relative one is ignored)', () => {
    expect(autostartFile({ XDG_CONFIG_HOME: '/cfg' }, '/home/me')).toBe(
      '/cfg/autostart/airlock.desktop',
    );
    expect(autostartFile({}, '/home/me')).toBe('/home/me/.config/autostart/airlock.desktop');
    expect(autostartFile({ XDG_CONFIG_HOME: 'rel' }, '/home/me')).toBe(
      '/home/me/.config/autostart/airlock.desktop',
    );
  });

  it('starts the AppImage itself, not its temporary mount', () => {
    expect(
      autostartCommand('/tmp/.mount_AirlXY/airlock', {
        APPIMAGE: '/home/me/Apps/Airlock.AppImage',
      }),
    ).toBe('/home/me/Apps/Airlock.AppImage');
    expect(autostartCommand('/opt/Airlock/airlock', {})).toBe('/opt/Airlock/airlock');
  });

  it('quotes Exec per the Desktop Entry spec', () => {
    const entry = autostartEntry('/opt/My "Apps"/50% $HOME/airlock');
    // `"` and `$` take a backslash inside the quotes, and that backslash is doubled in the file.
    expect(entry).toContain(String.raw`Exec="/opt/My \\"Apps\\"/50%% \\$HOME/airlock"` + '\n');
    expect(entry.startsWith('[Desktop Entry]\nType=Application\n')).toBe(true);
  });

  it('writes the entry when switched on and removes it when switched off', () => {
    const home = mkdtempSync(join(tmpdir(), 'airlock-autostart-'));
    dirs.push(home);
    const facts = { env: {}, home, execPath: '/opt/Airlock/airlock' };
    const file = join(home, '.config/autostart/airlock.desktop');
    applyLinuxAutostart(true, facts);
    expect(readFileSync(file, 'utf8')).toContain('Exec="/opt/Airlock/airlock"');
    applyLinuxAutostart(false, facts);
    expect(existsSync(file)).toBe(false);
    applyLinuxAutostart(false, facts); // already off: nothing to do, no error
  });
});
