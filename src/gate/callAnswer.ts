// The one answer a gated call gets. Whatever path a call takes (observe mode, decided now, held
// for a person) and whatever fails after an answer went out, the shim hears exactly one
// decision per call: a second one could turn an allow it already acted on into a deny, or the
// other way round.
import { decisionMac, editedDecisionMac } from './auth';
import type { ApprovedEdit } from './broker';
import type { ShimSession } from './session';
import type { Verdict } from './wire';

export type Answer = (verdict: Verdict, text: string, edit?: ApprovedEdit) => void;

export interface AnswerHooks {
  /**
   * Runs just before an allow is sent (the shim must know whether to hold the result before it
   * forwards the call). If it throws, the call is denied instead: fail closed.
   */
  beforeAllow?: () => void;
  log: (line: string) => void;
}

/** The answer to request `rid` of this session, bound to the line's digest; sent once. */
export function answerOnce(
  session: ShimSession,
  rid: number,
  digest: string,
  hooks: AnswerHooks,
): Answer {
  let sent: Verdict | null = null;
  const send = (verdict: Verdict, text: string, edit?: ApprovedEdit): void => {
    sent = verdict;
    if (edit && verdict === 'allow') {
      return session.channel.send({
        t: 'decision',
        rid,
        verdict,
        text,
        mac: editedDecisionMac(session.key, rid, digest, edit.digest),
        edit: { args: edit.argumentsJson, digest: edit.digest },
      });
    }
    session.channel.send({
      t: 'decision',
      rid,
      verdict,
      text,
      mac: decisionMac(session.key, rid, digest, verdict),
    });
  };
  return (verdict, text, edit) => {
    if (sent !== null) {
      hooks.log(
        `call ${rid} of ${session.info?.server ?? 'a shim'} was answered ${sent} already; a later ${verdict} is dropped (${text})`,
      );
      return;
    }
    if (verdict === 'allow' && hooks.beforeAllow) {
      try {
        hooks.beforeAllow();
      } catch (err) {
        hooks.log(
          `could not arrange the review of call ${rid}'s result: ${(err as Error).message}`,
        );
        return send('deny', 'Denied by Airlock: the review of its result could not be arranged');
      }
    }
    send(verdict, text, edit);
  };
}
