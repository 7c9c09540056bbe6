// Each tool's review-results mode ("hold its results for review: off, flagged, all"), kept in
// one chained setting so a mode flipped in the file breaks `airlock audit verify` like any
// other setting. The gate reads it per call; the gate and the CLI (when no gate runs) write it.
import type { ReviewResultsMode } from '../contract/types';
import type { Store } from './store';

const REVIEW_SETTING = 'reviewResults';
const reviewKey = (serverId: number, tool: string): string => `${serverId}\u0000${tool}`;

export function reviewModeOf(
  store: Store,
  serverId: number | null,
  tool: string,
): ReviewResultsMode {
  if (serverId === null) return 'off';
  const modes = store.settings.get<Record<string, unknown>>(REVIEW_SETTING, {});
  const mode = modes[reviewKey(serverId, tool)];
  return mode === 'flagged' || mode === 'all' ? mode : 'off';
}

/** Sets one tool's mode; false when the server has no such tool (nothing written). */
export function setReviewMode(
  store: Store,
  serverId: number,
  tool: string,
  mode: ReviewResultsMode,
  now: number,
): boolean {
  if (!store.tools.get(serverId, tool)) return false;
  const modes = { ...store.settings.get<Record<string, unknown>>(REVIEW_SETTING, {}) };
  if (mode === 'off') delete modes[reviewKey(serverId, tool)];
  else modes[reviewKey(serverId, tool)] = mode;
  store.settings.set(REVIEW_SETTING, modes, now);
  return true;
}
