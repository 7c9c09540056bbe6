import { parse, dataDirOf, noExtraArguments, str, UsageError, type Parsed } from '../args';
import type { Io } from '../output';
import { openExistingRecord, openRecordForWriting } from '../record';
import type { Store } from '../../store/store';
import { validateRule } from '../../policy/rules';
import { replayRule } from '../../gate/ruleReplay';
import { nodePathEnv } from '../../policy/paths';
import type { ArgCondition, RiskLevel, Rule } from '../../contract/types';
import { historyLine } from './history';
import { describeCondition } from '../../contract/ruleText';
import { describeExpiry, expiryFor, type Duration } from '../../contract/durations';
import type { RuleDraft } from '../../contract/ipc';
import { ALLOWS_EVERYTHING_MESSAGE, widensToEverything } from '../../gate/controlChanges';
import { changeThroughGate } from '../throughGate';

export { allowsEverything } from '../../gate/controlChanges';

export const RULES_HELP = `Usage:
  airlock rules list [--json]
  airlock rules add --tool GLOB [--server NAME|ID] [--action ask|allow|deny] [CONDITIONS]
                    [--expires 15m|1h|forever] [--max-risk low|medium|high|any] [--note TEXT]
                    [--review-results flagged|all] [--yes]
  airlock rules edit ID [--tool GLOB] [--server NAME|ID | --any-server]
                    [--action ask|allow|deny] [CONDITIONS | --clear-conditions]
                    [--expires 15m|1h|forever] [--max-risk low|medium|high|any]
                    [--note TEXT] [--review-results flagged|all|off] [--yes]
  airlock rules remove ID
  airlock rules enable ID | disable ID
  airlock rules test ID [--limit N]        which recorded calls rule ID would match

Rules decide calls without asking. Precedence: deny > ask > allow, the most specific rule
wins among equals, an expired rule never matches, and a critical-risk call always asks.
A tool whose definition changed has its allow rules suspended until you review it.

A running gate (the desktop app or \`airlock gate\`) makes the change itself, so it is in
force for the very next call and an open app shows it at once; with no gate running the
command writes the record, and the next gate starts with it.

rules add: --action defaults to ask. An allow rule lets calls through only up to --max-risk
(default medium; a riskier call still asks); --max-risk any lifts the ceiling. An allow rule for
every tool ("*") on every server needs --yes. The line printed says what the rule lets through.
--review-results (allow rules) holds the results of the calls it lets through for review
before the agent reads them: the flagged ones, or all (decide them with airlock result).

rules edit changes only what its flags name and keeps the rule's id; the rest stays as it was
(--action too). Conditions given replace all of the rule's conditions; --clear-conditions
drops them, --any-server widens the rule to every server, --review-results off stops holding
results, --expires counts from now. A rule that becomes an allow gets the medium ceiling
unless --max-risk says otherwise; one that stops being an allow loses its ceiling and result
review. The same checks as add apply (an allow for "*" on every server needs --yes).

Conditions (repeatable; JSON paths into the arguments such as path, $.options.mode, files[*]):
  --under PATH=DIR       a path argument lies under DIR (compared by component, ~ and .. resolved)
  --equals PATH=VALUE    equals VALUE (read as JSON when it parses, else as text)
  --one-of PATH=A,B,C    one of the values
  --regex PATH=RE        matches the regular expression
  --range PATH=MIN..MAX  a number in the range (either end may be empty)`;

const OPTIONS = {
  json: { type: 'boolean' },
  tool: { type: 'string' },
  server: { type: 'string' },
  action: { type: 'string' },
  under: { type: 'string', multiple: true },
  equals: { type: 'string', multiple: true },
  'one-of': { type: 'string', multiple: true },
  regex: { type: 'string', multiple: true },
  range: { type: 'string', multiple: true },
  expires: { type: 'string' },
  'max-risk': { type: 'string' },
  'review-results': { type: 'string' },
  note: { type: 'string' },
  'any-server': { type: 'boolean' },
  'clear-conditions': { type: 'boolean' },
  limit: { type: 'string' },
  yes: { type: 'boolean' },
} as const;

