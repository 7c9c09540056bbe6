import { lineDiff, type DiffLine } from '../../src/contract/lineDiff';
import { VisibleText } from './VisibleText';

const SIGN: Record<DiffLine['op'], string> = { same: ' ', add: '+', del: '−' };

export function DiffView({
  before,
  after,
  label,
}: {
  before: string;
  after: string;
  label: string;
}) {
  const lines = lineDiff(before, after);
  return (
    <figure className="diff">
      <figcaption>{label}</figcaption>
      {/* Focusable: a long diff scrolls, and the keyboard must reach it. */}
      <pre aria-label={label} tabIndex={0}>
        {lines.map((l, i) => (
          <div key={i} className={`d-${l.op}`}>
            <span className="d-sign" aria-hidden="true">
              {SIGN[l.op]}
            </span>
            <span className="sr-only">
              {l.op === 'add' ? 'added: ' : l.op === 'del' ? 'removed: ' : ''}
            </span>
            <VisibleText text={l.text} />
          </div>
        ))}
      </pre>
    </figure>
  );
}
