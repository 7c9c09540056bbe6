import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, PAGE_SIZE } from './store';
import { call, decision, removeTempDirs, tempDir } from './testSupport';
import path from 'node:path';

afterEach(removeTempDirs);

describe('page size of the record file', () => {
  it('creates a new record with larger pages, so rows that grow after they are written keep pages full', () => {
    const file = path.join(tempDir(), 'airlock.db');
    const store = openStore(file);
    store.calls.record(call(), decision());
    store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('page_size', { simple: true })).toBe(PAGE_SIZE);
    expect(PAGE_SIZE).toBeGreaterThan(4096);
    db.close();
  });

  it('keeps the page size of an existing record, which opens, records and verifies as before', () => {
    const file = path.join(tempDir(), 'airlock.db');
    const old = new Database(file);
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE placeholder (x)');
    old.exec('DROP TABLE placeholder');
    old.close();
    const store = openStore(file);
    store.calls.record(call(), decision());
    expect(store.audit.verify()).toMatchObject({ ok: true, calls: 1 });
    store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('page_size', { simple: true })).toBe(4096);
    db.close();
  });
});
