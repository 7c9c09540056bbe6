// The consent view: one waiting call in full, and the ways to answer it.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { RuleDraft } from '../../src/contract/ipc';
import type { PendingCall } from '../../src/contract/types';
import { DiffView } from '../components/DiffView';
import { JsonView } from '../components/JsonView';
import { RiskReasons, RiskTag } from '../components/RiskTag';
import { VisibleText } from '../components/VisibleText';
import { editPairs } from '../lib/diff';
import { isHighRisk, similarCalls } from '../lib/format';
import { draftFromCall } from '../lib/rules';
import { RuleForm } from '../rules/RuleForm';
import { useStore } from '../store';
import { Countdown } from './Countdown';
import { useApproveDelay } from './useApproveDelay';

type Panel = 'none' | 'rule' | 'message';

export function ConsentView() {
  const pending = useStore((s) => s.pending);
  const current = useStore((s) => s.current);
  const call = pending[current];
  if (!call) {
    return (
      <section className="consent empty" aria-label="Pending calls">
        <p>Nothing is waiting for you.</p>
      </section>
    );
  }
  return <CallConsent key={call.id} call={call} index={current} count={pending.length} />;
}

function CallConsent({ call, index, count }: { call: PendingCall; index: number; count: number }) {
  const pending = useStore((s) => s.pending);
  const servers = useStore((s) => s.servers);
  const showCall = useStore((s) => s.showCall);
  const decide = useStore((s) => s.decide);
  const holdPending = useStore((s) => s.holdPending);
  const armed = useApproveDelay(call.id);
  const [panel, setPanel] = useState<Panel>('none');
  const [message, setMessage] = useState('');
  const [together, setTogether] = useState(false);
  const [draft, setDraft] = useState<RuleDraft>(() =>
    draftFromCall({ ...call, risk: call.risk.level }, '1h', Date.now()),
  );
  const [busy, setBusy] = useState(false);
  const denyRef = useRef<HTMLButtonElement>(null);

  const similar = similarCalls(call, pending);
  const ids = together ? similar.map((p) => p.id) : [call.id];
  const high = isHighRisk(call.risk.level);
  const pairs = editPairs(call.arguments);
  const held = panel !== 'none';

  // Deny is the default button: focused whenever a call comes on screen.
  useEffect(() => denyRef.current?.focus(), [call.id]);

  // Stop the clock while the user writes a message or a rule.
  const idsKey = ids.join(',');
  useEffect(() => {
    if (!held) return;
    const holding = idsKey.split(',').map(Number);
    void holdPending(holding, true);
    return () => void holdPending(holding, false);
  }, [held, idsKey, holdPending]);

  const run = async (req: Parameters<typeof decide>[0]) => {
    if (busy) return;
    setBusy(true);
    await decide(req);
    setBusy(false);
  };
  const deny = (msg?: string) =>
    run({ ids, verdict: 'deny', ...(msg && msg.trim() ? { message: msg.trim() } : {}) });
  const approve = (rule?: RuleDraft) => {
    if (!armed) return;
    void run({ ids, verdict: 'approve', ...(rule ? { rule } : {}) });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    if (panel !== 'none') setPanel('none');
    else void deny();
  };

  return (
    <section
      className={`consent risk-border-${call.risk.level}`}
      aria-label="Call waiting for approval"
      onKeyDown={onKeyDown}
    >
      <header className="consent-head">
        <div>
          <div className="muted">
            <span data-testid="consent-server">
              <VisibleText text={call.server} />
            </span>{' '}
            via <VisibleText text={call.host} />
          </div>
          <h2 data-testid="consent-tool">
            <VisibleText text={call.tool} />
          </h2>
        </div>
        <div className="consent-meta">
          <RiskTag level={call.risk.level} />
          {count > 1 ? (
            <nav className="queue" aria-label="Waiting calls">
              <button
                type="button"
                onClick={() => showCall(index - 1)}
                disabled={index === 0}
                aria-label="Previous call"
              >
                ‹
              </button>
              <span data-testid="queue-position">
                {index + 1} of {count}
              </span>
              <button
                type="button"
                onClick={() => showCall(index + 1)}
                disabled={index === count - 1}
                aria-label="Next call"
              >
                ›
              </button>
            </nav>
          ) : null}
        </div>
      </header>

      {call.definitionChanged ? (
        <p className="warning" role="alert">
          This tool&apos;s definition changed since you last reviewed it. Its allow rules are
          suspended until you review it under Servers.
        </p>
      ) : null}

      {call.description ? (
        <details className="description">
          <summary>Tool description</summary>
          <p className="plain">
            <VisibleText text={call.description} />
          </p>
        </details>
      ) : null}

      {call.askReasons.length ? (
        <p className="muted" data-testid="ask-reasons">
          Asking because: {call.askReasons.join(' ')}
        </p>
      ) : null}

      <h3>Why this risk</h3>
      <RiskReasons risk={call.risk} />

      {pairs.map((p, i) => (
        <DiffView key={i} before={p.before} after={p.after} label={`Change (${p.label})`} />
      ))}

      <h3>Arguments</h3>
      <JsonView value={call.arguments} label="Arguments" />

      <div className="consent-foot">
        <Countdown deadline={call.deadline} held={held} />
        {similar.length > 1 ? (
          <label className="together">
            <input
              type="checkbox"
              checked={together}
              onChange={(e) => setTogether(e.target.checked)}
            />
            Decide all {similar.length} waiting {call.tool} calls together
          </label>
        ) : null}
      </div>

      {panel === 'message' ? (
        <form
          className="panel"
          onSubmit={(e) => {
            e.preventDefault();
            void deny(message);
          }}
        >
          <label htmlFor="deny-message">Message to the agent</label>
          <textarea
            id="deny-message"
            value={message}
            onChange={(e) => setMessage(e.target.value)}
            rows={3}
            autoFocus
          />
          <div className="actions">
            <button type="button" onClick={() => setPanel('none')}>
              Back
            </button>
            <button type="submit" className="danger" disabled={busy}>
              Deny with this message
            </button>
          </div>
        </form>
      ) : null}

      {panel === 'rule' ? (
        <form
          className="panel"
          aria-label="Rule to save with this approval"
          onSubmit={(e) => {
            e.preventDefault();
            approve(draft);
          }}
        >
          <RuleForm
            draft={draft}
            onChange={setDraft}
            servers={servers}
            sessionId={call.sessionId}
            fixedAction="allow"
          />
          <div className="actions">
            <button type="button" onClick={() => setPanel('none')}>
              Back
            </button>
            <button type="submit" className="primary" disabled={!armed || busy}>
              Approve and save rule
            </button>
          </div>
        </form>
      ) : null}

      {panel === 'none' ? (
        <div className="actions" role="group" aria-label="Decision">
          <button
            ref={denyRef}
            type="button"
            className="danger"
            onClick={() => void deny()}
            disabled={busy}
          >
            Deny
          </button>
          <button type="button" onClick={() => setPanel('message')} disabled={busy}>
            Deny with message…
          </button>
          <button type="button" onClick={() => setPanel('rule')} disabled={busy}>
            Approve with rule…
          </button>
          <button
            type="button"
            className="primary"
            disabled={!armed || busy}
            aria-describedby={armed ? undefined : 'approve-wait'}
            onClick={() => approve()}
            onKeyDown={(e) => {
              // Enter never approves a high or critical call: it takes a deliberate click or Space.
              if (e.key === 'Enter' && high) e.preventDefault();
            }}
          >
            Approve once
          </button>
          {armed ? null : (
            <span id="approve-wait" className="sr-only">
              Approve is enabled in a moment.
            </span>
          )}
        </div>
      ) : null}
    </section>
  );
}
