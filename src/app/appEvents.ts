// The app's event stream: the gate's events as AppEvents, and the app's own (host watcher
// notices, decisions that could not be recorded) to the same listeners.
import type { AppEvent, Settings } from '../contract/ipc';
import type { HistoryRow } from '../contract/types';
import type { GateApi, GateEvents } from '../gate/service';

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
  // Each gate event and what the page hears of it; on and off from the one list.
  const forwards: [keyof GateEvents, (...args: never[]) => void][] = [
    ['pending-changed', () => listener({ type: 'pending-changed', pending: gate.pending() })],
    ['history-appended', (rows: HistoryRow[]) => listener({ type: 'history-appended', rows })],
    ['servers-changed', () => listener({ type: 'servers-changed' })],
    ['rules-changed', () => listener({ type: 'rules-changed' })],
    ['settings-changed', () => listener({ type: 'settings-changed', settings: settings() })],
    ['result-flagged', (row: HistoryRow) => listener({ type: 'result-flagged', row })],
    [
      'result-reviews-changed',
      () => listener({ type: 'result-reviews-changed', reviews: gate.pendingResults() }),
    ],
  ];
  for (const [event, forward] of forwards) gate.on(event, forward as never);
  own.add(listener);
  return () => {
    own.delete(listener);
    for (const [event, forward] of forwards) gate.off(event, forward as never);
  };
}
