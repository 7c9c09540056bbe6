import { describe, expect, it } from 'vitest';
import { sqliteBinding } from './core';

describe('sqliteBinding', () => {
  it('takes the Electron build `npm start` names, from a checkout only', () => {
    const env = {
      AIRLOCK_SQLITE_BINDING: '/repo/node_modules/.cache/airlock/x/better_sqlite3.node',
    };
    expect(sqliteBinding(false, env)).toBe(env.AIRLOCK_SQLITE_BINDING);
    expect(sqliteBinding(false, {})).toBeUndefined();
  });

  it('ignores the variable in a packaged app (no native code named by the environment)', () => {
    expect(sqliteBinding(true, { AIRLOCK_SQLITE_BINDING: '/tmp/evil.node' })).toBeUndefined();
  });
});
