// Small display helpers.
import type { DecisionKind, PendingCall, RiskLevel } from '../../src/contract/types';

export const RISK_ORDER: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export function isHighRisk(level: RiskLevel): boolean {
  return RISK_ORDER[level] >= RISK_ORDER.high;
}

export const DECISION_LABEL: Record<DecisionKind, string> = {
  approved: 'Approved',
  denied: 'Denied',
  'auto-approved': 'Auto-approved',
  'auto-denied': 'Auto-denied',
  observed: 'Observed',
  'timed-out': 'Timed out',
  cancelled: 'Cancelled',
  unreachable: 'Unreachable',
  interrupted: 'Interrupted',
};

export { DECISION_KINDS } from '../../src/contract/types';

export function formatTime(ms: number): string {
  return new Date(ms).toLocaleString();
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Calls the user can decide together with `call`: same host, server and tool. */
export function similarCalls(call: PendingCall, pending: PendingCall[]): PendingCall[] {
  return pending.filter(
    (p) => p.host === call.host && p.server === call.server && p.tool === call.tool,
  );
}

export function localDay(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Arguments on one line for a list or table cell: compact JSON, cut with an ellipsis. */
export function argumentsPreview(args: unknown, max = 120): string {
  let text: string;
  try {
    text = JSON.stringify(args) ?? String(args);
  } catch {
    text = String(args);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The call was approved with arguments the person edited (absent on rows from older builds). */
export function isEdited(row: { approvedArguments?: unknown }): boolean {
  return row.approvedArguments !== null && row.approvedArguments !== undefined;
}
