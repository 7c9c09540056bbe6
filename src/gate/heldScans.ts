// A result held for review is judged on all of its text: its shim sends every string of it in
// parts (shim/resultScanParts.ts) just before the held report, and the gate scans each part as
// it comes and lets it go, so it never holds more than one part of a result at a time. The
// report then takes what the parts were found to hold.
import type { RiskReason } from '../contract/types';
import { mergeScans, scanResult, type ResultScan } from '../registry/resultScan';
import type { CallResult } from '../store/types';
import type { ShimSession } from './session';
import { RESULT_PARTS_MAX } from './wire';

/**
 * Results being scanned, per session. Past this the oldest is forgotten: its report then finds
 * its parts missing, and the result is held as not scanned.
 */
const MAX_IN_PROGRESS = 16;

/** What the parts of one result's text were found to hold so far. */
export interface PartsScan {
  parts: number;
  scan: ResultScan;
}

export class HeldScans {
  private readonly bySession = new WeakMap<ShimSession, Map<number, PartsScan>>();

  /** A part of the text of call `rid`'s held result: scanned now, and let go. */
  part(session: ShimSession, rid: number, text: string, knownDomains: readonly string[]): void {
    let byRid = this.bySession.get(session);
    if (!byRid) this.bySession.set(session, (byRid = new Map()));
    let scanned = byRid.get(rid);
    if (!scanned) {
      const [oldest] = byRid.keys();
      if (byRid.size >= MAX_IN_PROGRESS && oldest !== undefined) byRid.delete(oldest);
      scanned = { parts: 0, scan: { risk: null, findings: [] } };
      byRid.set(rid, scanned);
    }
    // No more than one result may send: past it the count cannot match its report's.
    if (scanned.parts >= RESULT_PARTS_MAX) return;
    // Counted once scanned: a scan that throws leaves the count short, and the result unscanned.
    scanned.scan = mergeScans(scanned.scan, scanResult(text, knownDomains));
    scanned.parts++;
  }

  /** What the text of call `rid`'s result was found to hold (taken: its report came). */
  take(session: ShimSession, rid: number): PartsScan | undefined {
    const byRid = this.bySession.get(session);
    const scanned = byRid?.get(rid);
    byRid?.delete(rid);
    return scanned;
  }
}

/**
 * A held result's record with what the scan of all its text found. A result whose parts did not
 * all reach the scan (too much text to send, parts lost or forgotten) gets a finding that says
 * so: a result the gate cannot vouch for is never passed as clean. Pure.
 */
export function withFullScan(
  result: CallResult,
  /** How many parts the report says came before it; none when the shim sent none. */
  parts: number | undefined,
  scanned: PartsScan | undefined,
): CallResult {
  const all = parts !== undefined && (scanned?.parts ?? 0) === parts;
  const found = all
    ? (scanned?.scan ?? { risk: null, findings: [] })
    : { risk: 'medium' as const, findings: [unscanned(result.chars)] };
  const merged = mergeScans(result, found);
  return { ...result, risk: merged.risk, findings: merged.findings };
}

function unscanned(chars: number): RiskReason {
  return {
    code: 'result.unscanned',
    level: 'medium',
    text: `This result (${chars.toLocaleString('en-US')} characters of text) could not be scanned in full.`,
  };
}
