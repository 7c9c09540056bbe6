// The Rules view: list, add, edit, remove and test rules. Every change is the gate's checked
// change (src/gate/controlChanges.ts), the same one `airlock rules` sends through the gate, so
// the app and the CLI refuse the same rules for the same reasons.
import type { RuleDraft } from '../contract/ipc';
import type { Rule } from '../contract/types';
import { ChangeRefused, checkedRule, type RuleConsent } from '../gate/controlChanges';
import { replayRule } from '../gate/ruleReplay';
import type { GateApi } from '../gate/service';
import type { AppServices } from './services';

/** The CLI asks for --yes; the app's form has no such step, so the rule must be narrowed. */
export const APP_ALLOWS_EVERYTHING_MESSAGE =
  'this rule would let every tool on every server through without asking: choose a server, or name the tools it allows';

/** The app's form is the person's only say: a rule that lets everything through is refused. */
const FROM_THE_FORM: RuleConsent = { confirmed: false };

/** A refusal in the app's words (the CLI's name its flags). */
function inAppWords<T>(change: () => T): T {
  try {
    return change();
  } catch (err) {
    if (err instanceof ChangeRefused && err.reason === 'allows-everything')
      throw new ChangeRefused(APP_ALLOWS_EVERYTHING_MESSAGE, err.reason);
    throw err;
  }
}

/** Saves the rule a person made while approving call `callId` (approve always / for a time). */
export function saveDecisionRule(gate: GateApi, draft: RuleDraft, callId: number): Rule {
  return inAppWords(() => gate.changes.addRule(draft, `decision:${callId}`, FROM_THE_FORM));
}

export function rulesServices(
  gate: GateApi,
): Pick<AppServices, 'listRules' | 'addRule' | 'updateRule' | 'removeRule' | 'testRule'> {
  return {
    listRules: () => gate.record.rules.list(),

    addRule: (draft) => inAppWords(() => gate.changes.addRule(draft, 'manual', FROM_THE_FORM)),

    updateRule: ({ id, patch }) =>
      inAppWords(() => gate.changes.updateRule(id, patch, FROM_THE_FORM)),

    removeRule({ id }) {
      try {
        gate.changes.removeRule(id);
        return { removed: true };
      } catch (err) {
        if (err instanceof ChangeRefused && err.reason === 'missing') return { removed: false };
        throw err;
      }
    },

    testRule({ rule, limit }) {
      const { rows, matched } = replayRule(
        gate.record,
        checkedRule(rule, 'manual'),
        limit,
        gate.env,
      );
      return { rows, matched };
    },
  };
}
