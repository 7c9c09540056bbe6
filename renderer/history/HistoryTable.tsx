// Virtualised: only the rows in view are in the DOM, so 100,000 rows scroll like 100.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { RiskTag } from '../components/RiskTag';
import { ResultRiskTag } from './ResultSection';
import { VisibleText } from '../components/VisibleText';
import { argumentsPreview, DECISION_LABEL, formatCount, formatTime, isEdited } from '../lib/format';
import { useStore } from '../store';

const ROW_HEIGHT = 30;

export function HistoryTable() {
  const rows = useStore((s) => s.rows);
  const total = useStore((s) => s.total);
  const exhausted = useStore((s) => s.exhausted);
  const loadingRows = useStore((s) => s.loadingRows);
  const selectedId = useStore((s) => s.selectedId);
  const selectRow = useStore((s) => s.selectRow);
  const loadMoreRows = useStore((s) => s.loadMoreRows);
  const scrollRef = useRef<HTMLDivElement>(null);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (!exhausted && !loadingRows && rows.length > 0 && lastIndex >= rows.length - 50) {
      void loadMoreRows();
    }
  }, [lastIndex, rows.length, exhausted, loadingRows, loadMoreRows]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const at = rows.findIndex((r) => r.id === selectedId);
    const next = Math.max(0, Math.min(rows.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)));
    const row = rows[next];
    if (row) {
      void selectRow(row.id);
      virtualizer.scrollToIndex(next);
    }
  };

  return (
    <div className="history-table" role="table" aria-label="Call history" aria-rowcount={total + 1}>
      <div role="rowgroup">
        <div role="row" className="h-row h-head" aria-rowindex={1}>
          <span role="columnheader">Time</span>
          <span role="columnheader">Host</span>
          <span role="columnheader">Server</span>
          <span role="columnheader">Tool</span>
          <span role="columnheader">Arguments</span>
          <span role="columnheader">Decision</span>
          <span role="columnheader">Risk</span>
        </div>
      </div>
      <div
        ref={scrollRef}
        className="h-scroll"
        role="rowgroup"
        tabIndex={0}
        aria-label={`${formatCount(total)} calls; arrow keys move the selection`}
        onKeyDown={onKeyDown}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <div
                key={row.id}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={row.id === selectedId}
                className={`h-row${row.id === selectedId ? ' selected' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => void selectRow(row.id)}
                data-testid="history-row"
              >
                <span role="cell">{formatTime(row.at)}</span>
                <span role="cell">
                  <VisibleText text={row.host} />
                </span>
                <span role="cell">
                  <VisibleText text={row.server} />
                </span>
                <span role="cell">
                  <VisibleText text={row.tool} />
                </span>
                <span role="cell" className="h-args">
                  <VisibleText text={argumentsPreview(row.arguments, 160)} />
                </span>
                <span role="cell" className={`dec dec-${row.decision}`}>
                  {DECISION_LABEL[row.decision]}
                  {isEdited(row) ? ' (edited)' : ''}
                </span>
                <span role="cell">
                  <RiskTag level={row.risk} /> <ResultRiskTag row={row} />
                </span>
              </div>
            );
          })}
        </div>
        {rows.length === 0 && !loadingRows ? <p className="muted pad">No calls match.</p> : null}
      </div>
    </div>
  );
}
