// A shim session as the gate keeps it, for tests of the gate's parts without a socket: what the
// gate sends it is pushed to `sent`.
import type { LineChannel } from './lineChannel';
import type { ShimSession } from './session';

export function testSession(
  sent: Record<string, unknown>[] = [],
  over: Partial<ShimSession> = {},
): ShimSession {
  return {
    id: 'sess-1',
    info: null,
    serverId: null,
    tools: new Map(),
    roots: [],
    readSensitive: false,
    channel: {
      send: (m: Record<string, unknown>) => sent.push(m),
      close: () => {},
    } as unknown as LineChannel,
    key: 'k'.repeat(64),
    calls: new Map(),
    serverInfo: null,
    facts: null,
    dropped: 0,
    floodDenied: 0,
    floodUncounted: 0,
    floodCountQueued: false,
    ...over,
  };
}
