import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempStore } from './testSupport';

afterEach(removeTempDirs);

describe('unsynced writes', () => {
  it('commit (visible to other connections), and pass results and errors through', () => {
    const { store } = tempStore();
    const db = new Database(store.file, { readonly: true });
    store.unsynced(() => store.settings.set('x', 1, 1));
    // Committed: another connection sees it.
    expect(db.prepare("SELECT count(*) FROM settings WHERE key = 'x'").pluck().get()).toBe(1);
    db.close();
    expect(() =>
      store.unsynced(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.unsynced(() => store.transaction(() => 7))).toBe(7);
    store.close();
  });
});
