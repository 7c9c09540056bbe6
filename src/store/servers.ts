import type { ServerIdentity } from '../contract/types';
import { canonicalJson } from './canonical';
import type { StoreContext } from './context';
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
}

export interface ServerRepo {
  /** A changed identity (any field) is a new server with a new id. */
  upsert(identity: ServerIdentity, now: number): { id: number; isNew: boolean };
  list(): ServerRow[];
  get(id: number): ServerRow | null;
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
  return { id: r.id, identity, firstSeen: r.first_seen, lastSeen: r.last_seen };
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
    list: () => all.all().map(toRow),
    get(id) {
      const r = one.get(id);
      return r ? toRow(r) : null;
    },
  };
}
