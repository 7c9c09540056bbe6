import { domainToASCII, domainToUnicode } from 'node:url';

export type HostKind = 'domain' | 'ip' | 'private' | 'loopback' | 'metadata';

export interface UrlFact {
  url: string;
  protocol: string;
  /** As the URL parser stores it: lower case, punycode (`xn--…`), IPv6 in brackets. */
  host: string;
  /** The same host as a person would read it (punycode decoded). */
  unicodeHost: string;
  kind: HostKind;
  punycode: boolean;
  hasCredentials: boolean;
}

export interface EmailFact {
  address: string;
  domain: string;
  unicodeDomain: string;
  punycode: boolean;
}

const METADATA_HOSTS = new Set([
  '169.254.169.254',
  'metadata.google.internal',
  '100.100.100.200',
  '[fd00:ec2::254]',
]);

function ipv4Kind(host: string): HostKind | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (!m) return null;
  const [a, b] = [Number(m[1]), Number(m[2])];
  if (a === 127 || a === 0) return 'loopback';
  if (
    a === 10 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254)
  ) {
    return 'private';
  }
  if (a === 100 && b >= 64 && b <= 127) return 'private';
  return 'ip';
}

export function hostKind(host: string): HostKind {
  if (METADATA_HOSTS.has(host)) return 'metadata';
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  const v4 = ipv4Kind(host);
  if (v4) return v4;
  if (host.startsWith('[')) {
    const inner = host.slice(1, -1);
    if (inner === '::1' || inner === '::') return 'loopback';
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(inner);
    if (mapped) return ipv4Kind(mapped[1] as string) ?? 'ip';
    if (/^f[cd]/.test(inner) || /^fe[89ab]/.test(inner)) return 'private';
    return 'ip';
  }
  return 'domain';
}

