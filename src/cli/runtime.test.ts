import { describe, expect, it } from 'vitest';
import { forgetRuntimeVariables, shimRuntime } from './runtime';

const electron = { ...process.versions, electron: '45.4.1' } as NodeJS.ProcessVersions;
const node = { ...process.versions, electron: undefined } as unknown as NodeJS.ProcessVersions;

describe('shimRuntime', () => {
  it("names the packaged app's helper when its binary runs the CLI as Node", () => {
    const env = {
      ELECTRON_RUN_AS_NODE: '1',
      AIRLOCK_RUNTIME: '/opt/Airlock/resources/bin/airlock-node',
    };
    expect(shimRuntime('/opt/Airlock/airlock', env, electron)).toBe(
      '/opt/Airlock/resources/bin/airlock-node',
    );
  });

  it('names this Node under plain Node, whatever the environment claims', () => {
    const env = { ELECTRON_RUN_AS_NODE: '1', AIRLOCK_RUNTIME: '/tmp/evil' };
    expect(shimRuntime('/usr/bin/node', env, node)).toBe('/usr/bin/node');
    expect(shimRuntime('/opt/Airlock/airlock', { AIRLOCK_RUNTIME: '/x' }, electron)).toBe(
      '/opt/Airlock/airlock',
    );
  });
});

describe('forgetRuntimeVariables', () => {
  it('keeps ELECTRON_RUN_AS_NODE from reaching the servers the shim starts', () => {
    const env: NodeJS.ProcessEnv = { ELECTRON_RUN_AS_NODE: '1', PATH: '/usr/bin' };
    forgetRuntimeVariables(env);
    expect(env).toEqual({ PATH: '/usr/bin' });
  });
});
