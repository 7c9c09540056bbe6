// The reference `airlock hosts secure` leaves in a host config where a secret was: a fixed prefix
// and 32 hex digits naming one item in the OS keychain. It means nothing to the host or to the
// server; only the shim resolves it, at launch. Pure and dependency-free: the shim imports it on
// every start.

export const KEYCHAIN_REF_PREFIX = 'airlock-keychain:';
/** The keychain service every Airlock item is stored under (the account is the reference's id). */
export const KEYCHAIN_SERVICE = 'Airlock';

const REF_SOURCE = `${KEYCHAIN_REF_PREFIX}([0-9a-f]{32})`;

/** Fixed length and alphabet: a reference ends where its 32 digits end, inside any string. */
export function keychainRefs(s: string): string[] {
  return [...s.matchAll(new RegExp(REF_SOURCE, 'g'))].map((m) => m[1]!);
}

export function hasKeychainRef(s: string): boolean {
  return new RegExp(REF_SOURCE).test(s);
}

export function refText(id: string): string {
  return `${KEYCHAIN_REF_PREFIX}${id}`;
}

/** `s` with every reference replaced by what `value(id)` gives. */
export function replaceRefs(s: string, value: (id: string) => string): string {
  return s.replace(new RegExp(REF_SOURCE, 'g'), (_m, id: string) => value(id));
}

/** For grading and scanning: a reference reads as an environment lookup, never as a secret. */
export function neutraliseRefs(s: string): string {
  return replaceRefs(s, () => '$AIRLOCK_KEYCHAIN');
}
