// The consent popup's side: calls waiting for a person (decide, hold, describe) and results
// held for review.
import type { DecideRequest, DecideResult, RuleDraft } from '../contract/ipc';
import { notRecordedMessage } from '../contract/decideOutcome';
import type { GateApi } from '../gate/service';
import type { AppListeners } from './appEvents';
import { callDetails } from './callDetails';
import { saveDecisionRule } from './rulesServices';
import type { AppServices } from './services';

type CallsPart = Pick<
  AppServices,
  'listPending' | 'decide' | 'holdPending' | 'describeCall' | 'listResultReviews' | 'decideResult'
>;

export function callsServices(gate: GateApi, listeners: AppListeners): CallsPart {
  return {
    listPending: () => gate.pending(),

    decide(req: DecideRequest): DecideResult {
      const waiting = new Set(gate.pending().map((c) => c.id));
      const live = req.ids.filter((id) => waiting.has(id));
      const notPending = req.ids.filter((id) => !waiting.has(id));
      let ruleId: number | null = null;
      const saveRule = (rule: RuleDraft, id: number): void => {
        ruleId = saveDecisionRule(gate, rule, id).id;
      };
      if (req.verdict === 'approve' && req.rule && live.length && req.args === undefined) {
        // The rule is saved first, so it is in force for the next call however quickly it comes.
        saveRule(req.rule, live[0]!);
      }
      const decided: number[] = [];
      const notRecorded: DecideResult['notRecorded'] = [];
      const argsRejected: DecideResult['argsRejected'] = [];
      for (const id of live) {
        let ok: boolean;
        if (req.verdict === 'approve' && req.args !== undefined) {
          // Edited, then approved: checked against the tool's pinned schema by the gate; a
          // refused edit decides nothing and the call keeps waiting.
          const edited = gate.approveEdited(id, req.args);
          if (edited.kind === 'rejected') {
            argsRejected.push({ id, error: edited.error });
            continue;
          }
          ok = edited.kind === 'decided';
        } else
          ok =
            req.verdict === 'approve'
              ? gate.decide(id, 'allow')
              : gate.decide(id, 'deny', req.message ?? null);
        if (!ok) {
          notPending.push(id);
          continue;
        }
        // An approval that could not be written was turned into a denial: never report it as
        // decided the person's way.
        const cause = gate.takeRecordFailure(id);
        if (cause === null) decided.push(id);
        else notRecorded.push({ id, cause });
      }
      // With an edit, the rule waits until the edit is accepted (a refused edit saves nothing).
      if (req.verdict === 'approve' && req.rule && req.args !== undefined && decided.length)
        saveRule(req.rule, decided[0]!);
      const text = notRecordedMessage(req.verdict, { notRecorded });
      if (text) listeners.tell({ type: 'decision-not-recorded', calls: notRecorded, text });
      return { decided, notPending, notRecorded, ruleId, argsRejected };
    },

    holdPending({ ids, holding }) {
      gate.setHolding(ids, holding);
      return gate.pending();
    },

    describeCall({ id }) {
      const call = gate.pending().find((p) => p.id === id);
      if (!call) return null;
      const record =
        call.serverId === null ? null : gate.record.tools.get(call.serverId, call.tool);
      return callDetails(call, record?.definition ?? null, gate.env);
    },

    listResultReviews: () => gate.pendingResults(),

    decideResult({ ids, verdict, message }) {
      const decided: number[] = [];
      const notHeld: number[] = [];
      for (const id of ids) (gate.decideResult(id, verdict, message) ? decided : notHeld).push(id);
      return { decided, notHeld };
    },
  };
}
