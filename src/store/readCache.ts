// Reads the gate makes on every call (settings, rules, a tool's record) change rarely: they are
// kept until the store's generation moves (a write of ours, or any commit by another process),
// so a call costs no query for them while a change is still seen by the very next call.
import type { StoreContext } from './context';

export function cachedByKey<V>(
  ctx: Pick<StoreContext, 'generation'>,
  load: (key: string) => V,
): (key: string) => V {
  let seen = '';
  const values = new Map<string, V>();
  return (key) => {
    const now = ctx.generation();
    if (now !== seen) {
      values.clear();
      seen = now;
    }
    if (values.has(key)) return values.get(key) as V;
    const value = load(key);
    // Bounded: a flood of distinct keys (tool names a hostile server makes up) cannot grow it.
    if (values.size >= 4096) values.clear();
    values.set(key, value);
    return value;
  };
}
