// "Test against history": which recorded calls would a rule have matched? Expiry and the
// enabled switch are ignored (the question is about the rule's reach, not its state today).
import type { HistoryRow, Rule } from '../contract/types';
import { hasWildcard } from '../policy/glob';
import type { PathEnv } from '../policy/paths';
import { ruleApplies } from '../policy/rules';
import type { Store } from '../store/store';

const PAGE = 500;
/** The replay looks this far back at most, so a test stays interactive on a huge record. */
export const REPLAY_SCAN_LIMIT = 200_000;

export interface ReplayResult {
  /** The newest matches, at most `limit`. */
  rows: HistoryRow[];
  /** All matches among the scanned calls. */
  matched: number;
  scanned: number;
}

export function replayRule(
  store: Pick<Store, 'history'>,
  rule: Omit<Rule, 'id' | 'createdAt' | 'origin'>,
  limit: number,
  env: PathEnv,
): ReplayResult {
  const timeless: Rule = {
    ...rule,
    id: 0,
    createdAt: 0,
    origin: 'manual',
    enabled: true,
    expiry: { kind: 'forever' },
  };
  const rows: HistoryRow[] = [];
  let matched = 0;
  let scanned = 0;
  let beforeId: number | undefined;
  while (scanned < REPLAY_SCAN_LIMIT) {
    const page = store.history.query({
      limit: PAGE,
      ...(hasWildcard(rule.tool) ? {} : { tool: rule.tool }),
      ...(beforeId ? { beforeId } : {}),
    });
    for (const row of page) {
      const call = {
        serverId: row.serverId,
        sessionId: '',
        tool: row.tool,
        arguments: row.arguments,
      };
      if (ruleApplies(timeless, call, row.at, env)) {
        matched += 1;
        if (rows.length < limit) rows.push(row);
      }
    }
    scanned += page.length;
    if (page.length < PAGE) break;
    beforeId = page[page.length - 1]!.id;
  }
  return { rows, matched, scanned };
}
