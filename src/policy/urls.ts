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

const URL_RE = /\b[a-z][a-z0-9+.-]{1,15}:\/\/[^\s"'<>`\\]+/gi;

/** Network URLs in a text (http, https, ws, wss, ftp), parsed as the WHATWG parser sees them. */
export function findUrls(text: string): UrlFact[] {
  const facts: UrlFact[] = [];
  for (const match of text.matchAll(URL_RE)) {
    const fact = parseUrl(match[0].replace(/[.,;:!?)\]}]+$/, ''));
    if (fact) facts.push(fact);
  }
  return facts;
}

export function parseUrl(raw: string): UrlFact | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (!['http:', 'https:', 'ws:', 'wss:', 'ftp:'].includes(url.protocol) || url.hostname === '')
    return null;
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

const EMAIL_RE =
  /(?<![\w.+-])[A-Za-z0-9._%+-]+@([A-Za-z0-9\u00a1-\uffff-]+(?:\.[A-Za-z0-9\u00a1-\uffff-]+)+)/g;

export function findEmails(text: string): EmailFact[] {
  const facts: EmailFact[] = [];
  for (const match of text.matchAll(EMAIL_RE)) {
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

/** Is the host one of the known domains, or below one? */
export function isKnownDomain(host: string, knownDomains: string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return knownDomains.some((d) => {
    const known = (domainToASCII(d.toLowerCase()) || d.toLowerCase())
      .replace(/^\*\./, '')
      .replace(/\.$/, '');
    return h === known || h.endsWith(`.${known}`);
  });
}

/** Show a punycode host both ways: `xn--pple-43d.com (shown as аpple.com)`. */
export function showHost(host: string, unicodeHost: string): string {
  return host === unicodeHost ? host : `${host} (shown as ${unicodeHost})`;
}