export async function rulesCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals: all } = parse(argv, OPTIONS);
  const [sub, ...positionals] = all;
  if (values.help || sub === undefined) {
    io.out(RULES_HELP);
    return values.help ? 0 : 2;
  }
  if (!['list', 'add', 'edit', 'remove', 'enable', 'disable', 'test'].includes(sub))
    throw new UsageError(
      `unknown rules command "${sub}" (list, add, edit, remove, enable, disable or test)`,
    );
  noExtraArguments(
    positionals,
    ['edit', 'remove', 'enable', 'disable', 'test'].includes(sub) ? 1 : 0,
  );
  const dir = dataDirOf(values).dir;
  for (const flag of ['any-server', 'clear-conditions'])
    if (values[flag] === true && sub !== 'edit')
      throw new UsageError(`--${flag} belongs to rules edit`);
  // A mistyped rule creates or changes nothing: judged before the record is opened.
  if (sub === 'add') checkAddFlags(values);
  if (sub === 'edit') checkEditFlags(values);
  // Only `add` may create the record; the others read or change what is already there.
  const store = sub === 'add' ? openRecordForWriting(dir) : openExistingRecord(dir);
  try {
    switch (sub) {
      case 'list':
        return listRules(store, values, io);
      case 'add':
        return await addRule(store, dir, values, io);
      case 'edit':
        return await editRule(store, dir, ruleId(positionals), values, io);
      case 'remove': {
        const id = ruleId(positionals);
        const answer = await changeThroughGate(dir, { t: 'removeRule', id });
        if (!answer && !store.rules.remove(id)) throw new Error(`there is no rule ${id}`);
        io.out(`Removed rule ${id}.`);
        return 0;
      }
      case 'enable':
      case 'disable':
        return await switchRule(store, dir, ruleId(positionals), sub === 'enable', values, io);
      case 'test':
        return testRule(store, ruleId(positionals), values, io);
      default:
        throw new UsageError(`unknown rules command "${sub}"`);
    }
  } finally {
    store.close();
  }
}

function ruleId(positionals: string[]): number {
  const text = positionals[0];
  if (text === undefined)
    throw new UsageError('give the ID of a rule, as `airlock rules list` shows it');
  const id = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id) || id < 1)
    throw new UsageError(`"${text}" is not a rule ID (a whole number such as 3)`);
  return id;
}

function listRules(store: Store, values: Parsed['values'], io: Io): number {
  const rules = store.rules.list();
  if (values.json) io.out(JSON.stringify(rules, null, 2));
  else if (rules.length === 0) io.out('No rules.');
  else for (const rule of rules) io.out(describeRule(rule, store));
  return 0;
}

/** A moment as the command line writes it: UTC, to the minute ("2026-12-01 14:02Z"). */
const isoMinute = (ms: number): string =>
  `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')}Z`;

/** `now` only decides whether an end time has passed ("expired (…)"). */
export function describeRule(rule: Rule, store: Store, now = Date.now()): string {
  const server = rule.serverId === null ? 'any server' : serverLabel(store, rule.serverId);
  const conditions = rule.conditions.map(describeCondition).join(' and ');
  // Worded as the app words it: "always", "for 1 hour (until …)", "until the host restarts".
  const expiry = `, ${describeExpiry(rule.expiry, { now, createdAt: rule.createdAt, time: isoMinute })}`;
  const ceiling =
    rule.action !== 'allow'
      ? ''
      : rule.riskCeiling
        ? ` up to ${rule.riskCeiling} risk`
        : ' at any risk';
  const off = rule.enabled ? '' : ' (disabled)';
  const note = rule.note ? ` — ${rule.note}` : '';
  return `${rule.id}  ${rule.action} ${rule.tool} on ${server}${conditions ? ` when ${conditions}` : ''}${ceiling}${expiry}${off}  [${rule.origin}]${note}`;
}

