// The app's event stream: the gate's events as AppEvents, and the app's own (host watcher
// notices, decisions that could not be recorded) to the same listeners.
import type { AppEvent, Settings } from '../contract/ipc';
import type { HistoryRow } from '../contract/types';
import type { GateApi } from '../gate/service';

/** The listeners subscribed to the app's events; the app's own events go out through here. */
export class AppListeners {
  private readonly listeners = new Set<(event: AppEvent) => void>();

  add(listener: (event: AppEvent) => void): void {
    this.listeners.add(listener);
  }

  delete(listener: (event: AppEvent) => void): void {
    this.listeners.delete(listener);
  }

  tell(event: AppEvent): void {
    for (const l of this.listeners) l(event);
  }

  clear(): void {
    this.listeners.clear();
  }
}

/** Every AppEvent to `listener`, in order, until the returned function is called. */
export function subscribe(
  gate: GateApi,
  settings: () => Settings,
  own: AppListeners,
  listener: (event: AppEvent) => void,
): () => void {
  const onPending = (): void => listener({ type: 'pending-changed', pending: gate.pending() });
  const onHistory = (rows: HistoryRow[]): void => listener({ type: 'history-appended', rows });
  const onServers = (): void => listener({ type: 'servers-changed' });
  const onRules = (): void => listener({ type: 'rules-changed' });
  const onSettings = (): void => listener({ type: 'settings-changed', settings: settings() });
  const onResultFlagged = (row: HistoryRow): void => listener({ type: 'result-flagged', row });
  const onReviews = (): void =>
    listener({ type: 'result-reviews-changed', reviews: gate.pendingResults() });
  gate.on('result-reviews-changed', onReviews);
  gate.on('pending-changed', onPending);
  gate.on('result-flagged', onResultFlagged);
  gate.on('history-appended', onHistory);
  gate.on('servers-changed', onServers);
  gate.on('rules-changed', onRules);
  gate.on('settings-changed', onSettings);
  own.add(listener);
  return () => {
    own.delete(listener);
    gate.off('pending-changed', onPending);
    gate.off('history-appended', onHistory);
    gate.off('servers-changed', onServers);
    gate.off('rules-changed', onRules);
    gate.off('settings-changed', onSettings);
    gate.off('result-flagged', onResultFlagged);
    gate.off('result-reviews-changed', onReviews);
  };
}
