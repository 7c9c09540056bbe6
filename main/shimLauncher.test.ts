import { describe, expect, it } from 'vitest';
import { findNodeOnPath, shimLauncherFor } from './shimLauncher';

const files =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p);

describe('shimLauncherFor', () => {
  it('uses the first node on PATH and the unpacked CLI of a packaged app', () => {
    expect(
      shimLauncherFor({
        packaged: true,
        resourcesPath: '/opt/Airlock/resources',
        appRoot: '/ignored',
        env: { PATH: '/nope:/usr/local/bin:/usr/bin' },
        platform: 'linux',
        exists: files('/usr/local/bin/node', '/usr/bin/node'),
      }),
    ).toEqual({
      node: '/usr/local/bin/node',
      cli: '/opt/Airlock/resources/app.asar.unpacked/out/cli/airlock.js',
    });
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

  it('is null without any Node runtime, and finds node.exe on Windows', () => {
    expect(
      shimLauncherFor({
        packaged: true,
        resourcesPath: 'r',
        appRoot: 'a',
        env: { PATH: '/usr/bin' },
        platform: 'linux',
        exists: files(),
      }),
    ).toBeNull();
    expect(
      findNodeOnPath(
        { Path: 'C:\\Windows;C:\\Program Files\\nodejs' },
        'win32',
        files('C:\\Program Files\\nodejs/node.exe'),
      ),
    ).toBe('C:\\Program Files\\nodejs/node.exe');
  });
});
