// The secret scan skips ahead (it probes one character in 32 for a long token, and finds the
// places a known format may start with a word-boundary search and two literal searches). These tests put
// secrets at every offset a skip could step over, at line and chunk boundaries, and compare
// the scan with a plain reading of its rules on generated text.
import { describe, expect, it } from 'vitest';
import { findSecrets, mask, maskSecrets } from './secrets';
import { seededTexts } from '../testing/seededTexts';

const RANDOM_TOKEN = 'Qz8xLm3PvR7tYw2NbK5cHj9aUe4FgS6d'; // 32 characters, high entropy
const GITHUB_TOKEN = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0'.repeat(2);
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';

const entropyHits = (s: string): string[] =>
  findSecrets(s)
    .filter((h) => h.kind === 'entropy')
    .map((h) => h.masked);

describe('long random-looking tokens at every offset', () => {
  // The probe steps 32 characters at a time: a token may start at any offset from a step.
  const fillers: [string, string][] = [
    ['blank lines', '\n'],
    ['spaces', ' '],
    ['prose', 'lorem ipsum dolor sit amet, '],
    ['non-ASCII', 'Grüße 東京🌍 '],
  ];
  for (const [name, unit] of fillers) {
    it(`is found after ${name}, at offsets 0 to 70`, () => {
      for (let offset = 0; offset <= 70; offset++) {
        const before = unit.repeat(offset).slice(0, offset);
        // A non-token character between the filler and the token keeps the run exactly the token.
        const text = `${before}\n${RANDOM_TOKEN}\n${before}`;
        expect(entropyHits(text), `offset ${offset}`).toEqual([mask(RANDOM_TOKEN)]);
      }
    });
  }

  it('is found when it is the whole text, or ends the text', () => {
    expect(entropyHits(RANDOM_TOKEN)).toEqual([mask(RANDOM_TOKEN)]);
    expect(entropyHits(`${'\n'.repeat(1000)}${RANDOM_TOKEN}`)).toEqual([mask(RANDOM_TOKEN)]);
  });

  it('is not found one character short, at any offset', () => {
    const short = RANDOM_TOKEN.slice(0, 31);
    for (let offset = 0; offset <= 70; offset++)
      expect(entropyHits(`${'\n'.repeat(offset)}${short}\n`), `offset ${offset}`).toEqual([]);
  });

  it('takes the whole run, however far the probe lands inside it', () => {
    // Short words right before the token: the probe lands in a word, and the run after it must
    // still be read from its own start.
    for (let offset = 0; offset <= 40; offset++) {
      const token = `${'x'.repeat(offset)}${RANDOM_TOKEN}`;
      const text = `ab cd ef ${token} gh`;
      expect(entropyHits(text), `offset ${offset}`).toEqual(plainEntropyHit(token));
    }
  });

  it('is masked in place at every offset from a 32-character step', () => {
    for (let offset = 0; offset <= 40; offset++) {
      const text = `${'\n'.repeat(offset)}${RANDOM_TOKEN}\n`;
      expect(maskSecrets(text), `offset ${offset}`).toBe(
        `${'\n'.repeat(offset)}${mask(RANDOM_TOKEN)}\n`,
      );
    }
  });

  it('judges a megabyte-long run by all of it', () => {
    // Random at its start, a megabyte of one letter after: not random as a whole.
    expect(entropyHits(`${RANDOM_TOKEN}${'x'.repeat(1 << 20)}`)).toEqual([]);
    // One letter first, random characters after, long enough to carry the whole run.
    const random = RANDOM_TOKEN.repeat(1 << 15);
    expect(entropyHits(`${'x'.repeat(64)}${random}`)).toEqual([mask(`${'x'.repeat(64)}${random}`)]);
  });
});

describe('known formats at line and chunk boundaries', () => {
  it.each([
    ['right after a line break', `${'\n'.repeat(5000)}${GITHUB_TOKEN}`],
    ['at the very start', `${GITHUB_TOKEN}\n${'\n'.repeat(5000)}`],
    ['between CRLF lines', `a\r\n${GITHUB_TOKEN}\r\nb`],
    ['after a 64 KiB line', `${'y'.repeat(65536)} ${GITHUB_TOKEN}`],
    [
      'after a Slack webhook',
      `https://hooks.slack.com/services/${'T0A1B2C3D'.repeat(3)} ${GITHUB_TOKEN}`,
    ],
    ['after a private key header', `-----BEGIN PRIVATE KEY-----\n${GITHUB_TOKEN}`],
  ])('a GitHub token %s', (_where, text) => {
    expect(findSecrets(text)).toContainEqual(
      expect.objectContaining({
        kind: 'apiKey',
        label: 'GitHub token',
        masked: mask(GITHUB_TOKEN),
      }),
    );
  });

  it('finds each format in text order, word starts and literal starts alike', () => {
    const webhook = `hooks.slack.com/services/${'T0A1B2C3D'.repeat(3)}`;
    const text = `${AWS_KEY} ${webhook} -----BEGIN RSA PRIVATE KEY----- x ${GITHUB_TOKEN} ${AWS_KEY}`;
    expect(findSecrets(text).map((h) => h.label)).toEqual([
      'private key block',
      'AWS access key',
      'AWS access key',
      'GitHub token',
      'Slack webhook',
    ]);
  });

  it('finds a private key block that starts right after a dash of another format', () => {
    // One search over all the starts resumed after "sk-" and missed the block's first dash.
    expect(findSecrets('sk-----BEGIN RSA PRIVATE KEY-----')).toContainEqual(
      expect.objectContaining({ kind: 'privateKey' }),
    );
  });
});

