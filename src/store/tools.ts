import type { PoisonFinding, ToolDefinition, ToolRecord } from '../contract/types';
import { canonicalJson } from '../contract/canonicalJson';
import { parseJson, type StoreContext } from './context';
import { cachedByKey } from './readCache';

interface ToolDbRow {
  server_id: number;
  name: string;
  definition: string;
  hash: string;
  reviewed_hash: string | null;
  previous_definition: string | null;
  first_seen: number;
  last_seen: number;
  enabled: number;
  poison: string;
}

export interface ListedTool {
  definition: ToolDefinition;
  /** toolHash(definition), computed by the registry (key order ignored). */
  hash: string;
  poison: PoisonFinding[];
}

export interface RecordedTool {
  record: ToolRecord;
  isNew: boolean;
  /** The definition differs from the one stored before this list. */
  changed: boolean;
}

export interface ToolRepo {
  recordList(serverId: number, tools: ListedTool[], now: number): RecordedTool[];
  get(serverId: number, name: string): ToolRecord | null;
  listForServer(serverId: number): ToolRecord[];
  setEnabled(serverId: number, name: string, enabled: boolean, now?: number): void;
  /** The user accepted the current definition: reviewedHash = hash. */
  markReviewed(serverId: number, name: string, now?: number): void;
}

function toRecord(r: ToolDbRow): ToolRecord {
  return {
    serverId: r.server_id,
    name: r.name,
    definition: JSON.parse(r.definition) as ToolDefinition,
    hash: r.hash,
    reviewedHash: r.reviewed_hash,
    previousDefinition: parseJson<ToolDefinition | null>(r.previous_definition, null),
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    enabled: r.enabled === 1,
    poison: parseJson<PoisonFinding[]>(r.poison, []),
  };
}

export function toolRepo(ctx: StoreContext): ToolRepo {
  const sql = 'SELECT * FROM tools WHERE server_id = ? AND name = ?';
  const findW = ctx.w.prepare<[number, string], ToolDbRow>(sql);
  const findR = ctx.r.prepare<[number, string], ToolDbRow>(sql);
  const forServer = ctx.r.prepare<[number], ToolDbRow>(
    'SELECT * FROM tools WHERE server_id = ? ORDER BY name',
  );
  const insert = ctx.w.prepare(
    `INSERT INTO tools (server_id, name, definition, hash, reviewed_hash, previous_definition,
       first_seen, last_seen, enabled, poison)
     VALUES (?, ?, ?, ?, ?, NULL, ?, ?, 1, ?)`,
  );
  const change = ctx.w.prepare(
    `UPDATE tools SET definition = ?, hash = ?, previous_definition = ?, last_seen = ?, poison = ?
     WHERE server_id = ? AND name = ?`,
  );
  const touch = ctx.w.prepare(
    'UPDATE tools SET last_seen = max(last_seen, ?), poison = ? WHERE server_id = ? AND name = ?',
  );
  const enable = ctx.w.prepare('UPDATE tools SET enabled = ? WHERE server_id = ? AND name = ?');
  const review = ctx.w.prepare(
    'UPDATE tools SET reviewed_hash = hash WHERE server_id = ? AND name = ?',
  );

  // Keyed by server id, a newline, then the name (which may hold newlines: only the first cuts).
  const getNow = cachedByKey(ctx, (key) => {
    const cut = key.indexOf('\n');
    const r = findR.get(Number(key.slice(0, cut)), key.slice(cut + 1));
    return r ? toRecord(r) : null;
  });

  function mustFind(serverId: number, name: string): ToolDbRow {
    const row = findW.get(serverId, name);
    if (!row) throw new Error(`unknown tool ${name} of server ${serverId}`);
    return row;
  }

  return {
    recordList(serverId, tools, now) {
      return ctx.write(() =>
        tools.map(({ definition, hash, poison }): RecordedTool => {
          const name = definition.name;
          const text = canonicalJson(definition);
          const poisonText = JSON.stringify(poison);
          const old = findW.get(serverId, name);
          if (!old) {
            // Trust on first use: the first definition seen is the pinned one; "new" is told
            // apart by isNew / firstSeen, not by an unreviewed hash.
            insert.run(serverId, name, text, hash, hash, now, now, poisonText);
            ctx.append('tool.added', { serverId, name, hash, definition, poison }, now);
            return { record: toRecord(mustFind(serverId, name)), isNew: true, changed: false };
          }
          if (old.hash === hash) {
            touch.run(now, poisonText, serverId, name);
            // Findings raise a call's risk, so a change in them goes on the chain too.
            if (old.poison !== poisonText)
              ctx.append('tool.scanned', { serverId, name, poison }, now);
            return { record: toRecord(mustFind(serverId, name)), isNew: false, changed: false };
          }
          // Keep the definition the user last reviewed as "previous", so the diff shown is
          // against what they accepted even after several unreviewed changes.
          const previous =
            old.hash === old.reviewed_hash || old.previous_definition === null
              ? old.definition
              : old.previous_definition;
          change.run(text, hash, previous, now, poisonText, serverId, name);
          ctx.append(
            'tool.changed',
            { serverId, name, hash, previousHash: old.hash, definition, poison },
            now,
          );
          return { record: toRecord(mustFind(serverId, name)), isNew: false, changed: true };
        }),
      );
    },
    get: (serverId, name) => getNow(`${serverId}\n${name}`),
    listForServer: (serverId) => forServer.all(serverId).map(toRecord),
    setEnabled(serverId, name, enabled, now = Date.now()) {
      ctx.write(() => {
        mustFind(serverId, name);
        enable.run(enabled ? 1 : 0, serverId, name);
        ctx.append('tool.enabled', { serverId, name, enabled }, now);
      });
    },
    markReviewed(serverId, name, now = Date.now()) {
      ctx.write(() => {
        const row = mustFind(serverId, name);
        review.run(serverId, name);
        ctx.append('tool.reviewed', { serverId, name, hash: row.hash }, now);
      });
    },
  };
}