function serverLabel(store: Store, id: number): string {
  const s = store.servers.get(id);
  return s ? `${s.identity.host}/${s.identity.name} (#${id})` : `server #${id}`;
}

function pairs(values: Parsed['values'], name: string): [string, string][] {
  const list = (values[name] as string[] | undefined) ?? [];
  return list.map((item) => {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`--${name} takes PATH=VALUE, got "${item}"`);
    return [item.slice(0, at), item.slice(at + 1)];
  });
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function conditionsFromFlags(values: Parsed['values']): ArgCondition[] {
  const out: ArgCondition[] = [];
  for (const [path, value] of pairs(values, 'under')) out.push({ path, op: 'under', value });
  for (const [path, value] of pairs(values, 'equals'))
    out.push({ path, op: 'equals', value: jsonOrText(value) });
  for (const [path, value] of pairs(values, 'one-of'))
    out.push({ path, op: 'oneOf', value: value.split(',').map(jsonOrText) });
  for (const [path, value] of pairs(values, 'regex')) out.push({ path, op: 'regex', value });
  for (const [path, value] of pairs(values, 'range')) {
    const m = /^(-?[\d.]*)\.\.(-?[\d.]*)$/.exec(value);
    if (
      !m ||
      (m[1] === '' && m[2] === '') ||
      [m[1], m[2]].some((end) => end !== '' && !Number.isFinite(Number(end)))
    )
      throw new UsageError(`--range takes PATH=MIN..MAX with numbers, got "${value}"`);
    out.push({
      path,
      op: 'range',
      ...(m[1] ? { min: Number(m[1]) } : {}),
      ...(m[2] ? { max: Number(m[2]) } : {}),
    });
  }
  return out;
}

function resolveServer(store: Store, text: string | undefined): number | null {
  if (text === undefined) return null;
  if (/^\d+$/.test(text)) {
    if (!store.servers.get(Number(text))) throw new Error(`there is no server #${text}`);
    return Number(text);
  }
  const matches = store.servers.list().filter((s) => s.identity.name === text);
  if (matches.length === 1) return matches[0]!.id;
  if (matches.length === 0) throw new Error(`no server named "${text}" has been seen yet`);
  const ids = matches.map((s) => `#${s.id} (${s.identity.host})`).join(', ');
  throw new Error(`"${text}" names several servers: ${ids}; give its number`);
}

/** --expires and --action, when given, are among their choices; the action as given. */
function checkedAction(values: Parsed['values']): string | undefined {
  const expires = str(values, 'expires');
  if (expires !== undefined && !['15m', '1h', 'forever'].includes(expires))
    throw new UsageError(`--expires is 15m, 1h or forever, not "${expires}"`);
  const action = str(values, 'action');
  if (action !== undefined && !['allow', 'ask', 'deny'].includes(action))
    throw new UsageError(`--action is allow, ask or deny, not "${action}"`);
  return action;
}

/** Everything about `rules add` that can be judged without the record, in the user's terms. */
function checkAddFlags(values: Parsed['values']): void {
  if (!str(values, 'tool')) throw new UsageError('rules add needs --tool GLOB');
  const action = checkedAction(values);
  const checked = validateRule({
    serverId: null,
    tool: str(values, 'tool'),
    conditions: conditionsFromFlags(values),
    action: action ?? 'ask',
    riskCeiling: ceilingFromFlag(action ?? 'ask', str(values, 'max-risk')),
    reviewResults: reviewResultsFromFlag(action ?? 'ask', str(values, 'review-results')),
    note: str(values, 'note') ?? '',
  });
  if (!checked.ok) throw new UsageError(ruleProblemInFlags(checked.error));
}

