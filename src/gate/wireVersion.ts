// Kept apart from wire.ts so the shim can read it without loading zod.
/**
 * 2: every message after the handshake is sealed (MAC + sequence number).
 * 3: a result held for review is sent whole, in parts (`resultPart`), and its outcome says how
 * many (`parts`); a gate of version 2 would close the connection on the first part.
 */
export const WIRE_VERSION = 3;
