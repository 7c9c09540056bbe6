// The messages every call brings from its shim (ask or observed, then its outcome; a cancel),
// checked by hand before the schema is asked. Parsing them with the zod schema cost the gate more
// per call than deciding most calls. The check here only ever accepts what the schema in wire.ts
// accepts (shimMessageCheck.test.ts holds it to that): anything it does not accept outright (any
// other kind of message, a key it does not know, a value it is unsure of) goes to the schema,
// which decides and words the refusal. So a hostile shim gains nothing from this path.
import { RESULT_PARTS_MAX, RESULT_SAMPLE_MAX_CHARS, type ShimMessage } from './wire';

const HEX64 = /^[0-9a-f]{64}$/;
/** wire.ts: a host request line is at most this many characters. */
const MAX_LINE_CHARS = 64 * 1024 * 1024;
/** wire.ts: the reason a host gave for a cancellation. */
const MAX_CANCEL_REASON_CHARS = 2000;

type Fields = Record<string, unknown>;

const isObject = (v: unknown): v is Fields =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** A count or a request number: a safe integer, not negative (every such is one to the schema). */
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isHex64 = (v: unknown): v is string => typeof v === 'string' && HEX64.test(v);
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;

/** Every own key of `m` is one of `allowed`. */
function onlyKeys(m: Fields, allowed: ReadonlySet<string>): boolean {
  for (const key of Object.keys(m)) if (!allowed.has(key)) return false;
  return true;
}

const CALL_KEYS: ReadonlySet<string> = new Set(['t', 'rid', 'line', 'digest']);
const CANCEL_KEYS: ReadonlySet<string> = new Set(['t', 'rid', 'reason']);
const OUTCOME_KEYS: ReadonlySet<string> = new Set([
  't',
  'rid',
  'isError',
  'durationMs',
  'size',
  'digest',
  'sample',
  'textChars',
  'held',
  'parts',
]);

function isCall(m: Fields): boolean {
  return (
    onlyKeys(m, CALL_KEYS) && isCount(m.rid) && isText(m.line, MAX_LINE_CHARS) && isHex64(m.digest)
  );
}

function isOutcome(m: Fields): boolean {
  const { durationMs } = m;
  return (
    onlyKeys(m, OUTCOME_KEYS) &&
    isCount(m.rid) &&
    typeof m.isError === 'boolean' &&
    typeof durationMs === 'number' &&
    Number.isFinite(durationMs) &&
    durationMs >= 0 &&
    isCount(m.size) &&
    (m.digest === undefined || isHex64(m.digest)) &&
    (m.sample === undefined || isText(m.sample, RESULT_SAMPLE_MAX_CHARS)) &&
    (m.textChars === undefined || isCount(m.textChars)) &&
    (m.held === undefined || m.held === true) &&
    (m.parts === undefined || (isCount(m.parts) && m.parts <= RESULT_PARTS_MAX))
  );
}

function isCancel(m: Fields): boolean {
  return onlyKeys(m, CANCEL_KEYS) && isCount(m.rid) && isText(m.reason, MAX_CANCEL_REASON_CHARS);
}

/**
 * `value` as a shim message when it is one of the per-call kinds and fits its schema beyond
 * doubt; null otherwise (then the schema must judge it).
 */
export function perCallMessage(value: unknown): ShimMessage | null {
  if (!isObject(value)) return null;
  switch (value.t) {
    case 'ask':
    case 'observed':
      return isCall(value) ? (value as ShimMessage) : null;
    case 'outcome':
      return isOutcome(value) ? (value as ShimMessage) : null;
    case 'cancel':
      return isCancel(value) ? (value as ShimMessage) : null;
    default:
      return null;
  }
}
