// One connected shim, as the gate keeps it.
import type { ToolDefinition } from '../contract/types';
import type { IdentityFacts } from '../registry/codeIdentity';
import type { LineChannel } from './lineChannel';
import type { SessionInfo } from './wire';

/** One connected shim: one server run by one host. */
export interface ShimSession {
  id: string;
  info: SessionInfo | null;
  serverId: number | null;
  tools: Map<string, ToolDefinition>;
  roots: string[];
  /** An earlier call of this session touched sensitive data (for exfiltration risk). */
  readSensitive: boolean;
  channel: LineChannel;
  key: string;
  /** rid → call id, for cancellation and outcomes. */
  calls: Map<number, number>;
  /** What the server reported at initialize. */
  serverInfo: { name: string; version: string } | null;
  /** What decides the code this session runs (command path, env…), compared per call. */
  facts: IdentityFacts | null;
  /** How many dropped-message reports this session sent (only the first few are recorded). */
  dropped: number;
  /** Calls denied because the queue was full, and those not on the record yet (only counted). */
  floodDenied: number;
  floodUncounted: number;
  /** A write of the uncounted ones waits in the next batch. */
  floodCountQueued: boolean;
}

/** A session as it starts, once its shim passed the handshake: nothing known of it yet. */
export function newSession(id: string, channel: LineChannel, key: string): ShimSession {
  return {
    id,
    info: null,
    serverId: null,
    tools: new Map(),
    roots: [],
    readSensitive: false,
    channel,
    key,
    calls: new Map(),
    serverInfo: null,
    facts: null,
    dropped: 0,
    floodDenied: 0,
    floodUncounted: 0,
    floodCountQueued: false,
  };
}
