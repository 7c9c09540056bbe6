// The rule editor, shared by the consent view ("approve with a rule") and the Rules tab.
import { useId, useState } from 'react';
import type { RuleDraft, ServerView } from '../../src/contract/ipc';
import type { ArgCondition, RiskLevel, RuleAction } from '../../src/contract/types';
import {
  DURATIONS,
  describeExpiry,
  durationOf,
  expiryFor,
  withAction,
  type Duration,
} from '../lib/rules';

const OPS: ArgCondition['op'][] = ['under', 'equals', 'oneOf', 'regex', 'range'];
const RISKS: RiskLevel[] = ['low', 'medium', 'high', 'critical'];

interface Props {
  draft: RuleDraft;
  onChange(draft: RuleDraft): void;
  servers: ServerView[];
  /** Offered for "until the host restarts". */
  sessionId: string | null;
  /** Hide the action picker (the consent view always makes allow rules). */
  fixedAction?: RuleAction;
  /** When the rule being edited was saved; its end time is then shown as saved. */
  createdAt?: number;
}

export function RuleForm({ draft, onChange, servers, sessionId, fixedAction, createdAt }: Props) {
  const uid = useId();
  const [now] = useState(() => Date.now());
  // A saved end time stays as saved until another duration is chosen; a fresh draft's expiry
  // was made from one of the durations a moment ago.
  const [duration, setDuration] = useState<Duration | ''>(() =>
    draft.expiry.kind === 'until' && createdAt !== undefined
      ? ''
      : (durationOf(draft.expiry, now) ?? ''),
  );
  const patch = (p: Partial<RuleDraft>) => onChange({ ...draft, ...p });
  const setCondition = (i: number, c: ArgCondition) =>
    patch({ conditions: draft.conditions.map((old, j) => (j === i ? c : old)) });

  return (
    <div className="rule-form">
      <div className="row">
        <label htmlFor={`${uid}-tool`}>Tool (glob)</label>
        <input
          id={`${uid}-tool`}
          value={draft.tool}
          onChange={(e) => patch({ tool: e.target.value })}
          spellCheck={false}
        />
      </div>
      <div className="row">
        <label htmlFor={`${uid}-server`}>Server</label>
        <select
          id={`${uid}-server`}
          value={draft.serverId ?? ''}
          onChange={(e) =>
            patch({ serverId: e.target.value === '' ? null : Number(e.target.value) })
          }
        >
          <option value="">Any server</option>
          {servers.map((s) => (
            <option key={s.id} value={s.id}>
              {s.identity.name} ({s.identity.host})
            </option>
          ))}
          {draft.serverId !== null && !servers.some((s) => s.id === draft.serverId) ? (
            <option value={draft.serverId}>server #{draft.serverId}</option>
          ) : null}
        </select>
      </div>
      {fixedAction ? null : (
        <div className="row">
          <label htmlFor={`${uid}-action`}>Action</label>
          <select
            id={`${uid}-action`}
            value={draft.action}
            onChange={(e) => onChange(withAction(draft, e.target.value as RuleAction))}
          >
            <option value="allow">Allow</option>
            <option value="ask">Ask</option>
            <option value="deny">Deny</option>
          </select>
        </div>
      )}
      <fieldset>
        <legend>Arguments</legend>
        {draft.conditions.length === 0 ? <p className="muted">Any arguments.</p> : null}
        {draft.conditions.map((c, i) => (
          <ConditionRow
            key={i}
            index={i}
            condition={c}
            onChange={(next) => setCondition(i, next)}
            onRemove={() => patch({ conditions: draft.conditions.filter((_, j) => j !== i) })}
          />
        ))}
        <button
          type="button"
          onClick={() =>
            patch({ conditions: [...draft.conditions, { path: '', op: 'equals', value: '' }] })
          }
        >
          Add condition
        </button>
      </fieldset>
      <div className="row">
        <label htmlFor={`${uid}-expiry`}>Duration</label>
        <select
          id={`${uid}-expiry`}
          value={duration}
          onChange={(e) => {
            const chosen = e.target.value as Duration | '';
            setDuration(chosen);
            if (chosen) patch({ expiry: expiryFor(chosen, Date.now(), sessionId) });
          }}
        >
          {duration === '' ? (
            <option value="">{describeExpiry(draft.expiry, { now, createdAt })} (as saved)</option>
          ) : null}
          {DURATIONS.filter((d) => d.value !== 'session' || sessionId).map((d) => (
            <option key={d.value} value={d.value}>
              {d.label}
            </option>
          ))}
        </select>
      </div>
      {(fixedAction ?? draft.action) === 'allow' ? (
        <div className="row">
          <label htmlFor={`${uid}-ceiling`}>Only up to risk</label>
          <select
            id={`${uid}-ceiling`}
            value={draft.riskCeiling ?? ''}
            onChange={(e) =>
              patch({ riskCeiling: e.target.value === '' ? null : (e.target.value as RiskLevel) })
            }
          >
            <option value="">any risk (critical still asks)</option>
            {RISKS.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {(fixedAction ?? draft.action) === 'allow' ? (
        <div className="row">
          <label htmlFor={`${uid}-review`}>Results</label>
          <select
            id={`${uid}-review`}
            value={draft.reviewResults ?? ''}
            onChange={(e) => {
              const v = e.target.value;
              // null, not absent: an edit that turns it off must say so.
              patch({ reviewResults: v === 'flagged' || v === 'all' ? v : null });
            }}
          >
            <option value="">pass to the agent</option>
            <option value="flagged">review flagged results</option>
            <option value="all">review every result</option>
          </select>
        </div>
      ) : null}
      <div className="row">
        <label htmlFor={`${uid}-note`}>Note</label>
        <input
          id={`${uid}-note`}
          value={draft.note}
          onChange={(e) => patch({ note: e.target.value })}
        />
      </div>
    </div>
  );
}

function ConditionRow({
  index,
  condition,
  onChange,
  onRemove,
}: {
  index: number;
  condition: ArgCondition;
  onChange(c: ArgCondition): void;
  onRemove(): void;
}) {
  const uid = useId();
  const n = index + 1;
  const changeOp = (op: ArgCondition['op']) => {
    const path = condition.path;
    const text = 'value' in condition && typeof condition.value === 'string' ? condition.value : '';
    if (op === 'range') onChange({ path, op, min: 0 });
    else if (op === 'oneOf') onChange({ path, op, value: [] });
    else onChange({ path, op, value: text });
  };
  return (
    <div className="condition">
      <label htmlFor={`${uid}-path`} className="sr-only">
        Condition {n} argument
      </label>
      <input
        id={`${uid}-path`}
        placeholder="argument"
        value={condition.path}
        onChange={(e) => onChange({ ...condition, path: e.target.value })}
        spellCheck={false}
      />
      <label htmlFor={`${uid}-op`} className="sr-only">
        Condition {n} operator
      </label>
      <select
        id={`${uid}-op`}
        value={condition.op}
        onChange={(e) => changeOp(e.target.value as ArgCondition['op'])}
      >
        {OPS.map((op) => (
          <option key={op} value={op}>
            {op}
          </option>
        ))}
      </select>
      <ConditionValue uid={uid} n={n} condition={condition} onChange={onChange} />
      <button type="button" onClick={onRemove} aria-label={`Remove condition ${n}`}>
        ✕
      </button>
    </div>
  );
}

function ConditionValue({
  uid,
  n,
  condition: c,
  onChange,
}: {
  uid: string;
  n: number;
  condition: ArgCondition;
  onChange(c: ArgCondition): void;
}) {
  if (c.op === 'range') {
    const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
    return (
      <>
        <input
          aria-label={`Condition ${n} minimum`}
          type="number"
          value={c.min ?? ''}
          onChange={(e) => onChange({ ...c, min: num(e.target.value) })}
        />
        <input
          aria-label={`Condition ${n} maximum`}
          type="number"
          value={c.max ?? ''}
          onChange={(e) => onChange({ ...c, max: num(e.target.value) })}
        />
      </>
    );
  }
  if (c.op === 'under' || c.op === 'regex') {
    return (
      <input
        id={`${uid}-value`}
        aria-label={`Condition ${n} value`}
        value={c.value}
        onChange={(e) => onChange({ ...c, value: e.target.value })}
        spellCheck={false}
      />
    );
  }
  return <JsonValueInput n={n} condition={c} onChange={onChange} />;
}

// equals / oneOf take JSON, so numbers, booleans and strings can all be expressed.
function JsonValueInput({
  n,
  condition: c,
  onChange,
}: {
  n: number;
  condition: Extract<ArgCondition, { op: 'equals' | 'oneOf' }>;
  onChange(c: ArgCondition): void;
}) {
  const [text, setText] = useState(() =>
    typeof c.value === 'string' && c.op === 'equals' ? c.value : JSON.stringify(c.value),
  );
  const [bad, setBad] = useState(false);
  return (
    <input
      aria-label={`Condition ${n} value (JSON or text)`}
      aria-invalid={bad}
      value={text}
      spellCheck={false}
      onChange={(e) => {
        setText(e.target.value);
        let value: unknown = e.target.value;
        try {
          value = JSON.parse(e.target.value);
        } catch {
          // Plain text stands for itself in "equals"; "oneOf" needs a JSON array.
        }
        if (c.op === 'oneOf') {
          setBad(!Array.isArray(value));
          if (Array.isArray(value)) onChange({ ...c, value });
        } else {
          setBad(false);
          onChange({ ...c, value });
        }
      }}
    />
  );
}
