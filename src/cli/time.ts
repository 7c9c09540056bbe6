// Times on the command line: an ISO date or time, or a span back from now ("30m", "2h", "7d").
import { UsageError } from './args';

const UNITS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

export function parseSince(text: string, now: number): number {
  const span = /^(\d+)\s*([smhdw])$/.exec(text.trim());
  if (span) return now - Number(span[1]) * UNITS[span[2]!]!;
  const at = Date.parse(text);
  if (Number.isNaN(at))
    throw new UsageError(`cannot read the time "${text}" (use e.g. 2h, 7d or 2026-11-01T09:00)`);
  return at;
}
