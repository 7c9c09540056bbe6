// The consent view: one waiting call in full, and the ways to answer it. A fixed frame: who
// asks, the tool and its risk on top; the actions in one row at the bottom; only the middle
// scrolls.
import { useEffect, useRef, useState } from 'react';
import type { CallDetails, RuleDraft } from '../../src/contract/ipc';
import { durationOf, expiryFor } from '../../src/contract/durations';
import type { PendingCall } from '../../src/contract/types';
import { api } from '../api';
import { DiffView } from '../components/DiffView';
import { JsonView } from '../components/JsonView';
import { RiskReasons, RiskTag } from '../components/RiskTag';
import { VisibleText } from '../components/VisibleText';
import { editPairs } from '../lib/diff';
import { isHighRisk, similarCalls } from '../lib/format';
import { draftFromCall } from '../lib/rules';
import { RuleForm } from '../rules/RuleForm';
import { useStore } from '../store';
import { Countdown, type Hold } from './Countdown';
import { EditPanel } from './EditPanel';
import { MessageForm } from './MessageForm';
import { TogetherList } from './TogetherList';
import { useApproveDelay } from './useApproveDelay';
import { useEngagement } from './useEngagement';

type Panel = 'none' | 'rule' | 'message' | 'edit';

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

/** The gate's summary and current file for a call; null until it answers (or if it cannot). */
function useCallDetails(id: number): CallDetails | null {
  const [details, setDetails] = useState<CallDetails | null>(null);
  useEffect(() => {
    let live = true;
    api
      .describeCall({ id })
      .then((d) => {
        if (live) setDetails(d);
      })
      .catch(() => {
        // The summary is a convenience: without it the arguments below still say everything.
      });
    return () => {
      live = false;
    };
  }, [id]);
  return details;
}

