import type { ServerIdentity } from '../contract/types';
import {
  diffFacts,
  SERVER_INFO_FACT,
  type FactChange,
  type IdentityFacts,
} from '../registry/codeIdentity';
import { canonicalJson } from '../contract/canonicalJson';
import { parseJson, type StoreContext } from './context';
import { cachedByKey } from './readCache';
import type { ServerRow } from './types';

interface ServerDbRow {
  id: number;
  host: string;
  name: string;
  command: string;
  args: string;
  package_version: string | null;
  first_seen: number;
  last_seen: number;
  facts: string | null;
  reviewed_facts: string | null;
}

export interface ServerRepo {
  /** A changed identity (any field) is a new server with a new id. */
  upsert(identity: ServerIdentity, now: number): { id: number; isNew: boolean };
  list(): ServerRow[];
  get(id: number): ServerRow | null;
  /**
   * A session of this server runs with these facts: remember them, trust them if the server
   * was never reviewed (first sighting, or the server's own report seen for the first time),
   * and return what differs from the accepted ones (empty: nothing to review).
   */
  observeFacts(id: number, facts: IdentityFacts, now: number): FactChange[];
  /** What differs between the accepted facts and `facts` (read per call: a review applies at once). */
  changesFor(id: number, facts: IdentityFacts): FactChange[];
  /** The user accepted the facts last seen. False when the server is unknown. */
  reviewFacts(id: number, now: number): boolean;
  /** The shim dropped something this server sent: on the record, against the server. */
  noteDropped(id: number, what: string, now: number): void;
  /** `count` more calls of this server were denied at once because too many were waiting. */
  noteFlood(id: number, count: number, now: number): void;
}

export function identityKey(identity: ServerIdentity): string {
  return canonicalJson({
    host: identity.host,
    name: identity.name,
    command: identity.command,
    args: identity.args,
    packageVersion: identity.packageVersion ?? null,
  });
}

function toRow(r: ServerDbRow): ServerRow {
  const identity: ServerIdentity = {
    host: r.host,
    name: r.name,
    command: r.command,
    args: JSON.parse(r.args) as string[],
  };
  if (r.package_version !== null) identity.packageVersion = r.package_version;
  const facts = parseJson<IdentityFacts | null>(r.facts, null);
  const reviewed = parseJson<IdentityFacts | null>(r.reviewed_facts, null);
  return {
    id: r.id,
    identity,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    facts,
    identityChanges: facts && reviewed ? diffFacts(reviewed, facts) : [],
  };
}

export function serverRepo(ctx: StoreContext): ServerRepo {
  const find = ctx.w.prepare<[string], { id: number }>(
    'SELECT id FROM servers WHERE identity_key = ?',
  );
  const touch = ctx.w.prepare('UPDATE servers SET last_seen = max(last_seen, ?) WHERE id = ?');
  const insert = ctx.w.prepare(
    `INSERT INTO servers (identity_key, host, name, command, args, package_version, first_seen, last_seen)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const all = ctx.r.prepare<[], ServerDbRow>('SELECT * FROM servers ORDER BY id');
  const one = ctx.r.prepare<[number], ServerDbRow>('SELECT * FROM servers WHERE id = ?');
  const factsOf = ctx.w.prepare<[number], Pick<ServerDbRow, 'facts' | 'reviewed_facts'>>(
    'SELECT facts, reviewed_facts FROM servers WHERE id = ?',
  );
  // Read for every call: kept until the store's generation moves, so a review (here or in another
  // process) still applies to the very next call. Never mutated: diffFacts only reads it.
  const reviewedFacts = cachedByKey(ctx, (id) =>
    parseJson<IdentityFacts | null>(factsOf.get(Number(id))?.reviewed_facts ?? null, null),
  );
  const setFacts = ctx.w.prepare('UPDATE servers SET facts = ?, reviewed_facts = ? WHERE id = ?');
  const accept = ctx.w.prepare(
    'UPDATE servers SET reviewed_facts = facts WHERE id = ? AND facts IS NOT NULL',
  );

  return {
    upsert(identity, now) {
      const key = identityKey(identity);
      return ctx.write(() => {
        const found = find.get(key);
        // Seeing a known server again only moves last_seen: bookkeeping, not an audit event.
        if (found) {
          touch.run(now, found.id);
          return { id: found.id, isNew: false };
        }
        const id = Number(
          insert.run(
            key,
            identity.host,
            identity.name,
            identity.command,
            JSON.stringify(identity.args),
            identity.packageVersion ?? null,
            now,
            now,
          ).lastInsertRowid,
        );
        ctx.append('server.added', { serverId: id, identity: JSON.parse(key) }, now);
        return { id, isNew: true };
      });
    },
    observeFacts(id, facts, now) {
      return ctx.write(() => {
        const row = factsOf.get(id);
        if (!row) return [];
        const seen = parseJson<IdentityFacts | null>(row.facts, null);
        let reviewed = parseJson<IdentityFacts | null>(row.reviewed_facts, null);
        const first = reviewed === null;
        reviewed ??= facts;
        // The server's own report arrives after the session starts: the first one is trusted
        // like a first sighting; a different one later is a change.
        const adopted =
          !first && facts[SERVER_INFO_FACT] !== undefined && !(SERVER_INFO_FACT in reviewed);
        if (adopted)
          reviewed = { ...reviewed, [SERVER_INFO_FACT]: facts[SERVER_INFO_FACT] as string };
        const changes = diffFacts(reviewed, facts);
        const sameAsSeen = seen !== null && canonicalJson(seen) === canonicalJson(facts);
        if (!sameAsSeen || first || adopted) {
          setFacts.run(canonicalJson(facts), canonicalJson(reviewed), id);
          if (first || adopted) ctx.append('server.facts-trusted', { serverId: id, facts }, now);
          // On the record once per new difference (not again when serverInfo follows).
          const before = seen ? diffFacts(reviewed, seen) : [];
          if (changes.length && canonicalJson(changes) !== canonicalJson(before))
            ctx.append('server.identity-changed', { serverId: id, changes }, now);
        }
        return changes;
      });
    },
    changesFor(id, facts) {
      const reviewed = reviewedFacts(String(id));
      return reviewed ? diffFacts(reviewed, facts) : [];
    },
    reviewFacts(id, now) {
      return ctx.write(() => {
        if (accept.run(id).changes === 0) return false;
        ctx.append('server.identity-reviewed', { serverId: id }, now);
        return true;
      });
    },
    noteFlood(id, count, now) {
      ctx.write(() => ctx.append('server.flood-denied', { serverId: id, count }, now));
    },
    noteDropped(id, what, now) {
      ctx.write(() => ctx.append('server.dropped', { serverId: id, what }, now));
    },
    list: () => all.all().map(toRow),
    get(id) {
      const r = one.get(id);
      return r ? toRow(r) : null;
    },
  };
}
