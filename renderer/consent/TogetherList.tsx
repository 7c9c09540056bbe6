// What "decide all together" covers, shown before anything is decided: each call with its
// arguments in one line, and the risk of each.
import type { PendingCall } from '../../src/contract/types';
import { RiskTag } from '../components/RiskTag';
import { VisibleText } from '../components/VisibleText';
import { argumentsPreview } from '../lib/format';

export function TogetherList({ calls }: { calls: PendingCall[] }) {
  return (
    <ul className="together-list" aria-label="Calls decided together" data-testid="together-list">
      {calls.map((c) => (
        <li key={c.id}>
          <RiskTag level={c.risk.level} />{' '}
          <code>
            <VisibleText text={argumentsPreview(c.arguments, 90)} />
          </code>
        </li>
      ))}
    </ul>
  );
}
