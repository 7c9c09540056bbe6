// The popup's result review: a tool's result held before it reaches the agent. The same fixed
// frame as a waiting call (who, which tool and the result's risk on top; the actions in one row
// at the bottom; only the middle scrolls). Replace is the default and what the timeout does:
// a result nobody passed never reaches the agent. Pass stays disabled for a moment after the
// view appears, and Enter never passes a flagged result.
import { useEffect, useRef, useState } from 'react';
import type { ResultReview } from '../../src/contract/types';
import { JsonView } from '../components/JsonView';
import { RiskReasons, RiskTag } from '../components/RiskTag';
import { VisibleText } from '../components/VisibleText';
import { useStore } from '../store';
import { MessageForm } from './MessageForm';
import { useApproveDelay } from './useApproveDelay';

export function ResultReviewView() {
  const reviews = useStore((s) => s.resultReviews);
  const review = reviews[0];
  if (!review) return null;
  return <ResultReviewPanel key={review.id} review={review} count={reviews.length} />;
}

function ResultReviewPanel({ review, count }: { review: ResultReview; count: number }) {
  const decideResult = useStore((s) => s.decideResult);
  const armed = useApproveDelay(review.id);
  const [busy, setBusy] = useState(false);
  const [writing, setWriting] = useState(false);
  const [message, setMessage] = useState('');
  const replaceRef = useRef<HTMLButtonElement>(null);
  const flagged = review.risk !== null;

  useEffect(() => replaceRef.current?.focus(), [review.id]);

  const run = async (verdict: 'pass' | 'redact' | 'replace', msg?: string) => {
    if (busy) return;
    if (verdict !== 'replace' && !armed) return;
    setBusy(true);
    await decideResult(review.id, verdict, msg);
    setBusy(false);
  };

  // Escape replaces (the safe answer) from anywhere; with the message open it closes it first.
  const latest = useRef({ writing, run });
  latest.current = { writing, run };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      if (latest.current.writing) setWriting(false);
      else void latest.current.run('replace');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const cut = review.chars > review.preview.length;
  return (
    <section
      className={`consent result-review risk-border-${review.risk ?? 'low'}`}
      aria-label="Result waiting for review"
    >
      <header className="consent-head">
        <div className="consent-who">
          <h2 data-testid="review-tool">
            <VisibleText text={review.tool} />
          </h2>
          <div className="muted consent-from">
            result from <VisibleText text={review.server} /> via <VisibleText text={review.host} />
          </div>
        </div>
        <div className="consent-meta">
          {review.risk ? (
            <span aria-label={`Result risk ${review.risk}`}>
              <RiskTag level={review.risk} />
            </span>
          ) : (
            <span className="chip">review all</span>
          )}
          {count > 1 ? (
            <span className="muted" data-testid="review-count">
              1 of {count}
            </span>
          ) : null}
        </div>
      </header>

      <div className="consent-body" data-testid="review-body">
        <p className="summary">
          The result is held before it reaches the agent: {review.chars.toLocaleString('en-US')}{' '}
          characters of text
          {review.isError ? ', an error' : ''}.
        </p>
        <h3>Why it is held</h3>
        {flagged ? (
          <RiskReasons risk={{ level: review.risk ?? 'low', reasons: review.findings }} />
        ) : (
          <p>Every result of this tool is held for review (Servers → tool → Review results).</p>
        )}
        <h3>What the agent would read</h3>
        <pre className="result-excerpt" aria-label="Result text" data-testid="review-preview">
          <VisibleText text={review.preview} />
        </pre>
        <p className="muted">
          {cut
            ? `The first ${review.preview.length.toLocaleString('en-US')} characters; secrets are masked here`
            : 'Secrets are masked here'}
          {review.hasSecrets ? ' (this result has some)' : ''}.
        </p>
        <details className="description">
          <summary>Call arguments</summary>
          <JsonView value={review.arguments} label="Arguments" />
        </details>
        {writing ? (
          <MessageForm
            id="replace-message"
            value={message}
            onChange={setMessage}
            onBack={() => setWriting(false)}
            onSubmit={(text) => void run('replace', text)}
            submitLabel="Replace with this message"
            busy={busy}
          />
        ) : null}
      </div>

      <footer className="consent-foot">
        <ReplaceCountdown deadline={review.deadline} />
        <div className="actions" role="group" aria-label="Result decision">
          <button
            ref={replaceRef}
            type="button"
            className="danger"
            onClick={() => void run('replace')}
            disabled={busy}
          >
            Replace with error
          </button>
          <button type="button" onClick={() => setWriting(true)} disabled={busy}>
            Message…
          </button>
          <button
            type="button"
            onClick={() => void run('redact')}
            disabled={!armed || busy}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && flagged) e.preventDefault();
            }}
          >
            Pass redacted
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => void run('pass')}
            disabled={!armed || busy}
            onKeyDown={(e) => {
              // Enter never passes a flagged result: it takes a deliberate click or Space.
              if (e.key === 'Enter' && flagged) e.preventDefault();
            }}
          >
            Pass
          </button>
        </div>
      </footer>
    </section>
  );
}

/** The time left before the result is replaced with an error. */
function ReplaceCountdown({ deadline }: { deadline: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.ceil((deadline - now) / 1000));
  return (
    <span
      className={`countdown${left <= 10 ? ' urgent' : ''}`}
      role="timer"
      aria-live="off"
      data-testid="review-countdown"
    >
      Replaced with an error in {left} s
    </span>
  );
}
