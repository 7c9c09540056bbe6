// The History view: pages, counts, per-day stats, one row, and exports, read from the record.
import type { HistoryFilter } from '../contract/ipc';
import type { RecordView } from '../gate/recordView';
import type { AppServices } from './services';

export function historyServices(
  record: () => RecordView,
): Pick<AppServices, 'queryHistory' | 'historyStats' | 'getHistoryRow' | 'exportHistory'> {
  return {
    queryHistory(query) {
      const history = record().history;
      // The total counts every row matching the filters: a later page (beforeId) must not
      // shrink it, or the list's length would change while the user scrolls.
      const { beforeId: _page, limit: _limit, ...filter } = query;
      return { rows: history.query(query), total: history.count(filter) };
    },

    historyStats({ query, top }) {
      const history = record().history;
      const perDay = new Map<string, Partial<Record<string, number>>>();
      for (const s of history.statsPerDay(query, 30, Date.now())) {
        const counts = perDay.get(s.day) ?? {};
        counts[s.decision] = s.n;
        perDay.set(s.day, counts);
      }
      return {
        perDay: [...perDay].map(([day, counts]) => ({ day, counts })),
        topTools: history
          .topTools(query, top)
          .map((t) => ({ server: t.server, tool: t.tool, count: t.n })),
      };
    },

    getHistoryRow: ({ id }) => record().history.get(id),

    exportHistory({ query, format }: { query: HistoryFilter; format: 'csv' | 'json' }) {
      const history = record().history;
      let content = '';
      const write = (chunk: string): void => {
        content += chunk;
      };
      if (format === 'csv') history.exportCsv(query, write);
      else history.exportJson(query, write);
      const day = new Date().toISOString().slice(0, 10);
      return {
        filename: `airlock-history-${day}.${format}`,
        mimeType: format === 'csv' ? 'text/csv' : 'application/json',
        content,
      };
    },
  };
}
