// parseUrl reads the common link itself (parsePlainAuthority) and asks the WHATWG parser for the
// rest; here the answer is held against the parser's own reading of the whole link, over hosts
// made to sit on the border of that fast path.
import { describe, expect, it } from 'vitest';
import { findUrls, linkFact, parseUrl } from './urls';

/** What the URL parser makes of the whole link (null: not a network link). */
function asTheParserReadsIt(raw: string) {
  try {
    return linkFact(new URL(raw), raw);
  } catch {
    return null;
  }
}

/** A deterministic generator, so a failure names a link that fails again. */
function generator(seed: number) {
  let x = seed;
  const next = (n: number) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 16) % n;
  };
  return <T>(items: readonly T[]): T => items[next(items.length)] as T;
}

const SCHEMES = ['http', 'https', 'HTTPS', 'Ws', 'wss', 'ftp', 'file', 'foo', 'httpx'];
const SEPARATORS = ['://', ':///', '://\\', '://///', ':', ':/', ':\\', ':\\\\', ':\\/'];
// Pieces of a host: plain characters, and the ones that send a link to the parser.
const PIECES = [
  ...'abcxyzAZ0189.-',
  '.',
  '..',
  'xn--',
  'XN--',
  'xn--pple-43d',
  '0x',
  '0x7f',
  '1e',
  '09',
  '255',
  '_',
  '%41',
  '@',
  ':',
  ':80',
  ':99999',
  'ß',
  'а',
  '[::1]',
  'localhost',
  'metadata.google.internal',
  '169.254.169.254',
];
const ENDINGS = ['', '/', '/p?q=1', '?q', '#f', '\\x'];

describe('parseUrl', () => {
  it('reads every generated link as the URL parser does', () => {
    const pick = generator(20261203);
    const seen = new Set<string>();
    let links = 0;
    for (let i = 0; i < 20_000; i++) {
      let host = '';
      const pieces = pick([0, 1, 2, 3, 4, 5, 6, 8]);
      for (let p = 0; p < pieces; p++) host += pick(PIECES);
      const raw = `${pick(SCHEMES)}${pick(SEPARATORS)}${host}${pick(ENDINGS)}`;
      if (seen.has(raw)) continue;
      seen.add(raw);
      const fact = parseUrl(raw);
      expect({ raw, fact }).toEqual({ raw, fact: asTheParserReadsIt(raw) });
      if (fact) links++;
    }
    // Many links of both kinds: network links with a host, and text that is none.
    expect(seen.size).toBeGreaterThan(10_000);
    expect(links).toBeGreaterThan(seen.size / 4);
    expect(links).toBeLessThan((seen.size * 3) / 4);
  });

  it('reads a Latin-1 host after the parser has run hot', () => {
    // Node 20's URL.canParse, once optimised, read a flat Latin-1 string as UTF-8 and refused it
    // (a link with no path is parsed as it stands, not sliced).
    for (let i = 0; i < 50_000; i++) parseUrl(`https://host${i}.example:8080/`);
    expect(parseUrl('https://päypal.example')?.host).toBe('xn--pypal-gra.example');
  });

  it.each([
    // A third slash is still a link to the host after it.
    ['https:///evil.example/x', 'evil.example'],
    ['HTTP://Docs.Example.COM./guide', 'docs.example.com'],
    ['http://a.1e', 'a.1e'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://2130706433', '127.0.0.1'],
    ['https://user@example.com', 'example.com'],
  ])('%s → %s', (raw, host) => {
    expect(parseUrl(raw)?.host).toBe(host);
  });

  it.each([
    // Slashes are optional after a network scheme, and backslashes count as slashes: what fetch
    // in Node and every browser open.
    ['fetch http:169.254.169.254/latest/meta-data now', '169.254.169.254', 'metadata'],
    ['see https:evil.example/x?d=1.', 'evil.example', 'domain'],
    ['see https:\\\\evil.example\\x', 'evil.example', 'domain'],
    ['see HTTPS:/Evil.Example.', 'evil.example', 'domain'],
    ['git+https://evil.example/repo.git', 'evil.example', 'domain'],
  ])('finds the link in %s', (text, host, kind) => {
    expect(findUrls(text).map((u) => [u.host, u.kind])).toEqual([[host, kind]]);
  });

  it.each([
    ['http://169.254.1\n69.254/latest/meta-data', '169.254.169.254'],
    ['  https://ev\til.example/x?d=1\n', 'evil.example'],
  ])('reads a value that is one link whole, tabs and newlines dropped: %j', (text, host) => {
    expect(findUrls(text).map((u) => u.host)).toContain(host);
  });

  it('ends a link in running text at a line break', () => {
    expect(findUrls('see https://a.example\nNext line').map((u) => u.host)).toEqual(['a.example']);
  });

  it.each(['the ws: flag', 'ftp: none', 'xhttps://evil.example', 'news://x', 'a https:'])(
    'finds no link in %s',
    (text) => {
      expect(findUrls(text)).toEqual([]);
    },
  );

  it.each(['http://a.09', 'http://xn--a.com', 'http://a.com:99999', 'https://', 'foo://a.com'])(
    '%s is no network link',
    (raw) => {
      expect(parseUrl(raw)).toBeNull();
    },
  );
});
