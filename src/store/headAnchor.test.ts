// A rewind (newest rows deleted, the head moved back) leaves an intact but shorter chain; the
// head file beside the database catches it. Tampering uses a separate raw connection.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewRule } from './rules';
import { anchorPath, anchorText, checkAnchor, readAnchor, type ChainView } from './headAnchor';
import { openStore } from './store';
import { newRule, removeTempDirs, tempStore } from './testSupport';

afterEach(removeTempDirs);

const rule = (tool: string, action: NewRule['action']): NewRule => newRule({ tool, action });

/** Three rules on the chain (seq 1..3), the last a deny rule; closed. */
function sampleFile(): string {
  const { store, file } = tempStore();
  store.rules.add(rule('read_*', 'allow'), 10);
  store.rules.add(rule('list_*', 'allow'), 11);
  store.rules.add(rule('send_*', 'deny'), 12);
  store.close();
  return file;
}

/** Deletes the newest event and what it created, and moves the head back: a clean rewind. */
function rewindOneRow(file: string): void {
  const db = new Database(file);
  db.exec('DROP TRIGGER events_no_delete');
  const prev = db.prepare('SELECT seq, hash FROM events WHERE seq = 2').get() as {
    seq: number;
    hash: string;
  };
  db.prepare('DELETE FROM events WHERE seq = 3').run();
  db.prepare('DELETE FROM rules WHERE id = 3').run();
  db.prepare('UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1').run(prev.seq, prev.hash);
  db.close();
}

function verify(file: string) {
  const store = openStore(file);
  try {
    return store.audit.verify();
  } finally {
    store.close();
  }
}

describe('the head anchor beside the database', () => {
  it('follows every commit that moves the head', () => {
    const { store, file } = tempStore();
    expect(readAnchor(anchorPath(file))).toBe('missing');
    store.rules.add(rule('a', 'ask'), 1);
    const head = store.transaction(() => 0); // a commit that appends nothing
    expect(head).toBe(0);
    store.settings.set('mode', 'ask', 2);
    const anchor = readAnchor(anchorPath(file));
    expect(anchor).toMatchObject({ seq: 2 });
    expect(store.audit.verify()).toMatchObject({ ok: true, rows: 2, anchor: 'matches' });
    if (process.platform !== 'win32')
      expect(fs.statSync(anchorPath(file)).mode & 0o777).toBe(0o600);
    store.close();
  });

  it('catches a rewind that leaves an intact chain: verify and the gate-start check', () => {
    const file = sampleFile();
    rewindOneRow(file);
    // Without the anchor, this database verifies: chain, calls and rules all agree.
    const anchor = fs.readFileSync(anchorPath(file));
    fs.rmSync(anchorPath(file));
    expect(verify(file)).toMatchObject({ ok: true, anchor: 'missing' });
    fs.writeFileSync(anchorPath(file), anchor);

    expect(verify(file)).toEqual({
      ok: false,
      firstBadSeq: 3,
      problem:
        'the database is behind its anchor: its chain ends at row 2, the anchor beside it records row 3 (rows were deleted and the head moved back)',
    });
    const store = openStore(file);
    expect(store.audit.checkAnchor()).toMatchObject({ ok: false, firstBadSeq: 3 });
    store.close();
  });

  it('keeps the evidence when the rewound database is written to again', () => {
    const file = sampleFile();
    rewindOneRow(file);
    const store = openStore(file);
    // The next commit takes seq 3 again, with another hash: the anchor does not follow it.
    store.rules.add(rule('*', 'allow'), 20);
    store.settings.set('paused', false, 21);
    expect(readAnchor(anchorPath(file))).toMatchObject({ seq: 3 });
    expect(store.audit.verify()).toMatchObject({
      ok: false,
      firstBadSeq: 3,
      problem: expect.stringMatching(/^row 3 is not the row the anchor .* recorded/),
    });
    // A person who has looked can accept the database as it is.
    store.audit.reanchor();
    expect(store.audit.verify()).toMatchObject({ ok: true, anchor: 'matches' });
    store.settings.set('paused', true, 22);
    expect(readAnchor(anchorPath(file))).toMatchObject({ seq: 5 });
    store.close();
  });

  // The gate does not read the file back after each commit while it holds what it wrote last;
  // another writer's anchor, in place or as a new file, is still read and obeyed.
  it.each([
    ['written in place', (f: string, text: string) => fs.writeFileSync(f, text, { flag: 'r+' })],
    [
      'replaced',
      (f: string, text: string) => {
        fs.writeFileSync(`${f}.new`, text);
        fs.renameSync(`${f}.new`, f);
      },
    ],
  ])('sees an anchor another writer put ahead of the database (%s)', (_how, put) => {
    const { store, file } = tempStore();
    store.rules.add(rule('a', 'ask'), 1);
    store.settings.set('mode', 'ask', 2);
    expect(readAnchor(anchorPath(file))).toMatchObject({ seq: 2 });
    // Ahead of the database: as if rows 3..9 had been deleted since another process anchored them.
    const ahead = { seq: 9, hash: 'e'.repeat(64) };
    put(anchorPath(file), anchorText(ahead));
    store.settings.set('mode', 'observe', 3);
    store.settings.set('mode', 'ask', 4);
    expect(readAnchor(anchorPath(file))).toEqual(ahead);
    expect(store.audit.checkAnchor()).toMatchObject({ ok: false, firstBadSeq: 5 });
    store.close();
  });

  it('writes the next head into a file put in place of the one it wrote', () => {
    const { store, file } = tempStore();
    store.rules.add(rule('a', 'ask'), 1);
    const first = readAnchor(anchorPath(file));
    store.settings.set('mode', 'ask', 2);
    fs.writeFileSync(`${anchorPath(file)}.new`, anchorText(first as { seq: number; hash: string }));
    fs.renameSync(`${anchorPath(file)}.new`, anchorPath(file));
    store.settings.set('mode', 'observe', 3);
    expect(readAnchor(anchorPath(file))).toMatchObject({ seq: 3 });
    store.close();
  });

  it('an unreadable anchor file is reported, not trusted', () => {
    const file = sampleFile();
    fs.writeFileSync(anchorPath(file), 'garbage');
    expect(verify(file)).toMatchObject({ ok: false, problem: /unreadable/ });
  });
});

describe('checkAnchor', () => {
  const H = (c: string) => c.repeat(64);
  const view = (seq: number, firstSeq = 1, rows: Record<number, string> = {}): ChainView => ({
    head: { seq, hash: rows[seq] ?? H('f') },
    firstSeq,
    hashAt: (s) => rows[s] ?? null,
  });
  it.each([
    ['no anchor yet', 'missing' as const, view(5), { ok: true, anchor: 'missing' }],
    ['at the head', { seq: 5, hash: H('a') }, view(5, 1, { 5: H('a') }), { ok: true }],
    ['behind the head', { seq: 3, hash: H('c') }, view(5, 1, { 3: H('c') }), { ok: true }],
    ['pruned past', { seq: 3, hash: H('c') }, view(9, 4), { ok: true, anchor: 'pruned-past' }],
    ['head behind', { seq: 6, hash: H('a') }, view(5), { ok: false, firstBadSeq: 6 }],
    ['rewritten', { seq: 3, hash: H('c') }, view(5, 1, { 3: H('d') }), { ok: false }],
    ['same seq, other hash', { seq: 5, hash: H('a') }, view(5), { ok: false, firstBadSeq: 5 }],
  ])('%s', (_what, anchor, v, expected) => {
    expect(checkAnchor(anchor, v)).toMatchObject(expected);
  });
});
