import type { DecideRequest } from '../../src/contract/ipc';
import type { PendingCall } from '../../src/contract/types';
import { api } from '../api';
import { notRecordedMessage } from '../../src/contract/decideOutcome';
import type { Slice } from './types';

export interface PendingSlice {
  pending: PendingCall[];
  /** Index of the call on screen in the consent view. */
  current: number;
  /** Increments when a new call arrives, so the popup can re-arm its approve delay and chime. */
  arrivals: number;
  setPending(pending: PendingCall[]): void;
  loadPending(): Promise<void>;
  showCall(index: number): void;
  decide(req: DecideRequest): Promise<boolean>;
  holdPending(ids: number[], holding: boolean): Promise<void>;
  /**
   * Approves one call with edited arguments. Returns null once it is approved, else why not:
   * the gate's own words when the edit does not fit the tool's schema (the call keeps waiting).
   */
  approveEdited(id: number, args: unknown): Promise<string | null>;
}

export const pendingSlice: Slice<PendingSlice> = (set, get) => ({
  pending: [],
  current: 0,
  arrivals: 0,
  setPending: (pending) => {
    const { pending: before, current } = get();
    const shownId = before[current]?.id;
    const known = new Set(before.map((p) => p.id));
    const arrived = pending.some((p) => !known.has(p.id));
    // Keep the call on screen if it is still waiting, so a new arrival never swaps it away.
    const keep = pending.findIndex((p) => p.id === shownId);
    set({
      pending,
      current: keep >= 0 ? keep : Math.min(current, Math.max(0, pending.length - 1)),
      arrivals: get().arrivals + (arrived ? 1 : 0),
    });
  },
  loadPending: async () => {
    try {
      get().setPending(await api.listPending());
    } catch (e) {
      get().fail(e);
    }
  },
  showCall: (index) => set({ current: Math.max(0, Math.min(index, get().pending.length - 1)) }),
  decide: async (req) => {
    try {
      const result = await api.decide(req);
      const gone = new Set(req.ids);
      get().setPending(get().pending.filter((p) => !gone.has(p.id)));
      if (req.verdict === 'approve' && req.rule) void get().loadRules();
      // Shown in the consent view's banner: the call was denied, not approved.
      const unrecorded = notRecordedMessage(req.verdict, result);
      if (unrecorded) {
        get().fail(new Error(unrecorded));
        return false;
      }
      return true;
    } catch (e) {
      get().fail(e);
      return false;
    }
  },
  approveEdited: async (id, args) => {
    try {
      const result = await api.decide({ ids: [id], verdict: 'approve', args });
      const rejected = result.argsRejected.find((r) => r.id === id);
      if (rejected) return rejected.error;
      get().setPending(get().pending.filter((p) => p.id !== id));
      const unrecorded = notRecordedMessage('approve', result);
      if (unrecorded) {
        get().fail(new Error(unrecorded));
        return unrecorded;
      }
      if (result.notPending.includes(id))
        return 'This call is no longer waiting (decided elsewhere, timed out or cancelled).';
      return null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  },
  holdPending: async (ids, holding) => {
    try {
      get().setPending(await api.holdPending({ ids, holding }));
    } catch (e) {
      get().fail(e);
    }
  },
});
