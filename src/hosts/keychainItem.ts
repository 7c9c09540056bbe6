// What `airlock hosts secure` stores in a keychain item: the secret and the launches it was
// moved out of. The shim hands a secret only to a launch the item names (the same command, the
// same arguments as written, the reference in the same environment variable), so a config entry
// that borrows a reference (another command, an added `--require`, a script swapped in) gets
// nothing: whoever can edit a host's config file cannot turn the shim into a way of reading the
// keychain. Pure and dependency-free: the shim imports it on every start with a reference.

/** One launch a secret was moved out of, as the shim will see it (references, not values). */
export interface BoundLaunch {
  command: string;
  args: string[];
  /** Environment variables that held the secret (`API_KEY`), where the shim may put it back. */
  env: string[];
}

export interface KeychainItem {
  value: string;
  launches: BoundLaunch[];
}

const FORMAT = 'airlock-keychain-item/1';

export function sealItem(item: KeychainItem): string {
  return JSON.stringify({ format: FORMAT, value: item.value, launches: item.launches });
}

const isStrings = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The item, or null when the text is not one (a plain value stored by hand or by an earlier Airlock). */
export function openItem(text: string): KeychainItem | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if (o.format !== FORMAT || typeof o.value !== 'string' || !Array.isArray(o.launches)) return null;
  const launches: BoundLaunch[] = [];
  for (const l of o.launches as unknown[]) {
    if (!l || typeof l !== 'object') return null;
    const { command, args, env } = l as Record<string, unknown>;
    if (typeof command !== 'string' || !isStrings(args) || !isStrings(env)) return null;
    launches.push({ command, args, env });
  }
  return { value: o.value, launches };
}

/** What the item holds for undo: the secret, whether or not it is bound. */
export function itemValue(text: string): string {
  return openItem(text)?.value ?? text;
}

/**
 * Whether this launch may have the secret: one of the item's launches has exactly this command
 * and these arguments, and names every environment variable the reference sits in.
 */
export function launchMatches(
  item: KeychainItem,
  command: string,
  args: readonly string[],
  envSites: readonly string[],
): boolean {
  return item.launches.some(
    (l) =>
      l.command === command &&
      l.args.length === args.length &&
      l.args.every((a, i) => a === args[i]) &&
      envSites.every((name) => l.env.includes(name)),
  );
}
