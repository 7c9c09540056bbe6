// How many calls may wait for a person at once: past these bounds a new call is denied at once,
// before any evaluation (the costly part), so a flooding server cannot drown the gate.
import type { ApprovalBroker } from './broker';

/** Calls that may wait for a person at once, per server and in all. */
export const MAX_WAITING_PER_SERVER = 50;
export const MAX_WAITING_TOTAL = 200;
/** Calls denied for a full queue recorded one by one per session; the rest are counted. */
export const MAX_RECORDED_FLOOD_DENIALS = 20;

/** Why a new call may not join the queue, or null when it may. Pure. */
export function queueFull(
  broker: Pick<ApprovalBroker, 'size' | 'waitingFor'>,
  serverId: number | null,
  sessionId: string,
): string | null {
  if (broker.size >= MAX_WAITING_TOTAL)
    return `too many calls are waiting for a decision (${MAX_WAITING_TOTAL} in all); answer or wait for those first`;
  if (broker.waitingFor(serverId, sessionId) >= MAX_WAITING_PER_SERVER)
    return `too many calls from this server are waiting for a decision (${MAX_WAITING_PER_SERVER}); answer or wait for those first`;
  return null;
}
