import type { RiskAssessment, RiskLevel } from '../../src/contract/types';

export function RiskTag({ level }: { level: RiskLevel }) {
  return (
    <span className={`risk risk-${level}`} data-risk={level}>
      {level}
    </span>
  );
}

export function RiskReasons({ risk }: { risk: RiskAssessment }) {
  if (risk.reasons.length === 0) return <p className="muted">No risk signals.</p>;
  return (
    <ul className="reasons" aria-label="Risk reasons">
      {risk.reasons.map((r, i) => (
        <li key={`${r.code}-${i}`}>
          <RiskTag level={r.level} /> {r.text} <code className="muted">{r.code}</code>
        </li>
      ))}
    </ul>
  );
}
