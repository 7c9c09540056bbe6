// Keychain references in a server's launch (its env values and arguments, as `airlock hosts
// secure` wrote them) are resolved here, at spawn, into the environment and argv the server gets.
// Nothing else sees the values: the gate is told the launch as written (references), and a
// reference that cannot be resolved stops the start, never starts the server without its key.
// An item names the launches it was moved out of (keychainItem.ts): any other launch that carries
// the reference (another command, changed arguments, another variable) is refused the same way.
import { launchMatches, openItem } from '../hosts/keychainItem';
import { hasKeychainRef, keychainRefs, replaceRefs } from '../hosts/keychainRef';

export interface SecretReader {
  get(id: string): Promise<string | null>;
}

export interface Launch {
  env: NodeJS.ProcessEnv;
  args: string[];
}

/** Where each reference sits: `env API_KEY`, `argument 3` (every site, in this order). */
export function refSites(env: NodeJS.ProcessEnv, args: readonly string[]): Map<string, string[]> {
  const sites = new Map<string, string[]>();
  const add = (id: string, site: string) => sites.set(id, [...(sites.get(id) ?? []), site]);
  for (const [name, value] of Object.entries(env))
    if (value !== undefined) for (const id of keychainRefs(value)) add(id, `env ${name}`);
  args.forEach((a, i) => {
    for (const id of keychainRefs(a)) add(id, `argument ${i + 1}`);
  });
  return sites;
}

export function launchHasRefs(env: NodeJS.ProcessEnv, args: readonly string[]): boolean {
  return (
    args.some(hasKeychainRef) ||
    Object.values(env).some((v) => v !== undefined && hasKeychainRef(v))
  );
}

/**
 * The launch with every reference replaced by its keychain value, or the reason it cannot start.
 * `open` loads the keychain; it is called only when there is a reference to resolve.
 */
export async function resolveLaunch(
  command: string,
  env: NodeJS.ProcessEnv,
  args: readonly string[],
  open: () => Promise<SecretReader>,
): Promise<Launch | { error: string }> {
  const sites = refSites(env, args);
  if (sites.size === 0) return { env, args: [...args] };
  let store: SecretReader;
  try {
    store = await open();
  } catch (e) {
    return { error: `no OS keychain to read its secrets from: ${(e as Error).message}` };
  }
  const values = new Map<string, string>();
  for (const [id, where] of sites) {
    const site = where[0]!;
    let value: string | null;
    try {
      value = await store.get(id);
    } catch (e) {
      return {
        error: `cannot read the secret for ${site} from the OS keychain (${(e as Error).message}); unlock the keychain, then restart the server`,
      };
    }
    if (value === null)
      return {
        error: `the secret for ${site} is not in the OS keychain (item ${id} is missing, or no keychain is reachable)`,
      };
    const item = openItem(value);
    if (!item)
      return {
        error: `the keychain item for ${site} names no launch it belongs to (stored by hand or by an earlier Airlock); run \`airlock hosts secure --undo\` for this server, then secure it again`,
      };
    const envSites = where.filter((w) => w.startsWith('env ')).map((w) => w.slice(4));
    if (!launchMatches(item, command, args, envSites))
      return {
        error: `the secret for ${site} was secured for another launch (the command, its arguments or the variable changed since \`airlock hosts secure\`); if the change is yours, run \`airlock hosts secure --undo\` for this server and secure it again`,
      };
    values.set(id, item.value);
  }
  const fill = (s: string) => replaceRefs(s, (id) => values.get(id)!);
  const outEnv: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env))
    outEnv[name] = value === undefined ? value : fill(value);
  return { env: outEnv, args: args.map(fill) };
}
