import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/harness';
import { openStore } from './store';

const ROOT = join(__dirname, '../..');

describe('openStore with an explicit native binding', () => {
  it('loads better-sqlite3 from the given file (as the Electron app does in development)', () => {
    const store = openStore(join(tempDir(), 'a.db'), {
      nativeBinding: join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'),
    });
    try {
      store.settings.set('probe', 1, Date.now());
      expect(store.settings.get('probe', 0)).toBe(1);
    } finally {
      store.close();
    }
  });

  it('fails with a clear error when the file is not there', () => {
    expect(() =>
      openStore(join(tempDir(), 'b.db'), { nativeBinding: '/nonexistent/better_sqlite3.node' }),
    ).toThrow(/nonexistent/);
  });
});