/** The risk ceiling of a new rule: medium for allow unless chosen; "any" is said explicitly. */
export function ceilingFromFlag(action: string, flag: string | undefined): RiskLevel | null {
  if (flag === undefined) return action === 'allow' ? 'medium' : null;
  if (!['low', 'medium', 'high', 'any'].includes(flag))
    throw new UsageError(
      `--max-risk is low, medium, high or any, not "${flag}"; critical calls always ask`,
    );
  if (action !== 'allow') throw new UsageError('--max-risk applies to allow rules only');
  return flag === 'any' ? null : (flag as RiskLevel);
}

/** Which results of an allow rule's calls are held for review; null: none. */
export function reviewResultsFromFlag(
  action: string,
  flag: string | undefined,
): 'flagged' | 'all' | null {
  if (flag === undefined) return null;
  if (flag !== 'flagged' && flag !== 'all')
    throw new UsageError(`--review-results is flagged or all, not "${flag}"`);
  if (action !== 'allow') throw new UsageError('--review-results applies to allow rules only');
  return flag;
}

/** What a rule does, in one plain sentence, so the person adding it sees what it lets through. */
export function ruleEffect(rule: Rule, store: Store): string {
  const server = rule.serverId === null ? 'any server' : serverLabel(store, rule.serverId);
  const tools = /^\*+$/.test(rule.tool) ? 'every tool' : `tool ${rule.tool}`;
  const when =
    rule.conditions.length > 0
      ? ` when ${rule.conditions.map(describeCondition).join(' and ')}`
      : ' with any arguments';
  switch (rule.action) {
    case 'allow': {
      const upTo = rule.riskCeiling
        ? `up to ${rule.riskCeiling} risk (riskier calls still ask)`
        : 'at any risk below critical';
      const held =
        rule.reviewResults === 'all'
          ? ' Every result is held for your review.'
          : rule.reviewResults === 'flagged'
            ? ' A result the scan flags is held for your review.'
            : '';
      return `Lets through, without asking, calls to ${tools} on ${server}${when}, ${upTo}.${held}`;
    }
    case 'ask':
      return `Asks you about calls to ${tools} on ${server}${when}.`;
    case 'deny':
      return `Denies calls to ${tools} on ${server}${when}.`;
  }
}

async function addRule(
  store: Store,
  dir: string,
  values: Parsed['values'],
  io: Io,
): Promise<number> {
  const tool = str(values, 'tool');
  if (!tool) throw new UsageError('rules add needs --tool GLOB');
  const expires = (str(values, 'expires') ?? 'forever') as Duration;
  // Like the app's form: a rule asks unless the person says otherwise.
  const action = str(values, 'action') ?? 'ask';
  const now = Date.now();
  const checked = validateRule({
    serverId: resolveServer(store, str(values, 'server')),
    tool,
    conditions: conditionsFromFlags(values),
    action,
    expiry: expiryFor(expires, now, 'cli'),
    riskCeiling: ceilingFromFlag(action, str(values, 'max-risk')),
    reviewResults: reviewResultsFromFlag(action, str(values, 'review-results')),
    note: str(values, 'note') ?? '',
    origin: 'manual',
  });
  if (!checked.ok) throw new UsageError(ruleProblemInFlags(checked.error));
  if (widensToEverything(null, checked.rule) && values.yes !== true)
    throw new UsageError(ALLOWS_EVERYTHING_MESSAGE);
  const answer = await changeThroughGate(dir, {
    t: 'addRule',
    rule: draftOf(checked.rule),
    confirmed: values.yes === true,
  });
  const rule =
    answer?.t === 'saved' ? savedRule(store, answer.id) : store.rules.add(checked.rule, now);
  io.out(`Added rule ${describeRule(rule, store)}`);
  io.out(ruleEffect(rule, store));
  return 0;
}

