// Everything that decides (rules, settings, each tool's pinned definition, reviewed hash and
// on/off switch) is on the event chain, not only calls. Poisoning findings are chained when
// they change ('tool.scanned') but not compared: every tools/list rescans and rewrites them
// before the session's calls, and older versions rewrote them without an event. `audit verify` replays those events
// into the state they describe and compares it with the tables, so a rule edited or inserted in
// the file, a reviewed hash rewritten or a mode flipped behind the chain's back is caught.
// Pruning deletes the chain's prefix; the 'pruned' event therefore carries a snapshot of this
// state, and the replay starts again from the newest snapshot.
import type Database from 'better-sqlite3';
import type { Rule } from '../contract/types';
import { canonicalJson } from '../contract/canonicalJson';
import { sha256 } from './chain';
import { ruleFromRow, type RuleDbRow } from './rules';

/** What the chain says a tool is, as far as deciding goes. */
export interface ToolFacts {
  hash: string;
  reviewedHash: string | null;
  enabled: boolean;
  /** sha256 of the canonical JSON of the definition (risk reads its annotations). */
  definitionSha: string;
}

export interface DecidingState {
  rules: Record<string, Rule>;
  settings: Record<string, unknown>;
  /** Keyed by toolKey(serverId, name). */
  tools: Record<string, ToolFacts>;
}

export const toolKey = (serverId: number, name: string): string => `${serverId}\u0000${name}`;
export const digestOf = (value: unknown): string => sha256(canonicalJson(value));

interface ToolDbRow {
  server_id: number;
  name: string;
  definition: string;
  hash: string;
  reviewed_hash: string | null;
  enabled: number;
  poison: string;
}

// A row edited into text that no longer parses must be reported as different, not crash verify.
function readable<T>(read: () => T, raw: unknown): T | { unreadable: unknown } {
  try {
    return read();
  } catch {
    return { unreadable: raw };
  }
}

function toolFactsOfRow(r: ToolDbRow): ToolFacts {
  return {
    hash: r.hash,
    reviewedHash: r.reviewed_hash,
    enabled: r.enabled === 1,
    definitionSha: digestOf(readable(() => JSON.parse(r.definition) as unknown, r.definition)),
  };
}

/** The deciding state as the tables hold it now (also the snapshot a prune records). */
export function currentState(db: Database.Database): DecidingState {
  const rules: Record<string, Rule> = {};
  for (const row of db.prepare<[], RuleDbRow>('SELECT * FROM rules').iterate())
    rules[row.id] = readable(() => ruleFromRow(row), row) as Rule;
  const settings: Record<string, unknown> = {};
  const settingRows = db.prepare<[], { key: string; value: string }>(
    'SELECT key, value FROM settings',
  );
  for (const { key, value } of settingRows.iterate())
    settings[key] = readable(() => JSON.parse(value) as unknown, value);
  const tools: Record<string, ToolFacts> = {};
  const toolRows = db.prepare<[], ToolDbRow>(
    'SELECT server_id, name, definition, hash, reviewed_hash, enabled, poison FROM tools',
  );
  for (const row of toolRows.iterate())
    tools[toolKey(row.server_id, row.name)] = toolFactsOfRow(row);
  return { rules, settings, tools };
}

type Payload = Record<string, unknown>;

/** Replays one event into the state; returns the keys it touched, for naming a bad row. */
export class StateReplay {
  state: DecidingState = { rules: {}, settings: {}, tools: {} };
  /** False after a prune that kept no snapshot (an older version pruned): unseen rows pass. */
  complete = true;
  /** Which event last set each entity, by "rule:N", "setting:K", "tool:KEY". */
  readonly lastSeq = new Map<string, number>();
  /** Tools first met after a prune without a snapshot: only part of their state is known. */
  readonly unanchored = new Set<string>();