function CallConsent({ call, index, count }: { call: PendingCall; index: number; count: number }) {
  const pending = useStore((s) => s.pending);
  const servers = useStore((s) => s.servers);
  const showCall = useStore((s) => s.showCall);
  const decide = useStore((s) => s.decide);
  const holdPending = useStore((s) => s.holdPending);
  const approveEdited = useStore((s) => s.approveEdited);
  const armed = useApproveDelay(call.id);
  const details = useCallDetails(call.id);
  const [panel, setPanel] = useState<Panel>('none');
  const [message, setMessage] = useState('');
  const [together, setTogether] = useState(false);
  const [draftAt] = useState(() => Date.now());
  const [draft, setDraft] = useState<RuleDraft>(() =>
    draftFromCall({ ...call, risk: call.risk.level }, '1h', draftAt),
  );
  const [busy, setBusy] = useState(false);
  const rootRef = useRef<HTMLElement>(null);
  const denyRef = useRef<HTMLButtonElement>(null);
  const engaged = useEngagement(rootRef, call.id);

  const similar = similarCalls(call, pending);
  const ids = together ? similar.map((p) => p.id) : [call.id];
  const high = isHighRisk(call.risk.level);
  const pairs = editPairs(call.arguments);
  const hold: Hold = panel !== 'none' ? 'editing' : engaged ? 'engaged' : 'none';

  // Deny is the default button: focused whenever a call comes on screen.
  useEffect(() => denyRef.current?.focus(), [call.id]);

  // Stop the gate's clock while the person reads, selects, or writes a message or a rule.
  const idsKey = ids.join(',');
  useEffect(() => {
    if (hold === 'none') return;
    const holding = idsKey.split(',').map(Number);
    void holdPending(holding, true);
    return () => void holdPending(holding, false);
  }, [hold, idsKey, holdPending]);

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
    void run({ ids, verdict: 'approve', ...(rule ? { rule: freshExpiry(rule, draftAt) } : {}) });
  };

  // Escape denies from anywhere in the window (also with focus on the page itself after a
  // click on blank space or a text selection); with a panel open it closes the panel first.
  const latest = useRef({ panel, deny });
  latest.current = { panel, deny };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      if (latest.current.panel !== 'none') setPanel('none');
      else void latest.current.deny();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const n = ids.length;
  return (
    <section
      ref={rootRef}
      className={`consent risk-border-${call.risk.level}`}
      aria-label="Call waiting for approval"
    >
      <header className="consent-head">
        <div className="consent-who">
          <h2 data-testid="consent-tool">
            <VisibleText text={call.tool} />
          </h2>
          <div className="muted consent-from">
            <span data-testid="consent-server">
              <VisibleText text={call.server} />
            </span>{' '}
            via <VisibleText text={call.host} />
          </div>
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

      <div className="consent-body" data-testid="consent-body">
        <p className="summary" data-testid="consent-summary">
          {details ? <VisibleText text={details.summary.text} /> : ' '}
        </p>

        {call.definitionChanged ? (
          <p className="warning" role="alert">
            This tool&apos;s definition changed since you last reviewed it. Its allow rules are
            suspended until you review it under Servers.
          </p>
        ) : null}

        {call.askReasons.length ? (
          <p className="ask-reasons" data-testid="ask-reasons">
            Asking because: {call.askReasons.join(' ')}
          </p>
        ) : null}

        <h3>Why this risk</h3>
        <RiskReasons risk={call.risk} />

        {call.description ? (
          <details className="description">
            <summary>Tool description</summary>
            <p className="plain">
              <VisibleText text={call.description} />
            </p>
          </details>
        ) : null}

        <WriteDiff details={details} args={call.arguments} />
        {pairs.map((p, i) => (
          <DiffView key={i} before={p.before} after={p.after} label={`Change (${p.label})`} />
        ))}

        {panel === 'edit' ? (
          <EditPanel
            original={call.arguments}
            schema={details?.inputSchema}
            armed={armed}
            high={high}
            onCancel={() => setPanel('none')}
            onApprove={(args) => approveEdited(call.id, args)}
          />
        ) : (
          <>
            <h3>Arguments</h3>
            <JsonView value={call.arguments} label="Arguments" />
          </>
        )}

        {similar.length > 1 ? (
          <div className="together">
            <label>
              <input
                type="checkbox"
                checked={together}
                onChange={(e) => setTogether(e.target.checked)}
              />{' '}
              Decide all {similar.length} waiting <VisibleText text={call.tool} /> calls together
            </label>
            {together ? <TogetherList calls={similar} /> : null}
          </div>
        ) : null}

        {panel === 'message' ? (
          <MessageForm
            id="deny-message"
            value={message}
            onChange={setMessage}
            onBack={() => setPanel('none')}
            onSubmit={(text) => void deny(text)}
            submitLabel={n > 1 ? `Deny all ${n} with this message` : 'Deny with this message'}
            busy={busy}
          />
        ) : null}

        {panel === 'rule' ? (
          <form
            className="panel"
            aria-label="Rule to save with this approval"
            onSubmit={(e) => {
              e.preventDefault();
              approve(draft);
            }}
            onKeyDown={(e) => {
              // Enter in a field submits the form: never an approval of a high or critical call.
              if (e.key === 'Enter' && high) e.preventDefault();
            }}
          >
            <RuleForm
              draft={draft}
              onChange={setDraft}
              servers={servers}
              sessionId={call.sessionId}
              fixedAction="allow"
            />
            <div className="panel-actions">
              <button type="button" onClick={() => setPanel('none')}>
                Back
              </button>
              <button type="submit" className="primary" disabled={!armed || busy}>
                {n > 1 ? `Approve all ${n} and save rule` : 'Approve and save rule'}
              </button>
            </div>
          </form>
        ) : null}
      </div>

      <footer className="consent-foot">
        <Countdown deadline={call.deadline} hold={hold} />
        <div className="actions" role="group" aria-label="Decision">
          <button
            ref={denyRef}
            type="button"
            className="danger"
            onClick={() => void deny()}
            disabled={busy}
          >
            {n > 1 ? `Deny all ${n}` : 'Deny'}
          </button>
          <MoreMenu
            disabled={busy}
            editBlocked={editBlocked(n, call.inexactNumber)}
            onMessage={() => setPanel('message')}
            onRule={() => setPanel('rule')}
            onEdit={() => setPanel('edit')}
          />
          <button
            type="button"
            className="primary"
            // While editing, this would approve the arguments as asked, not the edit.
            disabled={!armed || busy || panel === 'edit'}
            aria-describedby={armed ? undefined : 'approve-wait'}
            onClick={() => approve()}
            onKeyDown={(e) => {
              // Enter never approves a high or critical call: it takes a deliberate click or Space.
              if (e.key === 'Enter' && high) e.preventDefault();
            }}
          >
            {n > 1 ? `Approve all ${n}` : 'Approve once'}
          </button>
          {armed ? null : (
            <span id="approve-wait" className="sr-only">
              Approve is enabled in a moment.
            </span>
          )}
        </div>
      </footer>
    </section>
  );
}

