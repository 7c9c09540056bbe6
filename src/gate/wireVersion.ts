// Kept apart from wire.ts so the shim can read it without loading zod.
/** 2: every message after the handshake is sealed (MAC + sequence number). */
export const WIRE_VERSION = 2;
