// What came back from a call, as History keeps it: size, digest, error or not, the masked
// excerpt (text only, invisible and control characters shown as escapes) and what the result
// scan found. The excerpt is never the whole result: the record keeps at most the excerpt setting.
import type { HistoryRow } from '../../src/contract/types';
import { RiskReasons, RiskTag } from '../components/RiskTag';
import { VisibleText } from '../components/VisibleText';

export function ResultSection({ row }: { row: HistoryRow }) {
  const result = row.result;
  if (!result) return null;
  const cut = result.chars > result.excerpt.length;
  return (
    <section className="result-section" aria-label="Result">
      <h4>
        Result{' '}
        {result.risk ? (
          <span className="result-risk" aria-label={`Result risk ${result.risk}`}>
            <RiskTag level={result.risk} />
          </span>
        ) : null}
      </h4>
      <dl>
        <dt>Text</dt>
        <dd>
          {result.chars.toLocaleString('en-US')} characters
          {row.outcome?.isError ? ' (an error)' : ''}
        </dd>
        <dt>SHA-256</dt>
        <dd>
          <code className="digest" title="SHA-256 of the response exactly as the host received it">
            {result.sha256}
          </code>
        </dd>
      </dl>
      {result.findings.length > 0 ? (
        <RiskReasons risk={{ level: result.risk ?? 'low', reasons: result.findings }} />
      ) : null}
      {result.excerpt !== '' ? (
        <>
          <pre className="result-excerpt" aria-label="Result excerpt">
            <VisibleText text={result.excerpt} />
          </pre>
          {cut ? (
            <p className="muted">
              The first {result.excerpt.length.toLocaleString('en-US')} characters, secrets masked.
            </p>
          ) : (
            <p className="muted">Secrets masked.</p>
          )}
        </>
      ) : (
        <p className="muted">No text kept (the result excerpt setting is 0, or it had none).</p>
      )}
    </section>
  );
}

/** The result-risk tag of a History row, or nothing. */
export function ResultRiskTag({ row }: { row: HistoryRow }) {
  const risk = row.result?.risk;
  if (!risk) return null;
  return (
    <span
      className="result-risk"
      title="The result looked like an attack on the agent"
      aria-label={`Result risk ${risk}`}
    >
      result <RiskTag level={risk} />
    </span>
  );
}

/** Results the scan flagged since the person last looked: a notice above the table. */
export function FlaggedResultsNotice({
  rows,
  onShow,
  onDismiss,
}: {
  rows: HistoryRow[];
  onShow(id: number): void;
  onDismiss(): void;
}) {
  const first = rows[0];
  if (!first) return null;
  const finding = first.result?.findings[0]?.text ?? '';
  return (
    <div className="notice notice-warn" role="status" aria-label="Suspicious results">
      <span>
        {rows.length === 1 ? 'A result looked' : `${rows.length} results looked`} like an attack on
        the agent. Latest: <VisibleText text={first.tool} /> on <VisibleText text={first.server} />:{' '}
        <VisibleText text={finding} />
      </span>{' '}
      <button type="button" onClick={() => onShow(first.id)}>
        Show
      </button>{' '}
      <button type="button" onClick={onDismiss} aria-label="Dismiss result notices">
        Dismiss
      </button>
    </div>
  );
}
