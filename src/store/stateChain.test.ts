// Everything that decides is on the chain: rules, settings, tool review and on/off state.
// Each test edits the real SQLite file through a separate connection, as an attacker would.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../contract/types';
import type { NewRule } from './rules';
import { canonicalJson } from '../contract/canonicalJson';
import { eventHash } from './chain';
import { openStore } from './store';
import { newRule, prevHashOf, removeTempDirs, tempStore } from './testSupport';

afterEach(removeTempDirs);

const READ: ToolDefinition = {
  name: 'read_file',
  description: 'Read a file',
  annotations: { readOnlyHint: true },
};
const WRITE: ToolDefinition = { name: 'write_file', description: 'Write a file' };

const rule = (over: Partial<NewRule> = {}): NewRule =>
  newRule({
    tool: 'read_file',
    conditions: [{ path: 'path', op: 'under', value: '/home/ana/project' }],
    action: 'allow',
    riskCeiling: 'low',
    ...over,
  });

/** A store whose rules, settings and tools all went through the repositories; closed. */
function sampleFile(): { file: string; serverId: number } {
  const { store, file } = tempStore();
  const { id: serverId } = store.servers.upsert(
    { host: 'cursor', name: 'fs', command: 'npx', args: ['-y', 'fs'] },
    10,
  );
  store.tools.recordList(
    serverId,
    [
      { definition: READ, hash: 'h-read-1', poison: [] },
      { definition: WRITE, hash: 'h-write-1', poison: [] },
    ],
    20,
  );
  // The write tool changes (its allow rules are suspended until reviewed), then is switched off.
  store.tools.recordList(
    serverId,
    [{ definition: { ...WRITE, description: 'Write any file' }, hash: 'h-write-2', poison: [] }],
    30,
  );
  store.tools.setEnabled(serverId, 'write_file', false, 35);
  store.tools.markReviewed(serverId, 'read_file', 36);
  const kept = store.rules.add(rule(), 40);
  const edited = store.rules.add(rule({ tool: 'list_*' }), 41);
  store.rules.update(edited.id, { enabled: false }, 42);
  const gone = store.rules.add(rule({ tool: 'x' }), 43);
  store.rules.remove(gone.id, 44);
  store.settings.set('mode', 'ask', 50);
  store.settings.set('paused', false, 51);
  store.settings.set('timeoutSeconds', 45, 52);
  expect(kept.id).toBe(1);
  expect(store.audit.verify()).toMatchObject({ ok: true });
  store.close();
  return { file, serverId };
}

