// File paths are runs of base64-like characters ('/', '-' and '_' included), and a short run
// with many distinct characters has a high entropy: about 1 in 70 temp paths such as
// /tmp/airlock-project-Q32R6w/notes.txt read as a long random string, and every macOS temp
// path did. These tests generate ordinary paths and random secrets with fixed seeds: no path
// may read as a secret, and no secret may hide in a path.
import { describe, expect, it } from 'vitest';
import {
  PATH_FAMILIES,
  SECRET_FAMILIES,
  SECRET_PLACES,
  randomOf,
  seeded,
} from '../testing/pathSamples';
import { findSecrets, mask, maskSecrets } from './secrets';

const PATHS_PER_FAMILY = 10_000;
const SECRETS_PER_FAMILY = 2_000;

const entropyHits = (s: string): string[] =>
  findSecrets(s)
    .filter((h) => h.kind === 'entropy')
    .map((h) => h.masked);

describe('ordinary paths do not read as secrets', () => {
  for (const [family, make] of Object.entries(PATH_FAMILIES)) {
    it(`${PATHS_PER_FAMILY} ${family}`, () => {
      const next = seeded(20261202);
      const flagged: string[] = [];
      for (let i = 0; i < PATHS_PER_FAMILY; i++) {
        const path = make(next);
        if (findSecrets(path).length > 0) flagged.push(path);
      }
      expect(flagged.slice(0, 5)).toEqual([]);
    });
  }

  it.each([
    '/tmp/airlock-project-Q32R6w/notes.txt',
    '/var/folders/3l/6jw7qx0d0zn3_8kdkd0hdf_h0000gn/T/airlock-Xy9Q2a/notes.txt',
    'C:/Users/JaneDoe/AppData/Local/Temp/vitest-5D1WDE/MyApp/src/main.ts',
    '/home/jane/src/XMLHttpRequest/utf8Decoder/Year2024/iOS/README',
    '/home/Jane/XMLHttp/Win32/Year2024/quickBrownFox/jumpsOver/lazyDog'.repeat(3),
    '/nix/store/8b3sq5k2m4a0c7xz8c4c0nxhv1q5hb7y-nodejs-20/bin/node',
  ])('%s', (path) => {
    expect(findSecrets(path)).toEqual([]);
    expect(maskSecrets(path)).toBe(path);
  });
});

describe('secrets in and as paths are still found', () => {
  const token = 'Qz8xLm3PvR7tYw2NbK5cHj9aUe4FgS6d'; // 32 characters, high entropy
  const github = `ghp_${'A1b2C3d4E5f6G7h8I9j0'.repeat(2).slice(0, 36)}`;

  it('a key that is one segment of a path or of a URL', () => {
    expect(findSecrets(`/home/u/${github}/x`).map((h) => h.label)).toEqual(['GitHub token']);
    // Random as a whole and not a path: the run is the token, as it always was.
    expect(entropyHits(`/home/u/${token}/x`)).toEqual([mask(`/home/u/${token}/x`)]);
    const forty = `${token}Ab3dE9fG`;
    // The run starts after the host's last dot.
    expect(entropyHits(`https://host.example/api/${forty}`)).toEqual([
      mask(`example/api/${forty}`),
    ]);
    // A long path of names, not random as a whole: the key is found as its segment.
    const long = '/home/jane/projects/backend'.repeat(10);
    expect(entropyHits(`${long}/${token}/notes`)).toEqual([mask(token)]);
    expect(maskSecrets(`${long}/${token}/notes.txt`)).toBe(`${long}/${mask(token)}/notes.txt`);
  });

  it.each([
    // Base64 keys whose '/' and '+' cut them into pieces that, one by one, look like names.
    'R1YnbyrhaWOZwdnD/hbFOK2EqqLdXTwM/E8/+tM6',
    'ZnoSLeca5EfvudmY4JRCN9GPDT/l3BvwFVljKs1Q',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCY3XAMP1EK2Y',
  ])('a base64 key with slashes in it: %s', (key) => {
    expect(entropyHits(key)).toEqual([mask(key)]);
    expect(entropyHits(`/srv/keys/${key}/current`)).toHaveLength(1);
  });

  it('a key cut by slashes to pass as a path', () => {
    const cut = (step: number): string => token.match(new RegExp(`.{1,${step}}`, 'g'))!.join('/');
    for (let step = 3; step <= 8; step++)
      expect(entropyHits(`/home/u/${cut(step)}/x`), `every ${step}`).toHaveLength(1);
  });

  it('an AWS secret access key in an assignment, whatever its digits', () => {
    // The documentation's example key has one digit: too few to read as random on its own.
    const example = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    expect(entropyHits(example)).toEqual([]);
    expect(findSecrets(`aws_secret_access_key = ${example}`).map((h) => h.label)).toEqual([
      'password or key assignment',
    ]);
  });

  // Generated secrets: each one found alone is found as a path segment and in a URL; cut by a
  // slash every 4 to 8 characters, at most 1 in 100 more escapes than alone.
  for (const [family, make] of Object.entries(SECRET_FAMILIES)) {
    it(`${SECRETS_PER_FAMILY} generated secrets: ${family}`, () => {
      const next = seeded(1202);
      let alone = 0;
      let cut = 0;
      const missed: string[] = [];
      for (let i = 0; i < SECRETS_PER_FAMILY; i++) {
        const secret = make(next);
        const cutText = SECRET_PLACES['cut by a slash every 4 to 8 characters']!(secret, next);
        if (entropyHits(cutText).length > 0) cut++;
        if (entropyHits(secret).length === 0) continue;
        alone++;
        for (const place of ['a path segment', 'a URL path segment']) {
          const text = SECRET_PLACES[place]!(secret, next);
          if (entropyHits(text).length === 0) missed.push(text);
        }
      }
      expect(missed).toEqual([]);
      expect(alone).toBeGreaterThan(SECRETS_PER_FAMILY * 0.95);
      expect(alone - cut).toBeLessThanOrEqual(SECRETS_PER_FAMILY / 100);
    });
  }

  it('a megabyte of path is read in one pass, and a key at its end is found', () => {
    const path = '/home/jane/Projects/MyApp/src/components'.repeat(1 << 15);
    const key = randomOf(
      seeded(5),
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
      40,
    );
    expect(findSecrets(path)).toEqual([]);
    expect(entropyHits(`${path}/${key}/x`)).toEqual(entropyHits(key));
  });
});