/** The flags `rules edit` reads: the same as add's, and the ways to widen back or clear. */
const EDIT_FIELDS = [
  'tool',
  'server',
  'any-server',
  'action',
  'under',
  'equals',
  'one-of',
  'regex',
  'range',
  'clear-conditions',
  'expires',
  'max-risk',
  'review-results',
  'note',
] as const;

/** What can be judged of `rules edit`'s flags without the rule: typos, contradictions, nothing. */
function checkEditFlags(values: Parsed['values']): void {
  if (!EDIT_FIELDS.some((name) => values[name] !== undefined))
    throw new UsageError(
      'rules edit needs something to change: --tool, --server, --action, a condition, --expires, --max-risk, --review-results or --note',
    );
  if (values['any-server'] === true && str(values, 'server') !== undefined)
    throw new UsageError('give --server or --any-server, not both');
  const conditions = conditionsFromFlags(values);
  if (values['clear-conditions'] === true && conditions.length > 0)
    throw new UsageError('give conditions or --clear-conditions, not both');
  const tool = str(values, 'tool');
  if (tool === '') throw new UsageError('--tool needs a tool name or a glob such as "read_*"');
  checkedAction(values);
}

/**
 * The fields `rules edit` changes, as a patch over `current`: only what the flags name, plus
 * what a changed action carries with it (an allow gets the default ceiling unless one is
 * named; a rule that stops allowing keeps no ceiling and holds no results). Pure: the server
 * is resolved by the caller (undefined: not named; null: every server).
 */
export function editPatch(
  current: Rule,
  values: Parsed['values'],
  serverId: number | null | undefined,
  now: number,
): Partial<RuleDraft> {
  const patch: Partial<RuleDraft> = {};
  const tool = str(values, 'tool');
  if (tool !== undefined) patch.tool = tool;
  if (serverId !== undefined) patch.serverId = serverId;
  const action = (str(values, 'action') ?? current.action) as Rule['action'];
  if (action !== current.action) patch.action = action;
  const conditions = conditionsFromFlags(values);
  if (conditions.length > 0 || values['clear-conditions'] === true) patch.conditions = conditions;
  const expires = str(values, 'expires') as Duration | undefined;
  if (expires !== undefined) patch.expiry = expiryFor(expires, now, 'cli');
  const note = str(values, 'note');
  if (note !== undefined) patch.note = note;

  const maxRisk = str(values, 'max-risk');
  if (maxRisk !== undefined) patch.riskCeiling = ceilingFromFlag(action, maxRisk);
  else if (action !== 'allow') {
    if (current.riskCeiling !== null) patch.riskCeiling = null;
  } else if (current.action !== 'allow') patch.riskCeiling = ceilingFromFlag(action, undefined);

  const review = str(values, 'review-results');
  if (review === 'off') patch.reviewResults = null;
  else if (review !== undefined) patch.reviewResults = reviewResultsFromFlag(action, review);
  else if (action !== 'allow' && current.reviewResults) patch.reviewResults = null;
  return patch;
}

/** Change a rule in place, keeping its id; through the running gate when there is one. */
async function editRule(
  store: Store,
  dir: string,
  id: number,
  values: Parsed['values'],
  io: Io,
): Promise<number> {
  const current = store.rules.get(id);
  if (!current) throw new Error(`there is no rule ${id}`);
  const serverId =
    values['any-server'] === true
      ? null
      : str(values, 'server') === undefined
        ? undefined
        : resolveServer(store, str(values, 'server'));
  const patch = editPatch(current, values, serverId, Date.now());
  const { id: _id, createdAt: _created, ...fields } = current;
  const checked = validateRule({ ...fields, ...patch });
  if (!checked.ok) throw new UsageError(ruleProblemInFlags(checked.error));
  if (widensToEverything(current, checked.rule) && values.yes !== true)
    throw new UsageError(ALLOWS_EVERYTHING_MESSAGE);
  const answer = await changeThroughGate(dir, {
    t: 'updateRule',
    id,
    patch,
    confirmed: values.yes === true,
  });
  const rule = answer ? savedRule(store, id) : store.rules.update(id, checked.rule, Date.now());
  io.out(`Edited rule ${describeRule(rule, store)}`);
  io.out(ruleEffect(rule, store));
  return 0;
}

