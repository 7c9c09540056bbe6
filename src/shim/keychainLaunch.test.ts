// The shim's resolution of keychain references, as a pure step over (command, env, args) and a
// reader. Against the real Secret Service and the real shim: src/hosts/secure.integration.test.ts.
import { describe, expect, it } from 'vitest';
import { sealItem, type BoundLaunch } from '../hosts/keychainItem';
import { launchHasRefs, refSites, resolveLaunch, type SecretReader } from './keychainLaunch';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const ref = (id: string) => `airlock-keychain:${id}`;
const reader = (items: Record<string, string>): SecretReader => ({
  get: async (id) => items[id] ?? null,
});

const CMD = 'npx';
const ARGS = ['-y', 'server-db', '--db', `postgres://me:${ref(B)}@db/x`];
const LAUNCH: BoundLaunch = { command: CMD, args: ARGS, env: ['API_KEY'] };
/** The items `airlock hosts secure` would have stored for LAUNCH. */
const bound = reader({
  [A]: sealItem({ value: 'sk-1', launches: [LAUNCH] }),
  [B]: sealItem({ value: 'pw', launches: [{ ...LAUNCH, env: [] }] }),
});

describe('keychain references at launch', () => {
  it('a launch without references never opens the keychain', async () => {
    let opened = false;
    const env = { PATH: '/bin', API_KEY: '${API_KEY}' };
    expect(launchHasRefs(env, ['--token', 'x'])).toBe(false);
    const out = await resolveLaunch(CMD, env, ['--token', 'x'], async () => {
      opened = true;
      return reader({});
    });
    expect(out).toEqual({ env, args: ['--token', 'x'] });
    expect(opened).toBe(false);
  });

  it('fills env values and arguments of the launch the items were secured from', async () => {
    const env = { API_KEY: ref(A), KEEP: 'as is' };
    expect(refSites(env, ARGS)).toEqual(
      new Map([
        [A, ['env API_KEY']],
        [B, ['argument 4']],
      ]),
    );
    const out = await resolveLaunch(CMD, env, ARGS, async () => bound);
    expect(out).toEqual({
      env: { API_KEY: 'sk-1', KEEP: 'as is' },
      args: ['-y', 'server-db', '--db', 'postgres://me:pw@db/x'],
    });
    // The input is not changed: the gate is told the launch as written.
    expect(env.API_KEY).toBe(ref(A));
  });

  it('a reference borrowed by another launch gets nothing: other command, arguments or variable', async () => {
    const env = { API_KEY: ref(A) };
    const refused = expect.stringMatching(
      /^the secret for env API_KEY was secured for another launch/,
    );
    // Another program given the same reference.
    expect(await resolveLaunch('node', env, ARGS, async () => bound)).toEqual({ error: refused });
    // The same program with code added in front of it.
    const more = ['--require', '/tmp/x.js', ...ARGS];
    expect(await resolveLaunch(CMD, env, more, async () => bound)).toEqual({ error: refused });
    // The same launch, the reference moved to a variable it was not in.
    expect(await resolveLaunch(CMD, { OTHER: ref(A) }, ARGS, async () => bound)).toEqual({
      error: expect.stringMatching(/^the secret for env OTHER was secured for another launch/),
    });
    // The argument's secret, asked for through an environment variable.
    expect(
      await resolveLaunch(CMD, { API_KEY: ref(A), SMUGGLE: ref(B) }, ARGS, async () => bound),
    ).toEqual({
      error: expect.stringMatching(/^the secret for env SMUGGLE was secured for another/),
    });
  });

  it('an item that names no launch (a plain value) is refused, with the way out', async () => {
    const env = { API_KEY: ref(A) };
    expect(await resolveLaunch(CMD, env, [], async () => reader({ [A]: 'sk-1' }))).toEqual({
      error: expect.stringMatching(/names no launch .*airlock hosts secure --undo/),
    });
  });

  it('a missing item, a keychain that throws, or none at all: an error, never a launch', async () => {
    const env = { API_KEY: ref(A) };
    expect(await resolveLaunch(CMD, env, [], async () => reader({}))).toEqual({
      error: expect.stringMatching(/^the secret for env API_KEY is not in the OS keychain/),
    });
    const locked: SecretReader = {
      get: async () => {
        throw new Error('unlock prompt was dismissed');
      },
    };
    expect(await resolveLaunch(CMD, env, [], async () => locked)).toEqual({
      error: expect.stringMatching(/cannot read the secret for env API_KEY .*dismissed.*unlock/),
    });
    expect(
      await resolveLaunch(CMD, env, [], async () => {
        throw new Error('no binding for this platform');
      }),
    ).toEqual({ error: expect.stringMatching(/^no OS keychain .*no binding/) });
  });
});
