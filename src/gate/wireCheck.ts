// The shim's check of what the gate sends: the handshake and the gate → shim messages of
// wire.ts, written out by hand because loading zod would add ~100 ms to every shim start (a
// host may start the shim only to probe it). wireCheck.test.ts holds these functions to the
// zod schemas in wire.ts: both accept and refuse the same messages.
import type { GateHandshake, GateMessage } from './wire';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isCount = (v: unknown): v is number => isInt(v) && v >= 0;
const HEX64 = /^[0-9a-f]{64}$/;
const HEX32 = /^[0-9a-f]{32}$/;

/** Exactly these keys (zod's strictObject). */
function hasKeys(o: Obj, keys: readonly string[]): boolean {
  const own = Object.keys(o);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(o, k));
}

export function checkGateHandshake(v: unknown): GateHandshake | null {
  if (!isObj(v)) return null;
  switch (v.t) {
    case 'challenge':
      return hasKeys(v, ['t', 'v', 'nonce']) &&
        isInt(v.v) &&
        typeof v.nonce === 'string' &&
        HEX32.test(v.nonce)
        ? (v as GateHandshake)
        : null;
    case 'welcome':
      return hasKeys(v, ['t', 'proof']) && typeof v.proof === 'string' && HEX64.test(v.proof)
        ? (v as GateHandshake)
        : null;
    case 'refused':
      return hasKeys(v, ['t', 'reason']) && isStr(v.reason, 500) ? (v as GateHandshake) : null;
    default:
      return null;
  }
}

export function checkGateMessage(v: unknown): GateMessage | null {
  if (!isObj(v)) return null;
  switch (v.t) {
    case 'held':
      return hasKeys(v, ['t', 'rid', 'deadline']) && isCount(v.rid) && isCount(v.deadline)
        ? (v as GateMessage)
        : null;
    case 'decision':
      return hasKeys(v, ['t', 'rid', 'verdict', 'text', 'mac']) &&
        isCount(v.rid) &&
        (v.verdict === 'allow' || v.verdict === 'deny') &&
        isStr(v.text, 10_000) &&
        typeof v.mac === 'string' &&
        HEX64.test(v.mac)
        ? (v as GateMessage)
        : null;
    case 'disabled':
      return hasKeys(v, ['t', 'tools']) &&
        Array.isArray(v.tools) &&
        v.tools.length <= 10_000 &&
        v.tools.every((t) => isStr(t, 1000))
        ? (v as GateMessage)
        : null;
    case 'mode':
      return hasKeys(v, ['t', 'observe']) && typeof v.observe === 'boolean'
        ? (v as GateMessage)
        : null;
    default:
      return null;
  }
}
