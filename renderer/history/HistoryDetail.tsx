import { DiffView } from '../components/DiffView';
import { JsonView } from '../components/JsonView';
import { RiskReasons, RiskTag } from '../components/RiskTag';
import { VisibleText } from '../components/VisibleText';
import { argumentEditPairs } from '../lib/diff';
import { DECISION_LABEL, formatTime, isEdited } from '../lib/format';
import { draftFromCall } from '../lib/rules';
import { ResultSection } from './ResultSection';
import { useStore } from '../store';

export function HistoryDetail() {
  const row = useStore((s) => s.detail);
  const editRule = useStore((s) => s.editRule);
  const setTab = useStore((s) => s.setTab);
  const selectRow = useStore((s) => s.selectRow);
  if (!row) return null;
  const edited = isEdited(row);
  return (
    <aside className="detail" aria-label="Call details">
      <header>
        <h3>
          <VisibleText text={row.tool} /> <span className="muted">#{row.id}</span>
          {edited ? (
            <span
              className="chip chip-warn"
              data-testid="edited-badge"
              title="You changed the arguments before approving"
            >
              edited
            </span>
          ) : null}
        </h3>
        <button type="button" onClick={() => void selectRow(null)} aria-label="Close details">
          ✕
        </button>
      </header>
      <dl>
        <dt>When</dt>
        <dd>{formatTime(row.at)}</dd>
        <dt>Server</dt>
        <dd>
          <VisibleText text={row.server} /> via <VisibleText text={row.host} />
        </dd>
        <dt>Decision</dt>
        <dd>
          {DECISION_LABEL[row.decision]}
          {row.decidedBy ? ` by ${row.decidedBy}` : ''}
          {row.ruleId !== null ? ` (rule #${row.ruleId})` : ''}
          {edited ? ', with edited arguments' : ''}
        </dd>
        {row.message ? (
          <>
            <dt>Message</dt>
            <dd className="plain">
              <VisibleText text={row.message} />
            </dd>
          </>
        ) : null}
        <dt>Risk</dt>
        <dd>
          <RiskTag level={row.risk} />
        </dd>
        <dt>Timings</dt>
        <dd>
          {row.latencyMs === null ? 'decision: —' : `decision after ${row.latencyMs} ms`}
          {row.outcome ? `; server answered in ${row.outcome.durationMs} ms` : ''}
        </dd>
        <dt>Outcome</dt>
        <dd>
          {row.outcome
            ? `${row.outcome.isError ? 'error' : 'success'}, ${row.outcome.size.toLocaleString('en-US')} bytes`
            : 'not forwarded'}
        </dd>
      </dl>
      <h4>Reasons</h4>
      <RiskReasons risk={{ level: row.risk, reasons: row.reasons }} />
      {edited ? (
        <>
          <h4>Edited before approval</h4>
          {argumentEditPairs(row.arguments, row.approvedArguments).map((p) => (
            <DiffView key={p.label} before={p.before} after={p.after} label={p.label} />
          ))}
          <h4>Approved arguments</h4>
          <JsonView value={row.approvedArguments} label="Approved arguments" />
          <h4>Asked arguments</h4>
          <JsonView value={row.arguments} label="Call arguments" />
        </>
      ) : (
        <>
          <h4>Arguments</h4>
          <JsonView value={row.arguments} label="Call arguments" />
        </>
      )}
      <ResultSection row={row} />
      <button
        type="button"
        onClick={() => {
          editRule({ id: null, draft: draftFromCall(row, 'forever', Date.now()) });
          setTab('rules');
        }}
      >
        Make a rule from this
      </button>
    </aside>
  );
}
