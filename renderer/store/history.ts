import type { HistoryFilter, HistoryStats } from '../../src/contract/ipc';
import type { HistoryRow } from '../../src/contract/types';
import { api } from '../api';
import type { Slice } from './types';

const PAGE = 500;

export interface HistorySlice {
  filter: HistoryFilter;
  rows: HistoryRow[];
  total: number;
  loadingRows: boolean;
  /** All rows matching the filter are loaded. */
  exhausted: boolean;
  stats: HistoryStats | null;
  selectedId: number | null;
  detail: HistoryRow | null;
  setFilter(patch: Partial<HistoryFilter>): void;
  reloadHistory(): Promise<void>;
  /** Reloads the rows, then the charts. */
  refreshHistory(): Promise<void>;
  loadMoreRows(): Promise<void>;
  loadStats(): Promise<void>;
  selectRow(id: number | null): Promise<void>;
  rowsArrived(rows: HistoryRow[]): void;
  /** Results the scan flagged since the person last dismissed them, newest first. */
  flaggedResults: HistoryRow[];
  resultFlagged(row: HistoryRow): void;
  dismissFlaggedResults(): void;
}

/** Flagged results kept for the notice at most (a hostile server may flag every call). */
const MAX_FLAGGED = 50;

// Each reload bumps the generation so that answers to superseded queries are dropped.
let generation = 0;

function clean(filter: HistoryFilter): HistoryFilter {
  return Object.fromEntries(
    Object.entries(filter).filter(([, v]) => v !== undefined && v !== ''),
  ) as HistoryFilter;
}

export const historySlice: Slice<HistorySlice> = (set, get) => ({
  filter: {},
  rows: [],
  total: 0,
  loadingRows: false,
  exhausted: false,
  stats: null,
  selectedId: null,
  detail: null,
  flaggedResults: [],
  resultFlagged: (row) =>
    set({
      flaggedResults: [row, ...get().flaggedResults.filter((r) => r.id !== row.id)].slice(
        0,
        MAX_FLAGGED,
      ),
    }),
  dismissFlaggedResults: () => set({ flaggedResults: [] }),
  setFilter: (patch) => {
    set({ filter: clean({ ...get().filter, ...patch }) });
    void get().refreshHistory();
  },
  refreshHistory: async () => {
    // Rows first, charts after: the stats query is the slow one (seconds at a million calls)
    // and the core answers one call at a time, so asking for both at once holds the rows back.
    await get().reloadHistory();
    await get().loadStats();
  },
  reloadHistory: async () => {
    const gen = ++generation;
    set({ loadingRows: true });
    try {
      const page = await api.queryHistory({ ...get().filter, limit: PAGE });
      if (gen !== generation) return;
      set({ rows: page.rows, total: page.total, exhausted: page.rows.length < PAGE });
    } catch (e) {
      get().fail(e);
    } finally {
      if (gen === generation) set({ loadingRows: false });
    }
  },
  loadMoreRows: async () => {
    const { rows, exhausted, loadingRows, filter } = get();
    const last = rows[rows.length - 1];
    if (exhausted || loadingRows || !last) return;
    const gen = generation;
    set({ loadingRows: true });
    try {
      const page = await api.queryHistory({ ...filter, limit: PAGE, beforeId: last.id });
      if (gen !== generation) return;
      set({
        rows: [...get().rows, ...page.rows],
        total: page.total,
        exhausted: page.rows.length < PAGE,
      });
    } catch (e) {
      get().fail(e);
    } finally {
      if (gen === generation) set({ loadingRows: false });
    }
  },
  loadStats: async () => {
    try {
      const stats = await api.historyStats({ query: get().filter, top: 8 });
      set({ stats });
    } catch (e) {
      get().fail(e);
    }
  },
  selectRow: async (id) => {
    set({
      selectedId: id,
      detail: id === null ? null : (get().rows.find((r) => r.id === id) ?? null),
    });
    if (id === null) return;
    try {
      const detail = await api.getHistoryRow({ id });
      if (get().selectedId === id) set({ detail });
    } catch (e) {
      get().fail(e);
    }
  },
  rowsArrived: (incoming) => {
    const { rows, filter, detail } = get();
    const byId = new Map(incoming.map((r) => [r.id, r]));
    const updated = rows.map((r) => byId.get(r.id) ?? r);
    const known = new Set(rows.map((r) => r.id));
    // New rows go on top when they match the filter; a text search needs the store's FTS, so
    // while one is active new rows wait for the next reload.
    const fresh = filter.search
      ? []
      : incoming.filter((r) => !known.has(r.id) && matches(r, filter)).sort((a, b) => b.id - a.id);
    set({
      rows: [...fresh, ...updated],
      total: get().total + fresh.length,
      detail: detail ? (byId.get(detail.id) ?? detail) : null,
    });
  },
});

function matches(row: HistoryRow, f: HistoryFilter): boolean {
  return (
    (f.server === undefined || row.server === f.server) &&
    (f.tool === undefined || row.tool === f.tool) &&
    (f.decision === undefined || row.decision === f.decision) &&
    (f.risk === undefined || row.risk === f.risk) &&
    (f.since === undefined || row.at >= f.since) &&
    (f.until === undefined || row.at <= f.until)
  );
}
