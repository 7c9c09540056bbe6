import { describe, expect, it } from 'vitest';
import { forgetRuntimeVariables, shimRuntime } from './runtime';

const helper = '/opt/Airlock/resources/bin/airlock-node';
const cli = '/opt/Airlock/resources/app.asar.unpacked/out/cli/airlock.js';
const asIs = (p: string) => p;

describe('shimRuntime', () => {
  it("names the packaged app's helper when it runs the packaged CLI", () => {
    const env = { ELECTRON_RUN_AS_NODE: '1', AIRLOCK_RUNTIME: helper };
    expect(shimRuntime('/opt/Airlock/airlock-app', env, cli, asIs)).toBe(helper);
  });

  it('follows symlinks to where the files really are', () => {
    const env = { ELECTRON_RUN_AS_NODE: '1', AIRLOCK_RUNTIME: '/usr/local/bin/airlock-node' };
    const real = (p: string) => (p === '/usr/local/bin/airlock-node' ? helper : p);
    expect(shimRuntime('/x', env, cli, real)).toBe('/usr/local/bin/airlock-node');
  });

  it('names this runtime otherwise: no run-as-node, a helper elsewhere, or another CLI', () => {
    expect(shimRuntime('/usr/bin/node', { AIRLOCK_RUNTIME: helper }, cli, asIs)).toBe(
      '/usr/bin/node',
    );
    const stray = { ELECTRON_RUN_AS_NODE: '1', AIRLOCK_RUNTIME: '/tmp/evil/bin/airlock-node' };
    expect(shimRuntime('/usr/bin/node', stray, cli, asIs)).toBe('/usr/bin/node');
    const env = { ELECTRON_RUN_AS_NODE: '1', AIRLOCK_RUNTIME: helper };
    expect(shimRuntime('/usr/bin/node', env, '/src/airlock/out/cli/airlock.js', asIs)).toBe(
      '/usr/bin/node',
    );
    const missing = () => {
      throw new Error('ENOENT');
    };
    expect(shimRuntime('/usr/bin/node', env, cli, missing)).toBe('/usr/bin/node');
  });
});

describe('forgetRuntimeVariables', () => {
  it('keeps the run-as-node variables from reaching the servers the shim starts', () => {
    const env: NodeJS.ProcessEnv = {
      ELECTRON_RUN_AS_NODE: '1',
      AIRLOCK_RUNTIME: helper,
      PATH: '/usr/bin',
    };
    forgetRuntimeVariables(env);
    expect(env).toEqual({ PATH: '/usr/bin' });
  });
});
