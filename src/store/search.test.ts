import fc from 'fast-check';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ftsQuery } from './search';

describe('ftsQuery', () => {
  it('turns words into quoted prefix phrases', () => {
    expect(ftsQuery('etc passwd')).toBe('"etc"* "passwd"*');
    expect(ftsQuery('foo"bar')).toBe('"foo""bar"*');
    expect(ftsQuery('  -x  ')).toBe('"-x"*');
  });

  it('returns null when nothing is searchable', () => {
    expect(ftsQuery('')).toBeNull();
    expect(ftsQuery(' " - * ( ')).toBeNull();
  });

  it('never produces a MATCH expression FTS5 rejects', () => {
    const db = new Database(':memory:');
    db.exec("CREATE VIRTUAL TABLE t USING fts5(a); INSERT INTO t VALUES ('hello world')");
    const match = db.prepare('SELECT count(*) FROM t WHERE t MATCH ?').pluck();
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        const q = ftsQuery(text);
        if (q !== null) match.get(q);
      }),
      { numRuns: 500 },
    );
    expect(match.get(ftsQuery('hel wor') ?? '')).toBe(1);
    db.close();
  });
});
