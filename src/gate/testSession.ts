// A shim session as the gate keeps it, for tests of the gate's parts without a socket: what the
// gate sends it is pushed to `sent`.
import type { LineChannel } from './lineChannel';
import { newSession, type ShimSession } from './session';

export function testSession(
  sent: Record<string, unknown>[] = [],
  over: Partial<ShimSession> = {},
): ShimSession {
  const channel = {
    send: (m: Record<string, unknown>) => sent.push(m),
    close: () => {},
  } as unknown as LineChannel;
  return { ...newSession('sess-1', channel, 'k'.repeat(64)), ...over };
}
