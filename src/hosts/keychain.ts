// The OS keychain (macOS Keychain, Windows Credential Manager, the Secret Service on Linux)
// through @napi-rs/keyring. The native module is loaded on first use only: `hosts scan`, the app's
// start and a shim whose server has no keychain reference never load it.
import { KEYCHAIN_SERVICE } from './keychainRef';

export interface SecretStore {
  /** The stored value, or null when there is no such item. Throws when the keychain cannot be read (locked, unreachable). */
  get(id: string): Promise<string | null>;
  set(id: string, value: string): Promise<void>;
  /** True when an item was deleted, false when there was none. */
  delete(id: string): Promise<boolean>;
}

/** Loads the native binding; throws a readable error when it is absent for this platform. */
export async function openKeychain(): Promise<SecretStore> {
  let mod: typeof import('@napi-rs/keyring');
  try {
    mod = await import('@napi-rs/keyring');
  } catch (e) {
    throw new Error(`the OS keychain module could not be loaded (${(e as Error).message})`, {
      cause: e,
    });
  }
  const entry = (id: string) => new mod.AsyncEntry(KEYCHAIN_SERVICE, id);
  return {
    get: (id) => entry(id).getPassword(),
    set: (id, value) => entry(id).setPassword(value),
    delete: (id) => entry(id).deleteCredential(),
  };
}
