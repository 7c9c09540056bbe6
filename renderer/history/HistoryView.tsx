import { useEffect, useState } from 'react';
import type { DecisionKind, RiskLevel } from '../../src/contract/types';
import { api } from '../api';
import { DECISION_KINDS, DECISION_LABEL, formatCount } from '../lib/format';
import { useStore } from '../store';
import { HistoryCharts } from './HistoryCharts';
import { HistoryDetail } from './HistoryDetail';
import { HistoryTable } from './HistoryTable';
import { FlaggedResultsNotice } from './ResultSection';

const RANGES: { label: string; ms: number | null }[] = [
  { label: 'All time', ms: null },
  { label: 'Last 24 hours', ms: 86_400_000 },
  { label: 'Last 7 days', ms: 7 * 86_400_000 },
  { label: 'Last 30 days', ms: 30 * 86_400_000 },
];

export function HistoryView() {
  const filter = useStore((s) => s.filter);
  const total = useStore((s) => s.total);
  const servers = useStore((s) => s.servers);
  const setFilter = useStore((s) => s.setFilter);
  const fail = useStore((s) => s.fail);
  const flagged = useStore((s) => s.flaggedResults);
  const dismissFlagged = useStore((s) => s.dismissFlaggedResults);
  const selectRow = useStore((s) => s.selectRow);
  const [search, setSearch] = useState(filter.search ?? '');
  const [tool, setTool] = useState(filter.tool ?? '');
  const [range, setRange] = useState(0);

  useEffect(() => {
    void useStore.getState().refreshHistory();
  }, []);

  // Typing settles before a query goes out.
  useEffect(() => {
    const timer = window.setTimeout(() => {
      const current = useStore.getState().filter;
      if ((current.search ?? '') !== search || (current.tool ?? '') !== tool) {
        setFilter({ search: search || undefined, tool: tool || undefined });
      }
    }, 250);
    return () => window.clearTimeout(timer);
  }, [search, tool, setFilter]);

  const serverNames = [...new Set(servers.map((s) => s.identity.name))].sort();

  const exportAs = async (format: 'csv' | 'json') => {
    try {
      const file = await api.exportHistory({ query: filter, format });
      const url = URL.createObjectURL(new Blob([file.content], { type: file.mimeType }));
      const a = document.createElement('a');
      a.href = url;
      a.download = file.filename;
      a.click();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      fail(e);
    }
  };

  return (
    <section className="history" aria-label="History">
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="tool names, arguments and results"
          />
        </label>
        <label>
          Server
          <select
            value={filter.server ?? ''}
            onChange={(e) => setFilter({ server: e.target.value || undefined })}
          >
            <option value="">All</option>
            {serverNames.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tool
          <input value={tool} onChange={(e) => setTool(e.target.value)} spellCheck={false} />
        </label>
        <label>
          Decision
          <select
            value={filter.decision ?? ''}
            onChange={(e) =>
              setFilter({ decision: (e.target.value || undefined) as DecisionKind | undefined })
            }
          >
            <option value="">All</option>
            {DECISION_KINDS.map((d) => (
              <option key={d} value={d}>
                {DECISION_LABEL[d]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Risk
          <select
            value={filter.risk ?? ''}
            onChange={(e) =>
              setFilter({ risk: (e.target.value || undefined) as RiskLevel | undefined })
            }
          >
            <option value="">All</option>
            {(['low', 'medium', 'high', 'critical'] as const).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          Time
          <select
            value={range}
            onChange={(e) => {
              const i = Number(e.target.value);
              setRange(i);
              const ms = RANGES[i]?.ms ?? null;
              setFilter({ since: ms === null ? undefined : Date.now() - ms, until: undefined });
            }}
          >
            {RANGES.map((r, i) => (
              <option key={r.label} value={i}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <span className="count" aria-live="polite" data-testid="history-total">
          {formatCount(total)} calls
        </span>
        <button type="button" onClick={() => void exportAs('csv')}>
          Export CSV
        </button>
        <button type="button" onClick={() => void exportAs('json')}>
          Export JSON
        </button>
      </form>
      <FlaggedResultsNotice
        rows={flagged}
        onShow={(id) => void selectRow(id)}
        onDismiss={dismissFlagged}
      />
      <HistoryCharts />
      <div className="history-body">
        <HistoryTable />
        <HistoryDetail />
      </div>
    </section>
  );
}
