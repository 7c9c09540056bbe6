import { useState } from 'react';
import type { Rule } from '../../src/contract/types';
import { RiskTag } from '../components/RiskTag';
import { VisibleText } from '../components/VisibleText';
import { DECISION_LABEL, formatCount, formatTime } from '../lib/format';
import { describeCondition, describeExpiry, draftOf, emptyDraft, isExpired } from '../lib/rules';
import { useStore } from '../store';
import { RuleForm } from './RuleForm';

export function RulesView() {
  const rules = useStore((s) => s.rules);
  const editing = useStore((s) => s.editing);
  const editRule = useStore((s) => s.editRule);
  const [now] = useState(() => Date.now());
  return (
    <section className="rules" aria-label="Rules">
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          onClick={() => editRule({ id: null, draft: emptyDraft() })}
        >
          New rule
        </button>
      </div>
      {editing ? <RuleEditor /> : null}
      {rules.length === 0 ? (
        <p className="muted">No rules yet. Every call that is not clearly read-only asks you.</p>
      ) : (
        <table className="rules-table">
          <caption className="sr-only">Rules</caption>
          <thead>
            <tr>
              <th scope="col">On</th>
              <th scope="col">Action</th>
              <th scope="col">Matches</th>
              <th scope="col">Expiry</th>
              <th scope="col">Origin</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((r) => (
              <RuleRow key={r.id} rule={r} now={now} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function RuleRow({ rule, now }: { rule: Rule; now: number }) {
  const servers = useStore((s) => s.servers);
  const editRule = useStore((s) => s.editRule);
  const setRuleEnabled = useStore((s) => s.setRuleEnabled);
  const removeRule = useStore((s) => s.removeRule);
  const server = servers.find((s) => s.id === rule.serverId);
  const expired = isExpired(rule.expiry, now);
  return (
    <tr className={rule.enabled && !expired ? '' : 'inactive'} data-testid="rule-row">
      <td>
        <input
          type="checkbox"
          role="switch"
          checked={rule.enabled}
          aria-label={`Rule ${rule.id} enabled`}
          onChange={(e) => void setRuleEnabled(rule.id, e.target.checked)}
        />
      </td>
      <td className={`act act-${rule.action}`}>{rule.action}</td>
      <td>
        <code>
          <VisibleText text={rule.tool} />
        </code>{' '}
        on{' '}
        {server
          ? server.identity.name
          : rule.serverId === null
            ? 'any server'
            : `server #${rule.serverId}`}
        {rule.conditions.map((c, i) => (
          <div key={i} className="muted">
            <VisibleText text={describeCondition(c)} />
          </div>
        ))}
        {rule.riskCeiling ? (
          <div className="muted">
            up to <RiskTag level={rule.riskCeiling} />
          </div>
        ) : null}
        {rule.note ? (
          <div className="muted">
            <VisibleText text={rule.note} />
          </div>
        ) : null}
      </td>
      <td>{describeExpiry(rule.expiry, { now, createdAt: rule.createdAt })}</td>
      <td>
        {rule.origin}
        <div className="muted">{formatTime(rule.createdAt)}</div>
      </td>
      <td className="row-actions">
        <button type="button" onClick={() => editRule({ id: rule.id, draft: draftOf(rule) })}>
          Edit
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => {
            if (window.confirm(`Delete rule ${rule.id}?`)) void removeRule(rule.id);
          }}
        >
          Delete
        </button>
      </td>
    </tr>
  );
}

function RuleEditor() {
  const editing = useStore((s) => s.editing);
  const servers = useStore((s) => s.servers);
  const editRule = useStore((s) => s.editRule);
  const saveRule = useStore((s) => s.saveRule);
  const testRule = useStore((s) => s.testRule);
  const ruleTest = useStore((s) => s.ruleTest);
  const rules = useStore((s) => s.rules);
  if (!editing) return null;
  const saved = editing.id === null ? undefined : rules.find((r) => r.id === editing.id);
  return (
    <form
      className="panel rule-editor"
      aria-label={editing.id === null ? 'New rule' : `Edit rule ${editing.id}`}
      onSubmit={(e) => {
        e.preventDefault();
        void saveRule(editing);
      }}
    >
      <h3>{editing.id === null ? 'New rule' : `Rule ${editing.id}`}</h3>
      <RuleForm
        draft={editing.draft}
        onChange={(draft) => useStore.setState({ editing: { ...editing, draft }, ruleTest: null })}
        servers={servers}
        sessionId={null}
        {...(saved ? { createdAt: saved.createdAt } : {})}
      />
      <div className="actions">
        <button type="button" onClick={() => editRule(null)}>
          Cancel
        </button>
        <button type="button" onClick={() => void testRule(editing.draft)}>
          Test against history
        </button>
        <button type="submit" className="primary">
          Save rule
        </button>
      </div>
      {ruleTest ? (
        <div className="rule-test" aria-live="polite">
          <p data-testid="rule-test-count">
            Would have matched {formatCount(ruleTest.matched)} past calls
            {ruleTest.matched > ruleTest.rows.length
              ? ` (latest ${ruleTest.rows.length} shown)`
              : ''}
            .
          </p>
          <ul>
            {ruleTest.rows.map((r) => (
              <li key={r.id} data-testid="rule-test-row">
                {formatTime(r.at)} · <VisibleText text={r.server} /> · <VisibleText text={r.tool} />{' '}
                · {DECISION_LABEL[r.decision]} ·{' '}
                <code>
                  <VisibleText text={JSON.stringify(r.arguments)?.slice(0, 200) ?? ''} />
                </code>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </form>
  );
}