/** Turn a rule on or off; turning on a rule that lets everything through needs --yes. */
async function switchRule(
  store: Store,
  dir: string,
  id: number,
  enabled: boolean,
  values: Parsed['values'],
  io: Io,
): Promise<number> {
  const current = store.rules.get(id);
  if (!current) throw new Error(`there is no rule ${id}`);
  if (widensToEverything(current, { ...current, enabled }) && values.yes !== true)
    throw new UsageError(ALLOWS_EVERYTHING_MESSAGE);
  const answer = await changeThroughGate(dir, {
    t: 'updateRule',
    id,
    patch: { enabled },
    confirmed: values.yes === true,
  });
  const rule = answer ? savedRule(store, id) : store.rules.update(id, { enabled }, Date.now());
  io.out(`${enabled ? 'Enabled' : 'Disabled'} rule ${describeRule(rule, store)}`);
  return 0;
}

/** What the app's form sends for a rule: the fields a person chooses, nothing the core assigns. */
function draftOf(rule: Omit<Rule, 'id' | 'createdAt'>): RuleDraft {
  const { serverId, tool, conditions, action, expiry, riskCeiling, note, enabled } = rule;
  const draft: RuleDraft = {
    serverId,
    tool,
    conditions,
    action,
    expiry,
    riskCeiling,
    note,
    enabled,
  };
  if (rule.reviewResults) draft.reviewResults = rule.reviewResults;
  return draft;
}

/** The rule the gate just saved, read back from the record (the gate commits before it answers). */
function savedRule(store: Store, id: number): Rule {
  const rule = store.rules.get(id);
  if (!rule) throw new Error(`the gate saved rule ${id}, but it is not in the record`);
  return rule;
}

/**
 * validateRule names fields of the stored rule ("conditions.0.value: …", "riskCeiling: …");
 * say them as the flags the user typed. Its messages are sentences already.
 */
export function ruleProblemInFlags(error: string): string {
  const FLAG: Record<string, string> = {
    tool: '--tool',
    action: '--action',
    riskCeiling: '--max-risk',
    reviewResults: '--review-results',
    note: '--note',
    serverId: '--server',
    expiry: '--expires',
  };
  return error
    .split('\n')
    .map((line) => {
      const m = /^([\w.]+): (.*)$/.exec(line);
      if (!m) return line;
      const [field, index] = m[1]!.split('.');
      const flag =
        field === 'conditions' ? `condition ${Number(index) + 1}` : (FLAG[field!] ?? field);
      return `${flag}: ${m[2]}`;
    })
    .join('; ');
}

/** Replay a rule over the record: which past calls would it have matched? */
function testRule(store: Store, id: number, values: Parsed['values'], io: Io): number {
  const rule = store.rules.get(id);
  if (!rule) throw new Error(`there is no rule ${id}`);
  const limitText = str(values, 'limit') ?? '50';
  const limit = /^\d+$/.test(limitText) ? Number(limitText) : NaN;
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new UsageError(`--limit is a whole number of rows, at least 1, not "${limitText}"`);
  const result = replayRule(store, rule, limit, nodePathEnv());
  if (values.json) io.out(JSON.stringify(result, null, 2));
  else {
    io.out(`Rule ${describeRule(rule, store)}`);
    io.out(
      result.matched
        ? `would match ${result.matched} of ${result.scanned} recorded call(s)${result.matched > limit ? `; the newest ${limit}:` : ':'}`
        : `would match none of ${result.scanned} recorded call(s).`,
    );
    for (const row of result.rows) io.out(`  ${historyLine(row)}`);
  }
  return 0;
}
