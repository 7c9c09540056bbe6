// What the person must hear after a decision that did not go their way: a call whose decision
// could not be recorded was denied, whatever they chose (an approval that is not on record is
// not an approval). One wording for the consent view, the main window and the OS notification.
import type { DecideResult } from './ipc';

export function notRecordedMessage(
  verdict: 'approve' | 'deny',
  result: Pick<DecideResult, 'notRecorded'>,
): string | null {
  const failed = result.notRecorded;
  if (failed.length === 0) return null;
  const calls = failed.length === 1 ? `Call ${failed[0]!.id} was` : `${failed.length} calls were`;
  const causes = [...new Set(failed.map((f) => f.cause))].join('; ');
  const what = verdict === 'approve' ? 'your approval' : 'your decision';
  return `${calls} denied: ${what} could not be recorded (${causes}). Its record will say so once the database takes writes again.`;
}