/** A raw connection to the file, with no Airlock code involved. */
function edit(file: string, sql: string, ...params: unknown[]): void {
  const db = new Database(file);
  db.prepare(sql).run(...params);
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

describe('audit verify: the state that decides', () => {
  it('passes when every change went through the store', () => {
    expect(verify(sampleFile().file)).toMatchObject({ ok: true });
  });

  it('catches an edited rule: a wider directory, a lifted ceiling, a rule re-enabled', () => {
    for (const sql of [
      `UPDATE rules SET conditions = '[{"path":"path","op":"under","value":"/"}]' WHERE id = 1`,
      'UPDATE rules SET risk_ceiling = NULL WHERE id = 1',
      'UPDATE rules SET enabled = 1 WHERE id = 2',
      `UPDATE rules SET action = 'allow', tool = '*' WHERE id = 2`,
    ]) {
      const { file } = sampleFile();
      edit(file, sql);
      expect(verify(file)).toMatchObject({
        ok: false,
        firstBadSeq: expect.any(Number),
        problem: expect.stringMatching(/^rule \d: \w+ differs from what the chain recorded$/),
      });
    }
  });

  it('catches an inserted allow-all rule, and a deleted rule', () => {
    const { file } = sampleFile();
    edit(
      file,
      `INSERT INTO rules (server_id, tool, conditions, action, expiry, risk_ceiling, note, origin,
         enabled, created_at) VALUES (NULL, '*', '[]', 'allow', '{"kind":"forever"}', NULL, '',
         'manual', 1, 60)`,
    );
    expect(verify(file)).toEqual({
      ok: false,
      firstBadSeq: null,
      problem: 'rule 3 is not on the chain (added behind its back)',
    });

    const second = sampleFile().file;
    edit(second, 'DELETE FROM rules WHERE id = 1');
    expect(verify(second)).toMatchObject({
      ok: false,
      problem: "rule 1 was deleted behind the chain's back",
    });
  });

  it('catches an edited reviewed hash, a switched-on tool and a rewritten definition', () => {
    const cases: [string, RegExp][] = [
      // "Reviewed" without review: the changed write_file's allow rules would wake up.
      [
        `UPDATE tools SET reviewed_hash = hash WHERE name = 'write_file'`,
        /^tool write_file of server \d+: reviewedHash differs/,
      ],
      [`UPDATE tools SET enabled = 1 WHERE name = 'write_file'`, /write_file.*: enabled differs/],
      [
        `UPDATE tools SET definition = json_set(definition, '$.annotations.readOnlyHint', json('true')) WHERE name = 'write_file'`,
        /write_file.*: definitionSha differs/,
      ],
      [
        `UPDATE tools SET poison = '[]', hash = 'forged' WHERE name = 'read_file'`,
        /read_file.*: hash differs/,
      ],
    ];
    for (const [sql, problem] of cases) {
      const { file } = sampleFile();
      edit(file, sql);
      expect(verify(file)).toMatchObject({ ok: false, problem: expect.stringMatching(problem) });
    }
  });

  it('catches a mode flipped in the file, a pause lifted, and a setting planted', () => {
    const cases: [string, RegExp][] = [
      [
        `UPDATE settings SET value = '"observe"' WHERE key = 'mode'`,
        /^setting mode: value differs/,
      ],
      [`UPDATE settings SET value = '3600' WHERE key = 'timeoutSeconds'`, /timeoutSeconds: value/],
      [`INSERT INTO settings (key, value) VALUES ('paused2', 'true')`, /setting paused2 is not on/],
    ];
    for (const [sql, problem] of cases) {
      const { file } = sampleFile();
      edit(file, sql);
      expect(verify(file)).toMatchObject({ ok: false, problem: expect.stringMatching(problem) });
    }
  });

  it('a rule row edited into unreadable JSON is reported, not a crash', () => {
    const { file } = sampleFile();
    edit(file, `UPDATE rules SET conditions = '[{' WHERE id = 1`);
    expect(verify(file)).toMatchObject({ ok: false, problem: expect.stringMatching(/^rule 1: /) });
  });

  it('a change in poisoning findings goes on the chain', () => {
    const { store } = tempStore();
    const { id } = store.servers.upsert({ host: 'h', name: 's', command: 'c', args: [] }, 1);
    store.tools.recordList(id, [{ definition: READ, hash: 'h1', poison: [] }], 2);
    const finding = { code: 'desc.shadow', text: 'Mentions another server’s tool.' };
    store.tools.recordList(id, [{ definition: READ, hash: 'h1', poison: [finding] }], 3);
    store.tools.recordList(id, [{ definition: READ, hash: 'h1', poison: [finding] }], 4);
    const db = new Database(store.file, { readonly: true });
    const scanned = db
      .prepare("SELECT payload FROM events WHERE type = 'tool.scanned'")
      .pluck()
      .all() as string[];
    db.close();
    expect(scanned.map((p) => JSON.parse(p) as unknown)).toEqual([
      { serverId: id, name: 'read_file', poison: [finding] },
    ]);
    expect(store.audit.verify()).toMatchObject({ ok: true });
    store.close();
  });

  it('after pruning, the snapshot in the prune event stands in for the deleted events', () => {
    const { file } = sampleFile();
    const store = openStore(file);
    // Everything so far is older than a day at this "now": the chain's prefix goes.
    const pruned = store.retention.prune(1, 10 * 86_400_000);
    expect(pruned.events).toBeGreaterThan(10);
    expect(store.audit.verify()).toMatchObject({ ok: true });
    store.settings.set('mode', 'observe', 10 * 86_400_000 + 1);
    expect(store.audit.verify()).toMatchObject({ ok: true });
    store.close();
    edit(file, `UPDATE rules SET risk_ceiling = 'high' WHERE id = 1`);
    expect(verify(file)).toMatchObject({
      ok: false,
      problem: 'rule 1: riskCeiling differs from what the chain recorded',
    });
  });

  it('a record pruned by an older version (no snapshot) still verifies what it can', () => {
    const { file } = sampleFile();
    const store = openStore(file);
    const { seq } = store.retention.prune(1, 10 * 86_400_000);
    store.close();
    // Rewrite the prune row as an older version wrote it (no state), hash and head included.
    const db = new Database(file);
    db.exec('DROP TRIGGER events_no_update');
    // Hashes are stored as bytes; they are computed over their hex text.
    const row = db.prepare('SELECT at, type, payload FROM events WHERE seq = ?').get(seq) as {
      at: number;
      type: string;
      payload: string;
    };
    const { state: _state, ...legacy } = JSON.parse(row.payload) as Record<string, unknown>;
    const payload = canonicalJson(legacy);
    const hash = eventHash({
      seq: seq!,
      at: row.at,
      type: row.type,
      callId: null,
      payload,
      prevHash: prevHashOf(db, seq!),
    });
    db.prepare('UPDATE events SET payload = ?, hash = unhex(?) WHERE seq = ?').run(
      payload,
      hash,
      seq,
    );
    db.prepare('UPDATE chain_head SET hash = ?').run(hash);
    db.close();
    const again = openStore(file);
    again.audit.reanchor();
    expect(again.audit.verify()).toMatchObject({ ok: true });
    // What changed after the cut is still judged.
    again.rules.update(1, { note: 'checked' }, 10 * 86_400_000 + 1);
    again.close();
    edit(file, `UPDATE rules SET note = 'forged' WHERE id = 1`);
    expect(verify(file)).toMatchObject({
      ok: false,
      problem: 'rule 1: note differs from what the chain recorded',
    });
  });
});
