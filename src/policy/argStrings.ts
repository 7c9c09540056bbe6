// Every string an agent put into a call's arguments, with where it sits, bounded so that a
// huge or deeply nested argument cannot stall the gate.

export interface ArgString {
  /** JSON path, e.g. `$.files[0].path`; keys themselves appear as `$.files[0]~`. */
  path: string;
  /** The nearest object key above the value, or null at the top or inside a bare array. */
  key: string | null;
  value: string;
  isKey: boolean;
}

const MAX_DEPTH = 64;
const MAX_STRINGS = 10_000;

export function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

export function argStrings(args: unknown): ArgString[] {
  const out: ArgString[] = [];
  const visit = (value: unknown, path: string, key: string | null, depth: number): void => {
    if (out.length >= MAX_STRINGS || depth > MAX_DEPTH) return;
    if (typeof value === 'string') {
      out.push({ path, key, value, isKey: false });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${path}[${i}]`, key, depth + 1));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const p = childPath(path, k);
        out.push({ path: `${p}~`, key: k, value: k, isKey: true });
        visit(v, p, k, depth + 1);
      }
    }
  };
  visit(args, '$', null, 0);
  return out;
}
