// One store from slices; components read it through selectors, IPC events write to it.
import { create } from 'zustand';
import type { AppEvent } from '../../src/contract/ipc';
import { api } from '../api';
import { historySlice } from './history';
import { pendingSlice } from './pending';
import { resultsSlice } from './results';
import { rulesSlice } from './rules';
import { serversSlice } from './servers';
import { settingsSlice } from './settings';
import type { AppState } from './types';
import { uiSlice } from './ui';

export type { AppState } from './types';

export const useStore = create<AppState>()((...a) => ({
  ...uiSlice(...a),
  ...pendingSlice(...a),
  ...historySlice(...a),
  ...rulesSlice(...a),
  ...serversSlice(...a),
  ...settingsSlice(...a),
  ...resultsSlice(...a),
}));

export function applyEvent(event: AppEvent): void {
  const s = useStore.getState();
  switch (event.type) {
    case 'pending-changed':
      s.setPending(event.pending);
      break;
    case 'history-appended':
      s.rowsArrived(event.rows);
      break;
    case 'servers-changed':
      void s.loadServers();
      break;
    case 'rules-changed':
      void s.loadRules();
      break;
    case 'settings-changed':
      s.setSettingsState(event.settings);
      break;
    case 'hosts-changed':
      s.hostEventsArrived(event.events);
      break;
    case 'decision-not-recorded':
      s.fail(new Error(event.text));
      break;
    case 'result-reviews-changed':
      s.setResultReviews(event.reviews);
      break;
    case 'result-flagged':
      // The row itself came (or comes) with history-appended; this adds the notice.
      s.resultFlagged(event.row);
      break;
    case 'show-view':
      s.setTab(event.view);
      break;
  }
}

/** Loads what every view needs and follows events; returns the unsubscribe function. */
export function startStore(): () => void {
  const off = api.onEvent(applyEvent);
  const s = useStore.getState();
  void s.loadPending();
  void s.loadResultReviews();
  void s.loadSettings();
  void s.loadServers();
  void s.loadRules();
  void s.loadHostEvents();
  return off;
}
