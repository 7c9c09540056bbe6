// One line that names a waiting call: where it came from, the tool, its risk and the start of
// its arguments. Shared by `airlock gate` (which announces calls) and `airlock pending`; kept
// apart from the gate command so that `pending` does not load the gate service to print it.
import type { PendingCall } from '../contract/types';

export function describeCall(call: PendingCall): string {
  const args = JSON.stringify(call.arguments);
  const shown = args.length > 120 ? `${args.slice(0, 117)}...` : args;
  return `${call.host}/${call.server} ${call.tool} [${call.risk.level}] ${shown}`;
}
