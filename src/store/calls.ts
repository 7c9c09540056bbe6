import type { StoreContext } from './context';
import { digestColumn } from './digest';
import {
  argumentsText,
  begunFacts,
  decidedFacts,
  editedFacts,
  leanFacts,
  outcomeFacts,
  resultFacts,
  type CallDbRow,
  type FactGroup,
} from './facts';
import { searchCatchUp } from './searchIndex';
import { statsCatchUp } from './stats';
import type { CallDecision, CallOutcome, CallResult, CallStart, ResultReviewRecord } from './types';

export interface CallRepo {
  /** Records a gated call as pending; returns its id. */
  begin(c: CallStart): number;
  /**
   * Commits the decision (synchronous=FULL) before returning. Returns false when the call was
   * already decided: the first decision wins, and a late one must not be acted on.
   */
  decide(callId: number, d: CallDecision): boolean;
  /** A call decided without asking (rule, policy, observe mode): begun and decided in one go. */
  record(c: CallStart, d: CallDecision, o?: CallOutcome): number;
  /** The result came back. Returns false when an outcome was already recorded. */
  outcome(callId: number, o: CallOutcome, now?: number): boolean;
  /** What became of a result held for review. False when one was recorded already. */
  reviewResult(callId: number, r: ResultReviewRecord): boolean;
  /** Pending calls left by a gate that died → 'interrupted'. Run once when the gate starts. */
  markInterrupted(now: number): number;
  /** Ids of calls still waiting for a decision. */
  pendingIds(): number[];
  /**
   * Counts the calls recorded since the last time into the History charts' tables (they are
   * counted when read until then; see migration 010). Returns how far the mark moved (ids).
   */
  catchUpStats(): number;
  /**
   * Indexes the calls recorded since the last time for full-text search (a search reads them
   * from the table until then; see migration 011). Returns how far the mark moved (ids).
   */
  catchUpSearch(): number;
}