// A network link as the WHATWG parser reads one (fetch, browsers): its scheme in any case, a
// colon, then the rest. Slashes are optional and backslashes count as slashes, so
// `https:evil.example`, `https:\\evil.example` and `https:///evil.example` all reach
// evil.example, and a backslash does not end a link. Links of other schemes are never graded, so
// they are not looked for. The body is read in bounded steps: a regex never runs over a megabyte
// URL. (The search costs about half a millisecond per megabyte of text.)
const URL_RE = /\b(?:https?|wss?|ftp):[^\s"'<>`]{1,4096}/gi;

/** Characters that end a URL in running text (the complement of the body's class above). */
const URL_END = /[\s"'<>`]/g;

const TRAILING_PUNCTUATION = new Set([...'.,;:!?)]}'].map((c) => c.charCodeAt(0)));

/** The end of a URL that runs on past the regex's bound: one native search, however long. */
function urlEnd(text: string, from: number): number {
  URL_END.lastIndex = from;
  const end = URL_END.exec(text);
  return end ? end.index : text.length;
}

/** Network URLs in a text (http, https, ws, wss, ftp), parsed as the WHATWG parser sees them. */
export function findUrls(text: string): UrlFact[] {
  const facts: UrlFact[] = [];
  URL_RE.lastIndex = 0;
  for (let match = URL_RE.exec(text); match; match = URL_RE.exec(text)) {
    const start = match.index;
    let end = start + match[0].length;
    // Past the bound, the URL runs on to the next character that ends it.
    if (end < text.length) end = urlEnd(text, end);
    URL_RE.lastIndex = end;
    let cut = end;
    while (cut > start && TRAILING_PUNCTUATION.has(text.charCodeAt(cut - 1))) cut--;
    const fact = parseUrl(text.slice(start, cut));
    if (fact) facts.push(fact);
  }
  // A text that is one link (a fetch tool's `url`) is also read whole, as the URL parser reads
  // it: it drops tabs and newlines anywhere, so `http://169.254.1\n69.254/` is the metadata
  // service to whatever fetches it. (In running text a line break ends a link.)
  if (ONE_LINK.test(text) && BROKEN_BY.test(text)) {
    const whole = parseUrl(text.replace(TABS_AND_NEWLINES, ''));
    if (whole && !facts.some((f) => f.host === whole.host)) facts.push(whole);
  }
  return facts;
}

/** Starts with a network scheme, after what the URL parser trims (controls and spaces). */
const ONE_LINK = /^[\x00-\x20]*(?:https?|wss?|ftp):/i;
const BROKEN_BY = /[\t\n\r]/;
const TABS_AND_NEWLINES = /[\t\n\r]/g;

const PATH_START = /[/?#\\]/g;

/** Where the host starts: past the scheme's colon and any slashes or backslashes after it. */
function hostStart(raw: string, colon: number): number {
  let at = colon + 1;
  while (at < raw.length && (raw.charCodeAt(at) === 0x2f || raw.charCodeAt(at) === 0x5c)) at++;
  return at;
}

/** A URL's scheme and authority: everything before the first `/`, `?`, `#` or `\\` after the host's start. */
function beforePath(raw: string): string {
  const colon = raw.indexOf(':');
  if (colon < 0) return raw;
  PATH_START.lastIndex = hostStart(raw, colon);
  const path = PATH_START.exec(raw);
  return path ? raw.slice(0, path.index) : raw;
}

/** What follows a URL's authority: its path, query and fragment (see beforePath). */
export function afterAuthority(raw: string): string {
  return raw.slice(beforePath(raw).length);
}

/** The network schemes, each with its protocol as the URL parser writes it. */
const NETWORK_SCHEMES = new Map(['http', 'https', 'ws', 'wss', 'ftp'].map((s) => [s, `${s}:`]));
const LATIN1_BEYOND_ASCII = /[\u0080-\u00ff]/;

export function parseUrl(raw: string): UrlFact | null {
  // The host, user and password sit before the path: a megabyte path need not be parsed.
  const authority = beforePath(raw);
  const plain = parsePlainAuthority(authority, raw);
  if (plain !== undefined) return plain;
  // Asked first: a failed `new URL` throws, and text of thousands of broken links (a hostile
  // server's) would cost the gate half a second per 256K characters in exceptions alone. Not for
  // text with Latin-1 letters: once optimised, Node 20's `URL.canParse` reads such a string's
  // bytes as UTF-8 and says no to `https://päypal.example`, which `new URL` reads.
  if (!LATIN1_BEYOND_ASCII.test(authority) && !URL.canParse(authority)) return null;
  try {
    return linkFact(new URL(authority), raw);
  } catch {
    return null;
  }
}

/** What a link parsed by the URL parser tells: null when it is no network link with a host. */
export function linkFact(url: URL, raw: string): UrlFact | null {
  if (!NETWORK_SCHEMES.has(url.protocol.slice(0, -1)) || url.hostname === '') return null;
  const host = url.hostname.replace(/\.$/, '');
  const punycode = host.split('.').some((label) => label.startsWith('xn--'));
  return {
    url: raw,
    protocol: url.protocol,
    host,
    unicodeHost: punycode ? domainToUnicode(host) || host : host,
    kind: hostKind(host),
    punycode,
    hasCredentials: url.username !== '' || url.password !== '',
  };
}

/**
 * The common link read without the URL parser: a network scheme, then a host of ASCII letters,
 * digits, dots and hyphens only. A page of links costs the parser ~4 µs each (and its garbage);
 * this, a pass over the host. Whatever else (a port, a user, `%`, brackets, non-ASCII, `xn--`, a
 * last label that starts with a digit and so may be an IPv4 address in one of its many forms) is
 * `undefined`: the parser decides. For what it does read it gives what the parser gives (a test
 * compares the two over many generated hosts).
 */
function parsePlainAuthority(authority: string, raw: string): UrlFact | undefined {
  const colon = authority.indexOf(':');
  if (colon < 0) return undefined;
  const protocol = NETWORK_SCHEMES.get(authority.slice(0, colon).toLowerCase());
  if (protocol === undefined) return undefined;
  const start = hostStart(authority, colon);
  if (start === authority.length) return undefined;
  let upper = false;
  for (let i = start; i < authority.length; i++) {
    const c = authority.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d) continue;
    if (c >= 0x41 && c <= 0x5a) upper = true;
    else return undefined;
  }
  let host = authority.slice(start);
  if (upper) host = host.toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  const lastLabel = host.charCodeAt(host.lastIndexOf('.') + 1);
  if ((lastLabel >= 0x30 && lastLabel <= 0x39) || host.includes('xn--')) return undefined;
  return {
    url: raw,
    protocol,
    host,
    unicodeHost: host,
    kind: hostKind(host),
    punycode: false,
    hasCredentials: false,
  };
}

// Bounded: a local part of at most 256 characters, labels of at most 255, at most 127 of them.
// Unbounded, the repeated group recurses once per label and overflows the stack on a few
// megabytes of `a.a.a.…`. Searched from each `@` (found by `indexOf`) rather than everywhere.
const MAX_LOCAL = 256;
const EMAIL_RE =
  /(?<![\w.+-])[A-Za-z0-9._%+-]{1,256}@([A-Za-z0-9\u00a1-\uffff-]{1,255}(?:\.[A-Za-z0-9\u00a1-\uffff-]{1,255}){1,127})/g;

export function findEmails(text: string): EmailFact[] {
  const facts: EmailFact[] = [];
  let from = 0;
  for (;;) {
    const at = text.indexOf('@', from);
    if (at < 0) break;
    EMAIL_RE.lastIndex = Math.max(from, at - MAX_LOCAL);
    const match = EMAIL_RE.exec(text);
    if (!match) break;
    from = match.index + match[0].length;
    const written = (match[1] as string).toLowerCase();
    const domain = domainToASCII(written) || written;
    const punycode = domain.split('.').some((label) => label.startsWith('xn--'));
    facts.push({
      address: match[0],
      domain,
      unicodeDomain: punycode ? domainToUnicode(domain) || domain : domain,
      punycode,
    });
  }
  return facts;
}

/**
 * Is the host one of the known domains, or below one? Text of megabytes holds thousands of
 * links and the list up to thousands of domains: the list is normalised once (per list) into a
 * set, and each host costs a look-up per label, not a pass over the list. (Lists are replaced
 * when they change, never edited in place.)
 */
export function isKnownDomain(host: string, knownDomains: readonly string[]): boolean {
  const known = knownSet(knownDomains);
  let h = host.toLowerCase();
  if (h.endsWith('.')) h = h.slice(0, -1);
  for (;;) {
    if (known.has(h)) return true;
    const dot = h.indexOf('.');
    if (dot < 0) return false;
    h = h.slice(dot + 1);
  }
}

const knownSets = new WeakMap<readonly string[], Set<string>>();

function knownSet(knownDomains: readonly string[]): Set<string> {
  let set = knownSets.get(knownDomains);
  if (!set) {
    set = new Set(
      knownDomains.map((d) =>
        (domainToASCII(d.toLowerCase()) || d.toLowerCase()).replace(/^\*\./, '').replace(/\.$/, ''),
      ),
    );
    knownSets.set(knownDomains, set);
  }
  return set;
}

/** Show a punycode host both ways: `xn--pple-43d.com (shown as аpple.com)`. */
export function showHost(host: string, unicodeHost: string): string {
  return host === unicodeHost ? host : `${host} (shown as ${unicodeHost})`;
}
