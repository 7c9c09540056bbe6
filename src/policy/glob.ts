// Tool name globs: `*` any run of characters, `?` exactly one; anchored and case-sensitive,
// since tool names are identifiers and `Delete` is not `delete`.

const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  let cached = cache.get(glob);
  if (!cached) {
    let source = '';
    for (const ch of glob) {
      if (ch === '*') source += '[\\s\\S]*';
      else if (ch === '?') source += '[\\s\\S]';
      else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    cached = new RegExp(`^${source}$`, 'u');
    if (cache.size > 1000) cache.clear();
    cache.set(glob, cached);
  }
  return cached;
}

export function globMatch(glob: string, name: string): boolean {
  return globToRegExp(glob).test(name);
}

export function hasWildcard(glob: string): boolean {
  return glob.includes('*') || glob.includes('?');
}

/** How many characters of the glob are literal (a measure of how narrow it is). */
export function literalLength(glob: string): number {
  let count = 0;
  for (const ch of glob) if (ch !== '*' && ch !== '?') count++;
  return count;
}
