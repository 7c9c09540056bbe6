import type { StoreContext } from './context';
import { cachedByKey } from './readCache';

export interface SettingsRepo {
  /** The stored value, or `fallback` when unset (the type is the caller's promise). */
  get<T>(key: string, fallback: T): T;
  set(key: string, value: unknown, now?: number): void;
  all(): Record<string, unknown>;
}

export function settingsRepo(ctx: StoreContext): SettingsRepo {
  const one = ctx.r.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck();
  const every = ctx.r.prepare<[], { key: string; value: string }>(
    'SELECT key, value FROM settings ORDER BY key',
  );
  const put = ctx.w.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  const stored = cachedByKey(ctx, (key) => {
    const text = one.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  });
  return {
    get<T>(key: string, fallback: T): T {
      const value = stored(key);
      return value === undefined ? fallback : (value as T);
    },
    set(key, value, now = Date.now()) {
      if (value === undefined) throw new Error(`setting ${key}: undefined is not a value`);
      ctx.write(() => {
        put.run(key, JSON.stringify(value));
        ctx.append('setting.changed', { key, value }, now);
      });
    },
    all() {
      const out: Record<string, unknown> = {};
      for (const { key, value } of every.all()) out[key] = JSON.parse(value);
      return out;
    },
  };
}
