import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliLinkPlan, cliLinkState, installCliLink } from './cliOnPath';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const base = {
  home: '/home/me',
  target: '/opt/Airlock/resources/bin/airlock',
  writable: () => false,
};

describe('cliLinkPlan', () => {
  it('links into ~/.local/bin on Linux and says whether that is on PATH', () => {
    expect(
      cliLinkPlan({ ...base, platform: 'linux', env: { PATH: '/usr/bin:/home/me/.local/bin' } }),
    ).toEqual({
      kind: 'link',
      link: '/home/me/.local/bin/airlock',
      target: base.target,
      onPath: true,
    });
    expect(cliLinkPlan({ ...base, platform: 'linux', env: { PATH: '/usr/bin' } })).toMatchObject({
      onPath: false,
    });
  });

  it('uses /usr/local/bin on macOS only when writable', () => {
    const env = { PATH: '/usr/local/bin:/usr/bin' };
    expect(
      cliLinkPlan({ ...base, platform: 'darwin', env, writable: (d) => d === '/usr/local/bin' }),
    ).toMatchObject({
      link: '/usr/local/bin/airlock',
      onPath: true,
    });
    expect(cliLinkPlan({ ...base, platform: 'darwin', env })).toMatchObject({
      link: '/home/me/.local/bin/airlock',
    });
  });

  it('tells Windows users the folder, and AppImage users why not', () => {
    const win = cliLinkPlan({
      ...base,
      platform: 'win32',
      env: {},
      target: 'C:\\Airlock\\resources\\bin\\airlock.cmd',
    });
    expect(win.kind).toBe('manual');
    const appImage = cliLinkPlan({ ...base, platform: 'linux', env: { APPIMAGE: '/x.AppImage' } });
    expect(appImage).toMatchObject({ kind: 'manual' });
  });
});

describe('installCliLink', () => {
  function plan() {
    const home = mkdtempSync(join(tmpdir(), 'airlock-cli-link-'));
    dirs.push(home);
    const target = join(home, 'opt/Airlock/resources/bin/airlock');
    mkdirSync(join(home, 'opt/Airlock/resources/bin'), { recursive: true });
    writeFileSync(target, '#!/bin/sh\n');
    const p = cliLinkPlan({
      platform: 'linux',
      home,
      env: { PATH: '' },
      target,
      writable: () => true,
    });
    if (p.kind !== 'link') throw new Error('expected a link plan');
    return { home, target, p };
  }

  it('creates the link once, then reports it as installed', () => {
    const { target, p } = plan();
    expect(cliLinkState(p)).toBe('absent');
    expect(installCliLink(p)).toMatch(
      /^Installed `airlock` as .*\.local\/bin\/airlock; add .* to your PATH\.$/,
    );
    expect(readlinkSync(p.link)).toBe(target);
    expect(cliLinkState(p)).toBe('installed');
    expect(installCliLink(p)).toMatch(/already on PATH/);
  });

  it('never replaces a file that is not ours, and re-points a link to an older Airlock', () => {
    const { home, target, p } = plan();
    mkdirSync(join(home, '.local/bin'), { recursive: true });
    writeFileSync(p.link, 'someone else');
    expect(installCliLink(p)).toMatch(/exists and is not Airlock's; left it alone/);
    expect(lstatSync(p.link).isSymbolicLink()).toBe(false);

    rmSync(p.link);
    symlinkSync('/old/Airlock/resources/bin/airlock', p.link);
    expect(cliLinkState(p)).toBe('absent');
    installCliLink(p);
    expect(readlinkSync(p.link)).toBe(target);

    rmSync(p.link);
    symlinkSync('/usr/bin/something-else', p.link);
    expect(cliLinkState(p)).toBe('other');
  });
});
