// A change the CLI makes goes through the running gate when there is one, so the gate's caches
// and an open app hear of it at once; only when no gate runs does the command write the record
// itself. Either way the command then says the same thing.
import { controlRequest } from './control';
import { GateUnavailableError } from '../link/client';
import type { ChangeRequest } from '../gate/wire';

/** A gate write can wait on another process's lock for a while: more than a status does. */
export const CHANGE_TIMEOUT_MS = 10_000;

type Change = ChangeRequest extends infer T ? (T extends unknown ? Omit<T, 'req'> : never) : never;

export type GateAnswer = { t: 'saved'; id: number } | { t: 'ok' };

/**
 * The gate's answer to `change`, or null when no gate runs (the caller writes the record).
 * The gate's refusal is thrown in its own words; a gate that stops mid-request is an error too,
 * never a reason to write the file behind its back.
 */
export async function changeThroughGate(
  dataDir: string,
  change: Change,
): Promise<GateAnswer | null> {
  let res;
  try {
    res = await controlRequest(dataDir, change, CHANGE_TIMEOUT_MS);
  } catch (err) {
    if (err instanceof GateUnavailableError) return null;
    throw err;
  }
  if (res.t === 'error') throw new Error(res.message);
  if (res.t === 'saved' || res.t === 'ok') return res;
  throw new Error('unexpected answer from the gate');
}
