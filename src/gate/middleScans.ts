// The middle of a result held for review, scanned part by part as its shim sends it (see
// shim/resultSample.ts middleParts), so that the scan that decides whether a result is held
// covers all of its text, while the gate never holds more than one part of it at a time. The
// parts come just before the result's held outcome, which takes what they found.
import type { RiskReason } from '../contract/types';
import { mergeScans, scanResult, type ResultScan } from '../registry/resultScan';
import type { CallResult } from '../store/types';
import type { ShimSession } from './session';
import { RESULT_PARTS_MAX } from './wire';

/**
 * Results whose middle is being scanned, per session. Past this the oldest is forgotten: its
 * outcome then finds its middle not scanned in full, and the result is held as such.
 */
const MAX_IN_PROGRESS = 16;

/** What the parts of one result's middle found so far. */
export interface MiddleScan {
  parts: number;
  scan: ResultScan;
}

export class MiddleScans {
  private readonly bySession = new WeakMap<ShimSession, Map<number, MiddleScan>>();

  /** A part of the middle of the result of call `rid`: scanned now, and let go. */
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
    scanned.parts++;
    scanned.scan = mergeScans(scanned.scan, scanResult(text, knownDomains));
  }

  /** What the middle of call `rid`'s result was found to hold (taken: its outcome came). */
  take(session: ShimSession, rid: number): MiddleScan | undefined {
    const byRid = this.bySession.get(session);
    const scanned = byRid?.get(rid);
    byRid?.delete(rid);
    return scanned;
  }
}

/** What the shim said of a held result's text, beside the sample it sent. */
interface HeldReport {
  sample?: string;
  textChars?: number;
  /** How many parts of the middle it sent before this report. */
  parts?: number;
}

/**
 * A held result's record with what its middle was found to hold. A result whose sample left
 * text out, and whose middle did not all reach the scan, gets a finding that says so: a result
 * the gate cannot vouch for is never passed as clean. Pure.
 */
export function withMiddle(
  result: CallResult,
  report: HeldReport,
  scanned: MiddleScan | undefined,
): CallResult {
  const cut =
    report.parts !== undefined || (report.textChars ?? 0) !== (report.sample ?? '').length;
  if (!cut) return result;
  const merged =
    report.parts !== undefined && scanned?.parts === report.parts
      ? mergeScans(result, scanned.scan)
      : mergeScans(result, { risk: 'medium', findings: [unscanned(result.chars)] });
  return { ...result, risk: merged.risk, findings: merged.findings };
}

function unscanned(chars: number): RiskReason {
  return {
    code: 'result.unscanned',
    level: 'medium',
    text: `Only the start and the end of this result's ${chars.toLocaleString('en-US')} characters could be scanned.`,
  };
}
