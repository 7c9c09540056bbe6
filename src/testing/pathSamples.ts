// Seeded generators of ordinary file paths and of random secrets, for the secret scan's
// property tests: the same seed gives the same samples on every machine and every run.

export type Next = (below: number) => number;

/** A small linear congruential generator: enough spread for samples, and reproducible. */
export function seeded(seed: number): Next {
  let x = seed >>> 0;
  return (below) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return Math.floor((x / 2 ** 32) * below);
  };
}

const pick = <T>(next: Next, items: readonly T[]): T => items[next(items.length)] as T;

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const BASE64 = `${ALNUM}+/`;
const BASE64URL = `${ALNUM}-_`;

export const randomOf = (next: Next, alphabet: string, length: number): string =>
  Array.from({ length }, () => alphabet[next(alphabet.length)]).join('');

// Directory and file names people and tools use: words, camelCase, kebab and snake case.
const DIRS = [
  'src',
  'lib',
  'dist',
  'build',
  'components',
  'utils',
  'Projects',
  'Documents',
  'Desktop',
  'Downloads',
  'project',
  'notes',
  'data',
  'config',
  'test',
  'tests',
  'fixtures',
  'my-app',
  'MyApp',
  'api-server',
  'web_client',
  'packages',
  'services',
  'internal',
  'cmd',
  'scripts',
  'assets',
  'public',
  'workspace',
  'repos',
  'github',
  'code',
  'dev',
  'tmp',
  'cache',
  'v2',
  'backend',
  'frontend',
  'XMLHttpRequest',
  'iOS',
  'Android',
  'go',
  'pkg',
  'mod',
  'target',
  'debug',
  'release',
  'win32',
  'x64',
  'arm64',
  'Year2024',
  'Q3-reports',
  'client_secrets_v1',
];
const FILES = ['notes', 'index', 'README', 'main', 'Button', 'package', 'config', 'data'];
const EXTS = ['.txt', '.ts', '.tsx', '.md', '.json', '.js', '.py', ''];
const FIRST = ['jane', 'john', 'alex', 'maria', 'wei', 'sam', 'Jane', 'JohnDoe', 'JaneSmith'];
const PREFIXES = ['airlock-project-', 'airlock-', 'vitest-', 'tmp-', 'npm-', 'jest_', 'pytest-'];
const PACKAGES = ['typescript', 'react-dom', 'better-sqlite3', 'zod', 'electron', 'vitest'];

/** mkdtemp's suffix: six characters of letters and digits. */
const tempName = (next: Next): string => `${pick(next, PREFIXES)}${randomOf(next, ALNUM, 6)}`;

const dirs = (next: Next, most: number): string[] =>
  Array.from({ length: next(most + 1) }, () => pick(next, DIRS));

const file = (next: Next): string => `${pick(next, FILES)}${pick(next, EXTS)}`;

const home = (next: Next): string => pick(next, FIRST);

/** Ordinary paths by family; each family is a generator of one path. */
export const PATH_FAMILIES: Record<string, (next: Next) => string> = {
  'temp dirs': (next) =>
    [
      '/tmp',
      ...Array.from({ length: 1 + next(2) }, () => tempName(next)),
      ...dirs(next, 2),
      file(next),
    ].join('/'),
  'macOS temp dirs': (next) =>
    [
      '/var/folders',
      randomOf(next, LOWER_ALNUM, 2),
      `${randomOf(next, `${LOWER_ALNUM}_`, 28)}0000gn`,
      'T',
      tempName(next),
      file(next),
    ].join('/'),
  'home paths': (next) =>
    [next(2) ? '/home' : '/Users', home(next), ...dirs(next, 6), file(next)].join('/'),
  'node_modules paths': (next) =>
    [
      '/home',
      home(next),
      ...dirs(next, 2),
      'node_modules',
      ...(next(3) === 0 ? ['@types'] : []),
      pick(next, PACKAGES),
      ...dirs(next, 3),
      file(next),
    ].join('/'),
  'Windows paths': (next) =>
    [
      'C:',
      'Users',
      home(next),
      'AppData',
      pick(next, ['Local', 'Roaming']),
      'Temp',
      tempName(next),
      ...dirs(next, 2),
      file(next),
    ].join(pick(next, ['\\', '/'])),
};

/** Random secrets, alone, as tokens made of the alphabets keys are written in. */
export const SECRET_FAMILIES: Record<string, (next: Next) => string> = {
  'base64, 32 to 64 characters': (next) => randomOf(next, BASE64, 32 + next(33)),
  'base64url, 32 to 64 characters': (next) => randomOf(next, BASE64URL, 32 + next(33)),
  'AWS secret access key (40 base64)': (next) => randomOf(next, BASE64, 40),
  'letters and digits, 40': (next) => randomOf(next, ALNUM, 40),
};

/** Where a secret sits: alone, as a path segment, in a URL, or cut by slashes to pass as a path. */
export const SECRET_PLACES: Record<string, (secret: string, next: Next) => string> = {
  alone: (secret) => secret,
  'a path segment': (secret) => `/home/u/${secret}/x`,
  'a URL path segment': (secret) => `https://host.example/api/${secret}`,
  'cut by a slash every 4 to 8 characters': (secret, next) => {
    const step = 4 + next(5);
    const parts: string[] = [];
    for (let at = 0; at < secret.length; at += step) parts.push(secret.slice(at, at + step));
    return `/home/u/${parts.join('/')}/x`;
  },
  'cut where the case changes': (secret) =>
    `/srv/${secret.replace(/(?<=[a-z0-9])(?=[A-Z])|(?<=[0-9])(?=[a-z])|(?<=[A-Za-z])(?=[0-9])/g, '/')}`,
};
