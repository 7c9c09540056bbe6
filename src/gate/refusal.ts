// How the gate words a peer's message that does not fit the protocol, for its log.
import type { z } from 'zod';

/** One line for the log: who sent what (its `t`), and the first thing wrong with it. */
export function refusalLine(who: string, value: unknown, error: z.ZodError): string {
  const t = typeof value === 'object' && value !== null ? (value as { t?: unknown }).t : null;
  const issue = error.issues[0];
  const where = issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : '';
  return `closed a ${who} connection: it sent a malformed message ${JSON.stringify(t ?? null).slice(0, 60)} (${where})`;
}
