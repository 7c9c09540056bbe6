// Per tool: hold its results for review before they reach the agent: never, only those the
// result scan flags, or every one.
import type { ReviewResultsMode } from '../../src/contract/types';
import type { ToolView } from '../../src/contract/ipc';
import { api } from '../api';
import { useStore } from '../store';

const LABELS: Record<ReviewResultsMode, string> = {
  off: 'Results: pass',
  flagged: 'Results: review flagged',
  all: 'Results: review all',
};

export function ReviewResultsSelect({ tool }: { tool: ToolView }) {
  const loadServers = useStore((s) => s.loadServers);
  const fail = useStore((s) => s.fail);
  const change = async (mode: ReviewResultsMode) => {
    try {
      await api.setToolReviewResults({ serverId: tool.serverId, tool: tool.name, mode });
      await loadServers();
    } catch (e) {
      fail(e);
    }
  };
  return (
    <select
      className="review-results"
      value={tool.reviewResults}
      aria-label={`Review results of ${tool.name}`}
      title="Hold this tool's results for your review before they reach the agent"
      onChange={(e) => void change(e.target.value as ReviewResultsMode)}
    >
      {(Object.keys(LABELS) as ReviewResultsMode[]).map((m) => (
        <option key={m} value={m}>
          {LABELS[m]}
        </option>
      ))}
    </select>
  );
}
