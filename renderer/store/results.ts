import type { ResultReview, ResultVerdictKind } from '../../src/contract/types';
import { api } from '../api';
import type { Slice } from './types';

export interface ResultsSlice {
  /** Results held for review, oldest first. */
  resultReviews: ResultReview[];
  setResultReviews(reviews: ResultReview[]): void;
  loadResultReviews(): Promise<void>;
  decideResult(id: number, verdict: ResultVerdictKind, message?: string): Promise<boolean>;
}

export const resultsSlice: Slice<ResultsSlice> = (set, get) => ({
  resultReviews: [],
  setResultReviews: (resultReviews) => set({ resultReviews }),
  loadResultReviews: async () => {
    try {
      set({ resultReviews: await api.listResultReviews() });
    } catch (e) {
      get().fail(e);
    }
  },
  decideResult: async (id, verdict, message) => {
    try {
      const r = await api.decideResult({
        ids: [id],
        verdict,
        ...(message && message.trim() ? { message: message.trim() } : {}),
      });
      set({ resultReviews: get().resultReviews.filter((x) => x.id !== id) });
      if (r.notHeld.length > 0) {
        get().fail(new Error('That result was no longer waiting (it timed out or was withdrawn).'));
        return false;
      }
      return true;
    } catch (e) {
      get().fail(e);
      return false;
    }
  },
});