export function callRepo(ctx: StoreContext): CallRepo {
  const insert = ctx.w.prepare(
    `INSERT INTO calls (at, session_id, host, server_id, server, tool, arguments, risk, reasons,
       decision, decided_by, rule_id, message, decided_at, would_have,
       outcome_error, outcome_duration_ms, outcome_size,
       result_sha256, result_excerpt, result_chars, result_risk, result_findings)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const state = ctx.w.prepare<[number], Pick<CallDbRow, 'decision' | 'outcome_error'>>(
    'SELECT decision, outcome_error FROM calls WHERE id = ?',
  );
  const setDecision = ctx.w.prepare(
    `UPDATE calls SET decision = ?, decided_by = ?, rule_id = ?, message = ?, decided_at = ?,
       would_have = ? WHERE id = ? AND decision IS NULL`,
  );
  const setApproved = ctx.w.prepare('UPDATE calls SET approved_arguments = ? WHERE id = ?');
  // The outcome and its result in one statement: the row is rewritten once.
  const setOutcome = ctx.w.prepare(
    `UPDATE calls SET outcome_error = ?, outcome_duration_ms = ?, outcome_size = ?,
       result_sha256 = ?, result_excerpt = ?, result_chars = ?, result_risk = ?,
       result_findings = ?
     WHERE id = ? AND outcome_error IS NULL`,
  );
  const reviewOf = ctx.w.prepare<[number], { result_review: string | null }>(
    'SELECT result_review FROM calls WHERE id = ?',
  );
  const setReview = ctx.w.prepare('UPDATE calls SET result_review = ? WHERE id = ?');
  const pendingW = ctx.w.prepare<[], number>('SELECT id FROM calls WHERE decision IS NULL');
  const pendingR = ctx.r
    .prepare<[], number>('SELECT id FROM calls WHERE decision IS NULL ORDER BY id')
    .pluck();
  pendingW.pluck();
  const catchUp = statsCatchUp(ctx.w);
  const catchUpSearch = searchCatchUp(ctx.w);

  function insertCall(c: CallStart, d: CallDecision | null, o: CallOutcome | null): number {
    const args = argumentsText(c);
    const id = Number(
      insert.run(
        c.at,
        c.sessionId,
        c.host,
        c.serverId,
        c.server,
        c.tool,
        args,
        c.risk.level,
        JSON.stringify(c.risk.reasons),
        d?.kind ?? null,
        d?.decidedBy ?? null,
        d?.ruleId ?? null,
        d?.message ?? null,
        d?.at ?? null,
        d?.wouldHave ?? null,
        o === null ? null : o.isError ? 1 : 0,
        o?.durationMs ?? null,
        o?.size ?? null,
        ...resultColumns(o?.result),
      ).lastInsertRowid,
    );
    const groups: FactGroup[] = [
      'begun',
      ...(d ? ['decided' as const] : []),
      ...(o ? ['outcome' as const] : []),
      ...(o?.result ? ['result' as const] : []),
    ];
    const facts = {
      ...begunFacts(c, args),
      ...(d ? decidedFacts(d) : {}),
      ...(o ? outcomeFacts(o) : {}),
      ...(o?.result ? resultFacts(o.result) : {}),
    };
    // Stamped with the call's own time, so pruning by time keeps a kept call's first event.
    // The row holds the facts; the event holds their digest (see leanFacts).
    // The call's id is the event's call_id column (hashed with it), not repeated in the payload.
    ctx.append(d ? 'call.recorded' : 'call.begun', leanFacts(groups, facts), c.at, id);
    return id;
  }

  function applyDecision(callId: number, d: CallDecision): boolean {
    const s = state.get(callId);
    if (!s) throw new Error(`unknown call ${callId}`);
    if (s.decision !== null) return false;
    setDecision.run(d.kind, d.decidedBy, d.ruleId, d.message, d.at, d.wouldHave ?? null, callId);
    const edited = d.approvedArgumentsRaw ?? null;
    if (edited !== null) setApproved.run(edited, callId);
    const groups: FactGroup[] = edited === null ? ['decided'] : ['decided', 'edited'];
    const facts = { ...decidedFacts(d), ...(edited === null ? {} : editedFacts(edited)) };
    ctx.append('call.decided', leanFacts(groups, facts), d.at, callId);
    return true;
  }

  return {
    begin: (c) => ctx.writeCalls(() => insertCall(c, null, null)),
    decide: (callId, d) => ctx.writeCalls(() => applyDecision(callId, d)),
    record: (c, d, o) => ctx.writeCalls(() => insertCall(c, d, o ?? null)),
    outcome(callId, o, now = Date.now()) {
      return ctx.writeCalls(() => {
        const s = state.get(callId);
        if (!s) throw new Error(`unknown call ${callId}`);
        if (s.decision === null) throw new Error(`call ${callId} has no decision yet`);
        if (s.outcome_error !== null) return false;
        const outcome = [o.isError ? 1 : 0, o.durationMs, o.size] as const;
        setOutcome.run(...outcome, ...resultColumns(o.result), callId);
        if (!o.result) {
          ctx.append('call.outcome', outcomeFacts(o), now, callId);
          return true;
        }
        // One event for the outcome and its result, by digest: an excerpt, a finding or a size
        // edited in the file is caught, and the chain does not grow by a row per fact group.
        const facts = { ...outcomeFacts(o), ...resultFacts(o.result) };
        ctx.append('call.outcome', leanFacts(['outcome', 'result'], facts), now, callId);
        return true;
      });
    },
    reviewResult(callId, r) {
      return ctx.writeCalls(() => {
        const s = reviewOf.get(callId);
        if (!s) throw new Error(`unknown call ${callId}`);
        if (s.result_review !== null) return false;
        setReview.run(JSON.stringify(r), callId);
        const facts = { resultReview: r };
        ctx.append('call.resultReviewed', leanFacts(['review'], facts), r.at, callId);
        return true;
      });
    },
    markInterrupted(now) {
      return ctx.writeCalls(() => {
        const ids = pendingW.all();
        for (const id of ids) {
          applyDecision(id, {
            kind: 'interrupted',
            decidedBy: 'gate',
            ruleId: null,
            message: 'Airlock stopped while the call waited',
            at: now,
          });
        }
        return ids.length;
      });
    },
    pendingIds: () => pendingR.all(),
    catchUpStats: () => ctx.writeCalls(catchUp),
    catchUpSearch: () => ctx.writeCalls(catchUpSearch),
  };
}

/** The result columns of a call row, in the order the statements name them. */
function resultColumns(
  r: CallResult | undefined,
): [Buffer | string | null, string | null, number | null, string | null, string | null] {
  if (!r) return [null, null, null, null, null];
  return [digestColumn(r.sha256), r.excerpt, r.chars, r.risk, JSON.stringify(r.findings)];
}
