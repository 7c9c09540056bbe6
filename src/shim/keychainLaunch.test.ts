// The shim's resolution of keychain references, as a pure step over (env, args) and a reader.
// Against the real Secret Service and the real shim: src/hosts/secure.integration.test.ts.
import { describe, expect, it } from 'vitest';
import { launchHasRefs, refSites, resolveLaunch, type SecretReader } from './keychainLaunch';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const ref = (id: string) => `airlock-keychain:${id}`;
const reader = (items: Record<string, string>): SecretReader => ({
  get: async (id) => items[id] ?? null,
});

describe('keychain references at launch', () => {
  it('a launch without references never opens the keychain', async () => {
    let opened = false;
    const env = { PATH: '/bin', API_KEY: '${API_KEY}' };
    expect(launchHasRefs(env, ['--token', 'x'])).toBe(false);
    const out = await resolveLaunch(env, ['--token', 'x'], async () => {
      opened = true;
      return reader({});
    });
    expect(out).toEqual({ env, args: ['--token', 'x'] });
    expect(opened).toBe(false);
  });

  it('fills env values and arguments, a reference inside a longer argument included', async () => {
    const env = { API_KEY: ref(A), KEEP: 'as is' };
    const args = ['--db', `postgres://me:${ref(B)}@db/x`];
    expect(refSites(env, args)).toEqual(
      new Map([
        [A, 'env API_KEY'],
        [B, 'argument 2'],
      ]),
    );
    const out = await resolveLaunch(env, args, async () => reader({ [A]: 'sk-1', [B]: 'pw' }));
    expect(out).toEqual({
      env: { API_KEY: 'sk-1', KEEP: 'as is' },
      args: ['--db', 'postgres://me:pw@db/x'],
    });
    // The input is not changed: the gate is told the launch as written.
    expect(env.API_KEY).toBe(ref(A));
  });

  it('a missing item, a keychain that throws, or none at all: an error, never a launch', async () => {
    const env = { API_KEY: ref(A) };
    expect(await resolveLaunch(env, [], async () => reader({}))).toEqual({
      error: expect.stringMatching(/^the secret for env API_KEY is not in the OS keychain/),
    });
    const locked: SecretReader = {
      get: async () => {
        throw new Error('unlock prompt was dismissed');
      },
    };
    expect(await resolveLaunch(env, [], async () => locked)).toEqual({
      error: expect.stringMatching(/cannot read the secret for env API_KEY .*dismissed.*unlock/),
    });
    expect(
      await resolveLaunch(env, [], async () => {
        throw new Error('no binding for this platform');
      }),
    ).toEqual({ error: expect.stringMatching(/^no OS keychain .*no binding/) });
  });
});