// A plain reading of the long-token rule: maximal runs of the token alphabet, 32 or longer,
// random as a whole unless they read as a path; a path, or a run not random as a whole, is
// read by its '/'-separated segments of 32 or more.
const TOKEN_RUN = /[A-Za-z0-9+/=_-]+/g;
function plainLooksRandom(token: string): boolean {
  const counts = new Map<string, number>();
  for (const ch of token) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const c of counts.values()) bits -= (c / token.length) * Math.log2(c / token.length);
  const digits = token.replace(/[^0-9]/g, '').length;
  return /[a-z]/.test(token) && /[A-Z]/.test(token) && digits >= 3 && bits >= 4.3;
}
function plainReadsAsWord(piece: string): boolean {
  if (/^[0-9]*$/.test(piece)) return true;
  if (piece.length === 1) return false;
  if (/^[a-z0-9]+$/.test(piece)) return true;
  if (/^[A-Z0-9]+$/.test(piece)) return !/[0-9][A-Z]/.test(piece);
  const lower = piece.replace(/[^a-z]/g, '').length;
  const upper = piece.replace(/[^A-Z]/g, '').length;
  return (
    /^[a-z]*(?:[A-Z][a-z](?=[A-Z]))?(?:[A-Z]+[a-z]{2,})+[0-9]*$/.test(piece) && 2 * lower >= upper
  );
}
function plainReadsAsPath(run: string): boolean {
  const separators = run.replace(/[A-Za-z0-9]/g, '').length;
  if (4 * separators >= run.length) return false;
  const pieces = run.split(/[/+=_-]/);
  const wordless = pieces.filter((p) => !plainReadsAsWord(p)).join('').length;
  return wordless < 16;
}
function plainEntropyHit(s: string): string[] {
  for (const m of s.matchAll(TOKEN_RUN)) {
    const run = m[0];
    if (run.length < 32) continue;
    const whole = plainLooksRandom(run);
    if (whole && (!run.includes('/') || !plainReadsAsPath(run))) return [mask(run)];
    if (!run.includes('/')) continue;
    const segment = run.split('/').find((seg) => seg.length >= 32 && plainLooksRandom(seg));
    if (segment) return [mask(segment)];
  }
  return [];
}

describe('the long-token scan agrees with a plain reading of its rule', () => {
  it('on 3,000 generated texts of runs, words, paths, blanks and line breaks', () => {
    const pieces = ['\n', '\r\n', ' ', '\t', 'é', '🌍', '.', ':', '"', 'ab', 'Z9', RANDOM_TOKEN];
    pieces.push(RANDOM_TOKEN.slice(0, 20), RANDOM_TOKEN.slice(7), 'x'.repeat(33), '+/=_-');
    // Path pieces: names that read as words, random suffixes, lone letters and separators.
    pieces.push('/', '/', '-', '_', 'JaneDoe', 'XMLHttpRequest', 'Q32R6w', 'src', 'T', 'WIN32');
    pieces.push('5D1WDE', 'MyApp', 'Year2024', 'iPad', RANDOM_TOKEN.slice(3, 9));
    for (const text of seededTexts(pieces, 3000, 40, 42))
      expect(entropyHits(text), JSON.stringify(text)).toEqual(plainEntropyHit(text));
  });

  it('on 3,000 generated paths of names, random suffixes and separators', () => {
    // Short texts, so that runs land on both sides of the path budget and the slash density.
    const pieces = ['/', '/', '/', '-', '_', '+', '.', ' ', 'JaneDoe', 'XMLHttpRequest', 'src'];
    pieces.push('Q32R6w', 'T', 'WIN32', '5D1WDE', 'MyApp', 'Year2024', 'iPad', 'a1', 'utf8');
    pieces.push(RANDOM_TOKEN.slice(0, 6), RANDOM_TOKEN.slice(10, 17), 'Xy9Q2a', 'home');
    pieces.push('node_modules', 'AppData', 'Local', 'ab12cd34ef', 'README', 'KLMNPQRxy', 'IOError');
    for (const text of seededTexts(pieces, 3000, 14, 7))
      expect(entropyHits(text), JSON.stringify(text)).toEqual(plainEntropyHit(text));
  });
});
