import type { RiskAssessment, RiskLevel } from '../../src/contract/types';

export function RiskTag({ level }: { level: RiskLevel }) {
  return (
    <span className={`risk risk-${level}`} data-risk={level}>
      {level}
    </span>
  );
}

/** Reasons as sentences; the internal codes only behind a disclosure, for bug reports. */
export function RiskReasons({ risk }: { risk: RiskAssessment }) {
  if (risk.reasons.length === 0) return <p className="muted">No risk signals.</p>;
  return (
    <>
      <ul className="reasons" aria-label="Risk reasons">
        {risk.reasons.map((r, i) => (
          <li key={`${r.code}-${i}`}>
            <RiskTag level={r.level} /> {r.text}
          </li>
        ))}
      </ul>
      <details className="codes">
        <summary>Technical details</summary>
        <ul>
          {risk.reasons.map((r, i) => (
            <li key={`${r.code}-${i}`}>
              <code>{r.code}</code> ({r.level})
            </li>
          ))}
        </ul>
      </details>
    </>
  );
}
