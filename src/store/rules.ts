import type { ArgCondition, RiskLevel, Rule, RuleAction, RuleExpiry } from '../contract/types';
import type { StoreContext } from './context';
import { cachedByKey } from './readCache';

export interface RuleDbRow {
  id: number;
  server_id: number | null;
  tool: string;
  conditions: string;
  action: string;
  expiry: string;
  risk_ceiling: string | null;
  note: string;
  origin: string;
  enabled: number;
  /** Added by migration call_results: absent from rows read before it ran. */
  review_results?: string | null;
  created_at: number;
}

export type NewRule = Omit<Rule, 'id' | 'createdAt'>;
export type RulePatch = Partial<NewRule>;

export interface RuleRepo {
  list(): Rule[];
  get(id: number): Rule | null;
  add(rule: NewRule, now: number): Rule;
  /** Throws on an unknown id. */
  update(id: number, patch: RulePatch, now?: number): Rule;
  remove(id: number, now?: number): boolean;
}

export function ruleFromRow(r: RuleDbRow): Rule {
  return {
    id: r.id,
    serverId: r.server_id,
    tool: r.tool,
    conditions: JSON.parse(r.conditions) as ArgCondition[],
    action: r.action as RuleAction,
    expiry: JSON.parse(r.expiry) as RuleExpiry,
    riskCeiling: r.risk_ceiling as RiskLevel | null,
    // Only when set: rules written before this field existed read (and chain) as they were.
    ...(r.review_results === 'flagged' || r.review_results === 'all'
      ? { reviewResults: r.review_results }
      : {}),
    note: r.note,
    origin: r.origin,
    enabled: r.enabled === 1,
    createdAt: r.created_at,
  };
}

export function ruleRepo(ctx: StoreContext): RuleRepo {
  const all = ctx.r.prepare<[], RuleDbRow>('SELECT * FROM rules ORDER BY id');
  const oneR = ctx.r.prepare<[number], RuleDbRow>('SELECT * FROM rules WHERE id = ?');
  const oneW = ctx.w.prepare<[number], RuleDbRow>('SELECT * FROM rules WHERE id = ?');
  const insert = ctx.w.prepare(
    `INSERT INTO rules (server_id, tool, conditions, action, expiry, risk_ceiling, note, origin,
       enabled, review_results, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const save = ctx.w.prepare(
    `UPDATE rules SET server_id = ?, tool = ?, conditions = ?, action = ?, expiry = ?,
       risk_ceiling = ?, note = ?, origin = ?, enabled = ?, review_results = ? WHERE id = ?`,
  );
  const del = ctx.w.prepare('DELETE FROM rules WHERE id = ?');

  const columns = (r: NewRule) =>
    [
      r.serverId,
      r.tool,
      JSON.stringify(r.conditions),
      r.action,
      JSON.stringify(r.expiry),
      r.riskCeiling,
      r.note,
      r.origin,
      r.enabled ? 1 : 0,
      r.reviewResults ?? null,
    ] as const;
  const mustGet = (id: number): Rule => {
    const row = oneW.get(id);
    if (!row) throw new Error(`unknown rule ${id}`);
    return ruleFromRow(row);
  };

  const listNow = cachedByKey(ctx, () => all.all().map(ruleFromRow));

  return {
    list: () => listNow(''),
    get(id) {
      const row = oneR.get(id);
      return row ? ruleFromRow(row) : null;
    },
    add(rule, now) {
      return ctx.write(() => {
        const id = Number(insert.run(...columns(rule), now).lastInsertRowid);
        const saved = mustGet(id);
        ctx.append('rule.added', { rule: saved }, now);
        return saved;
      });
    },
    update(id, patch, now = Date.now()) {
      return ctx.write(() => {
        const { id: _id, createdAt: _c, ...current } = mustGet(id);
        const next: NewRule = { ...current, ...stripUndefined(patch) };
        save.run(...columns(next), id);
        const saved = mustGet(id);
        ctx.append('rule.changed', { rule: saved }, now);
        return saved;
      });
    },
    remove(id, now = Date.now()) {
      return ctx.write(() => {
        if (del.run(id).changes === 0) return false;
        ctx.append('rule.removed', { ruleId: id }, now);
        return true;
      });
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