  apply(seq: number, type: string, p: Payload): void {
    const s = this.state;
    switch (type) {
      case 'rule.added':
      case 'rule.changed': {
        const rule = p.rule as Rule;
        s.rules[rule.id] = rule;
        this.lastSeq.set(`rule:${rule.id}`, seq);
        return;
      }
      case 'rule.removed':
        delete s.rules[p.ruleId as number];
        this.lastSeq.set(`rule:${String(p.ruleId)}`, seq);
        return;
      case 'setting.changed':
        s.settings[p.key as string] = p.value;
        this.lastSeq.set(`setting:${String(p.key)}`, seq);
        return;
      case 'tool.added':
        this.setTool(seq, p, () => ({
          hash: p.hash as string,
          reviewedHash: p.hash as string,
          enabled: true,
          definitionSha: digestOf(p.definition),
        }));
        return;
      case 'tool.changed':
        this.setTool(seq, p, (t) => ({
          ...t,
          hash: p.hash as string,
          definitionSha: digestOf(p.definition),
        }));
        return;
      case 'tool.reviewed':
        this.setTool(seq, p, (t) => ({ ...t, reviewedHash: p.hash as string }));
        return;
      case 'tool.enabled':
        this.setTool(seq, p, (t) => ({ ...t, enabled: p.enabled === true }));
        return;
      case 'pruned':
        if (p.state && typeof p.state === 'object') {
          this.state = structuredClone(p.state as DecidingState);
          this.complete = true;
          this.unanchored.clear();
        } else {
          this.complete = false;
        }
        return;
    }
  }

  private setTool(seq: number, p: Payload, next: (t: ToolFacts) => ToolFacts): void {
    const key = toolKey(p.serverId as number, p.name as string);
    const known = this.state.tools[key];
    // A tool event for a tool the replay never saw added: only possible after an old prune.
    if (!known && !this.complete) this.unanchored.add(key);
    const base = known ?? { hash: '', reviewedHash: null, enabled: true, definitionSha: '' };
    this.state.tools[key] = next(base);
    this.lastSeq.set(`tool:${key}`, seq);
  }
}

export interface StateProblem {
  /** The event that last set the entity; null when the chain never mentioned it. */
  seq: number | null;
  problem: string;
}

const toolLabel = (key: string): string => {
  const [serverId, name] = key.split('\u0000');
  return `tool ${name} of server ${serverId}`;
};

function firstFieldDifference(expected: object, actual: object): string | null {
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  for (const k of [...new Set([...Object.keys(e), ...Object.keys(a)])].sort()) {
    if (canonicalJson(e[k] ?? null) !== canonicalJson(a[k] ?? null)) return k;
  }
  return null;
}

/** Compares the replayed state with the tables; the first disagreement, or null. */
export function compareState(replay: StateReplay, actual: DecidingState): StateProblem | null {
  const kinds: [
    'rules' | 'settings' | 'tools',
    string,
    (key: string) => string,
    (v: unknown) => object,
  ][] = [
    ['rules', 'rule', (k) => `rule ${k}`, (v) => v as object],
    ['settings', 'setting', (k) => `setting ${k}`, (v) => ({ value: v })],
    ['tools', 'tool', toolLabel, (v) => v as object],
  ];
  for (const [field, prefix, label, shape] of kinds) {
    const expected = replay.state[field] as Record<string, unknown>;
    const held = actual[field] as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(held)])].sort();
    for (const key of keys) {
      const seq = replay.lastSeq.get(`${prefix}:${key}`) ?? null;
      if (!(key in held)) {
        return { seq, problem: `${label(key)} was deleted behind the chain's back` };
      }
      if (prefix === 'tool' && replay.unanchored.has(key)) continue;
      if (!(key in expected)) {
        if (!replay.complete) continue;
        return { seq: null, problem: `${label(key)} is not on the chain (added behind its back)` };
      }
      const diff = firstFieldDifference(shape(expected[key]), shape(held[key]));
      if (diff !== null)
        return { seq, problem: `${label(key)}: ${diff} differs from what the chain recorded` };
    }
  }
  return null;
}