/**
 * The rule's end time counts from the approval, not from when the popup opened: "for 1 hour"
 * means an hour from now.
 */
function freshExpiry(rule: RuleDraft, draftAt: number): RuleDraft {
  const duration = durationOf(rule.expiry, draftAt);
  if (rule.expiry.kind !== 'until' || duration === null) return rule;
  return { ...rule, expiry: expiryFor(duration, Date.now(), null) };
}

/** A write that replaces a file: the change against its current text, or why it is not shown. */
function WriteDiff({ details, args }: { details: CallDetails | null; args: unknown }) {
  const current = details?.current;
  if (!current || details.summary.kind !== 'write') return null;
  if ('withheld' in current) {
    return (
      <p className="muted" data-testid="diff-withheld">
        Not compared with the current file: {current.withheld}
      </p>
    );
  }
  const after = writtenContent(args);
  if (after === null) return null;
  return <DiffView before={current.content} after={after} label="Change to the current file" />;
}

function writtenContent(args: unknown): string | null {
  if (typeof args !== 'object' || args === null) return null;
  for (const key of ['content', 'contents', 'text', 'data', 'body', 'file_text']) {
    const v = (args as Record<string, unknown>)[key];
    if (typeof v === 'string') return v;
  }
  return null;
}

/**
 * Why the popup offers no Edit…: edited arguments approve one call, not several together; and
 * arguments holding a number editing would change are approved or denied as sent.
 */
function editBlocked(deciding: number, inexactNumber: string | undefined): string | null {
  if (deciding > 1) return 'Edit one call at a time: untick "Decide all together".';
  if (inexactNumber !== undefined)
    return `The arguments hold ${inexactNumber}, a number editing would change: approve or deny the call as sent.`;
  return null;
}

/** The less common answers, behind one button so the row fits the popup at any text size. */
function MoreMenu({
  disabled,
  editBlocked,
  onMessage,
  onRule,
  onEdit,
}: {
  disabled: boolean;
  /** Why Edit… is not offered now (see editBlocked); null when it is. */
  editBlocked: string | null;
  onMessage(): void;
  onRule(): void;
  onEdit(): void;
}) {
  const [open, setOpen] = useState(false);
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    first.current?.focus();
    // Escape closes the menu first; heard before the popup's Escape (which denies).
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      e.stopImmediatePropagation();
      setOpen(false);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [open]);
  const pick = (action: () => void) => {
    setOpen(false);
    action();
  };
  return (
    <div className="more">
      <button
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={disabled}
        onClick={() => setOpen((o) => !o)}
      >
        More…
      </button>
      {open ? (
        <div className="menu" role="menu" aria-label="More answers">
          <button ref={first} type="button" role="menuitem" onClick={() => pick(onMessage)}>
            Deny with message…
          </button>
          <button type="button" role="menuitem" onClick={() => pick(onRule)}>
            Approve with rule…
          </button>
          <button
            type="button"
            role="menuitem"
            aria-disabled={editBlocked !== null}
            title={editBlocked ?? undefined}
            onClick={() => (editBlocked === null ? pick(onEdit) : undefined)}
          >
            Edit…
          </button>
        </div>
      ) : null}
    </div>
  );
}
