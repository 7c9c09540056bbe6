import { describe, expect, it } from 'vitest';
import { findNodeOnPath, shimLauncherFor } from './shimLauncher';

const files =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p);

describe('shimLauncherFor', () => {
  it("runs a packaged app's shim with the app's own binary, with no Node on PATH", () => {
    expect(
      shimLauncherFor({
        packaged: true,
        resourcesPath: '/opt/Airlock/resources',
        appRoot: '/ignored',
        env: { PATH: '' },
        platform: 'linux',
        exists: files(
          '/opt/Airlock/resources/bin/airlock-node',
          '/opt/Airlock/resources/app.asar.unpacked/out/cli/airlock.js',
        ),
      }),
    ).toEqual({
      node: '/opt/Airlock/resources/bin/airlock-node',
      cli: '/opt/Airlock/resources/app.asar.unpacked/out/cli/airlock.js',
    });
  });

  it('uses the .cmd helper on Windows, and ignores a node on PATH when packaged', () => {
    const got = shimLauncherFor({
      packaged: true,
      resourcesPath: 'C:\\Airlock\\resources',
      appRoot: '',
      env: { PATH: '/usr/bin' },
      platform: 'win32',
      exists: () => true,
    });
    expect(got?.node).toMatch(/bin[\\/]airlock-node\.cmd$/);
  });

  it('is null when the packaged helpers are missing (a damaged install)', () => {
    expect(
      shimLauncherFor({
        packaged: true,
        resourcesPath: '/opt/Airlock/resources',
        appRoot: '',
        env: { PATH: '/usr/bin' },
        platform: 'linux',
        exists: files('/usr/bin/node'),
      }),
    ).toBeNull();
  });

  it('prefers AIRLOCK_NODE, and uses the checkout’s CLI when not packaged', () => {
    expect(
      shimLauncherFor({
        packaged: false,
        resourcesPath: '',
        appRoot: '/src/airlock',
        env: { AIRLOCK_NODE: '/opt/node/bin/node', PATH: '' },
        platform: 'linux',
        exists: files(),
      }),
    ).toEqual({ node: '/opt/node/bin/node', cli: '/src/airlock/out/cli/airlock.js' });
  });

  it('from a checkout: first node on PATH, null without one, node.exe on Windows', () => {
    const checkout = {
      packaged: false,
      resourcesPath: '',
      appRoot: '/a',
      platform: 'linux' as const,
    };
    expect(
      shimLauncherFor({
        ...checkout,
        env: { PATH: '/nope:/usr/local/bin:/usr/bin' },
        exists: files('/usr/local/bin/node', '/usr/bin/node'),
      }),
    ).toEqual({ node: '/usr/local/bin/node', cli: '/a/out/cli/airlock.js' });
    expect(shimLauncherFor({ ...checkout, env: { PATH: '/usr/bin' }, exists: files() })).toBeNull();
    expect(
      findNodeOnPath(
        { Path: 'C:\\Windows;C:\\Program Files\\nodejs' },
        'win32',
        files('C:\\Program Files\\nodejs/node.exe'),
      ),
    ).toBe('C:\\Program Files\\nodejs/node.exe');
  });
});
