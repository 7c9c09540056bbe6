// Test support: a real Secret Service for the keychain tests. A private D-Bus session bus and a
// gnome-keyring-daemon on it, with a keyring unlocked by a throwaway password, both in a temporary
// folder; DBUS_SESSION_BUS_ADDRESS (and XDG_*) point this test process and its children at them.
// Where the binaries are absent, `start` says why and the suite skips.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { openKeychain } from './keychain';

function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((d) => existsSync(join(d, bin)));
}

/** Why the real Secret Service cannot run here, or undefined when it can. */
export function secretServiceMissing(): string | undefined {
  if (process.platform !== 'linux') return 'the Secret Service tests run on Linux only';
  const missing = ['dbus-daemon', 'gnome-keyring-daemon'].filter((b) => !onPath(b));
  return missing.length
    ? `${missing.join(' and ')} not installed (apt-get install gnome-keyring dbus)`
    : undefined;
}

export interface SecretService {
  /** Environment the session's clients need (already set on this process). */
  env: Record<string, string>;
  /** Locks the keyring: reading an item then fails as it does on a locked desktop. */
  lock(): void;
  stop(): Promise<void>;
}

export async function startSecretService(): Promise<SecretService> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-keyring-'));
  const run = join(dir, 'run');
  mkdirSync(run, { mode: 0o700 });
  const env = {
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'bus')}`,
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_RUNTIME_DIR: run,
  };
  const children: ChildProcess[] = [];
  // No display for what the bus starts on demand: an unlock prompt (gcr-prompter) then fails at
  // once, as on a headless machine, instead of waiting for a click under a virtual X server.
  const { DISPLAY: _d, WAYLAND_DISPLAY: _w, ...headless } = process.env;
  const bus = spawn(
    'dbus-daemon',
    ['--session', '--nofork', `--address=${env.DBUS_SESSION_BUS_ADDRESS}`, '--print-address=1'],
    { stdio: ['ignore', 'pipe', 'ignore'], env: headless },
  );
  children.push(bus);
  // The bus is up once it prints its address.
  await new Promise<void>((resolve, reject) => {
    bus.once('error', reject);
    bus.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code})`)));
    bus.stdout!.once('data', () => resolve());
  });
  Object.assign(process.env, env);
  const keyring = spawn(
    'gnome-keyring-daemon',
    ['--foreground', '--unlock', '--components=secrets'],
    { stdio: ['pipe', 'ignore', 'ignore'], env: { ...headless, ...env } },
  );
  children.push(keyring);
  keyring.stdin!.end('throwaway-test-password');
  const stop = async (): Promise<void> => {
    for (const c of children.reverse()) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await gone;
    }
  };
  // Ready once our daemon owns the Secret Service name. Asked without activating it: a client
  // call before that would make the bus start a second, locked daemon from its service file.
  const owned = (): boolean =>
    /boolean true/.test(
      spawnSync(
        'dbus-send',
        [
          '--session',
          '--dest=org.freedesktop.DBus',
          '--print-reply',
          '/org/freedesktop/DBus',
          'org.freedesktop.DBus.NameHasOwner',
          'string:org.freedesktop.secrets',
        ],
        { env: { ...headless, ...env }, encoding: 'utf8' },
      ).stdout ?? '',
    );
  for (let tries = 0; !owned(); tries++) {
    if (keyring.exitCode !== null || tries > 1000) {
      await stop();
      throw new Error('gnome-keyring-daemon did not take the Secret Service name');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  // The name is ours now; the unlocked login keyring may still be a moment behind it.
  const store = await openKeychain();
  for (let tries = 0; ; tries++) {
    try {
      await store.set('readiness-probe', 'x');
      if ((await store.get('readiness-probe')) === 'x') break;
    } catch (e) {
      if (tries > 200) {
        await stop();
        throw new Error(`the Secret Service does not work: ${(e as Error).message}`, { cause: e });
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await store.delete('readiness-probe');
  return {
    env,
    lock: () => {
      const r = spawnSync(
        'dbus-send',
        [
          '--session',
          '--dest=org.freedesktop.secrets',
          '--print-reply',
          '/org/freedesktop/secrets',
          'org.freedesktop.Secret.Service.Lock',
          'array:objpath:/org/freedesktop/secrets/collection/login',
        ],
        { env: { ...process.env, ...env }, encoding: 'utf8' },
      );
      if (r.status !== 0) throw new Error(`could not lock the keyring: ${r.stderr}`);
    },
    stop,
  };
}
