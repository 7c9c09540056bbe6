// Secrets never leave through Airlock's own output. `hosts scan` (text and JSON) and the
// `--dry-run` diffs show a config's shape, never its credentials: env and header values, the
// password of a connection string, a token after a flag, a key-shaped value anywhere.
import { SECRET_FLAG, SECRET_VALUE } from './posture';

export const MASK = '…';

const SECRET_VALUE_GLOBAL = new RegExp(SECRET_VALUE.source, 'g');

/** Masks what looks secret inside one free-form string (an argument, a URL, a diff line). */
export function maskText(s: string): string {
  return (
    s
      // scheme://user:password@host → scheme://user:…@host
      .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@'"]*:)[^/\s@'"]+@/gi, `$1${MASK}@`)
      // Key-shaped values keep their first four characters, so the user can still tell which.
      .replace(
        SECRET_VALUE_GLOBAL,
        (m, lead: string, key: string) => `${lead}${key.slice(0, 4)}${MASK}`,
      )
      .replace(/(\bBearer\s+)[^\s"'$,]{4,}/gi, `$1${MASK}`)
      .replace(
        /((?:^|[\s"'[,])--?(?:token|api[-_]?key|apikey|password|passwd|secret|access[-_]?token|auth[-_]?token|key)=)[^\s"',\]$][^\s"',\]]*/gi,
        `$1${MASK}`,
      )
      .replace(
        /([?&](?:api[_-]?key|key|token|access_token|auth|secret|password)=)[^&\s"'#]+/gi,
        `$1${MASK}`,
      )
  );
}

/** Masks an argument list; the value after a secret-named flag (`--token abc`) is hidden whole. */
export function maskArgs(args: readonly string[]): string[] {
  return args.map((a, i) =>
    i > 0 && SECRET_FLAG.test(args[i - 1] ?? '') && !a.startsWith('-') ? MASK : maskText(a),
  );
}

/** Every value of an env/headers map hidden, names kept. */
export function maskMap(m: Record<string, string> | undefined): Record<string, string> | undefined {
  return m && Object.fromEntries(Object.keys(m).map((k) => [k, MASK]));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Masks a config-file excerpt (a diff): every value of the given env/header key names, written as
 * JSON (`"KEY": "v"`), TOML (`KEY = "v"`) or YAML (`KEY: v`), and whatever maskText catches.
 */
export function maskConfigText(text: string, secretKeys: Iterable<string>): string {
  let out = text;
  for (const key of new Set(secretKeys)) {
    const k = escapeRegExp(key);
    out = out.replace(
      new RegExp(
        `((?:^|[\\s{,])["']?${k}["']?\\s*[:=]\\s*)("(?:[^"\\\\\\n]|\\\\.)*"|'[^'\\n]*'|[^\\s,}#\\n][^,}#\\n]*)`,
        'gm',
      ),
      (_m, head: string, value: string) =>
        head + (value.startsWith('"') ? `"${MASK}"` : value.startsWith("'") ? `'${MASK}'` : MASK),
    );
  }
  return out
    .split('\n')
    .map((l) => maskText(l))
    .join('\n');
}
