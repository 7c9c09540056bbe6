// From the shim's report of a result to what the record keeps: the digest as reported, an
// excerpt with secrets masked and cut to the excerpt setting, and what the result scan found.
// The scan reads the whole sample (head and tail, see shim/resultSample.ts) before masking, so a
// secret in the result is still a finding; the excerpt is masked, so it is never stored.
import { maskText } from '../hosts/mask';
import { maskSecrets } from '../policy/secrets';
import { scanResult } from '../registry/resultScan';
import type { CallResult } from '../store/types';

export interface ResultReport {
  digest: string;
  sample: string;
  textChars: number;
}

/** Pure. `excerptChars` 0 keeps no text at all (digest, size and findings still). */
export function recordResult(
  report: ResultReport,
  excerptChars: number,
  knownDomains: readonly string[],
): CallResult {
  const scan = scanResult(report.sample, knownDomains);
  return {
    sha256: report.digest,
    excerpt: excerptOf(report.sample, excerptChars),
    chars: report.textChars,
    risk: scan.risk,
    findings: scan.findings,
  };
}

/**
 * The start of the text, masked. Masked before it is cut, so a secret straddling the cut is
 * not left half visible; cut without splitting a surrogate pair.
 */
export function excerptOf(sample: string, excerptChars: number): string {
  if (excerptChars <= 0) return '';
  // Only what can reach the excerpt is masked (plus room for a secret running across the cut).
  const masked = maskText(maskSecrets(sample.slice(0, excerptChars + 4096)));
  if (masked.length <= excerptChars) return masked;
  let cut = masked.slice(0, excerptChars);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}
