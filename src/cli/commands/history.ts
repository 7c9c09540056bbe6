import { parse, dataDirOf, noExtraArguments, str, UsageError, type Parsed } from '../args';
import type { Io } from '../output';
import { parseSince } from '../time';
import { openExistingRecord } from '../record';
import {
  DECISION_KINDS,
  RISK_LEVELS,
  type DecisionKind,
  type HistoryQuery,
  type HistoryRow,
  type RiskLevel,
} from '../../contract/types';

export const HISTORY_HELP = `Usage: airlock history [--json] [FILTERS] [--limit N]
       airlock history export --format csv|json [FILTERS]

The recorded calls and decisions, newest first.

Filters:
  --server NAME      calls to this server
  --tool NAME        calls of this tool
  --decision D       ${DECISION_KINDS.join(', ')}
  --risk R           ${RISK_LEVELS.join(', ')}
  --search TEXT      full-text search over tool names and arguments
  --since T          newer than T: 30m, 2h, 7d, or a date such as 2026-11-01
  --limit N          at most N rows (default 50; export has no limit unless given)`;

const FILTERS = {
  json: { type: 'boolean' },
  server: { type: 'string' },
  tool: { type: 'string' },
  decision: { type: 'string' },
  risk: { type: 'string' },
  search: { type: 'string' },
  since: { type: 'string' },
  limit: { type: 'string' },
  format: { type: 'string' },
} as const;

export function historyQuery(
  values: Parsed['values'],
  now: number,
  defaultLimit: number | undefined,
): HistoryQuery {
  const q: HistoryQuery = {};
  const server = str(values, 'server');
  const tool = str(values, 'tool');
  const decision = str(values, 'decision');
  const risk = str(values, 'risk');
  const search = str(values, 'search');
  const since = str(values, 'since');
  const limit = str(values, 'limit');
  if (server) q.server = server;
  if (tool) q.tool = tool;
  if (decision) {
    if (!DECISION_KINDS.includes(decision as DecisionKind))
      throw new UsageError(
        `--decision must be one of ${DECISION_KINDS.join(', ')}, not "${decision}"`,
      );
    q.decision = decision as DecisionKind;
  }
  if (risk) {
    if (!RISK_LEVELS.includes(risk as RiskLevel))
      throw new UsageError(`--risk must be one of ${RISK_LEVELS.join(', ')}, not "${risk}"`);
    q.risk = risk as RiskLevel;
  }
  if (search) q.search = search;
  if (since) q.since = parseSince(since, now);
  if (limit !== undefined) {
    const n = /^\d+$/.test(limit) ? Number(limit) : NaN;
    if (!Number.isSafeInteger(n) || n < 1)
      throw new UsageError(`--limit is a whole number of rows, at least 1, not "${limit}"`);
    q.limit = n;
  } else if (defaultLimit !== undefined) q.limit = defaultLimit;
  return q;
}

export async function historyCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, FILTERS);
  if (values.help) {
    io.out(HISTORY_HELP);
    return 0;
  }
  const exporting = positionals[0] === 'export';
  noExtraArguments(positionals, exporting ? 1 : 0);
  const format = str(values, 'format');
  if (exporting && format !== 'csv' && format !== 'json')
    throw new UsageError('history export needs --format csv or --format json');
  if (!exporting && format) throw new UsageError('--format goes with "history export"');
  // Check the flags before looking for the record, so a typo is named as such.
  const q = historyQuery(values, Date.now(), exporting ? undefined : 50);
  const store = openExistingRecord(dataDirOf(values).dir);
  try {
    if (exporting) {
      const write = (chunk: string): void => void process.stdout.write(chunk);
      if (format === 'csv') store.history.exportCsv(q, write);
      else store.history.exportJson(q, write);
      return 0;
    }
    const rows = store.history.query(q);
    if (values.json) io.out(JSON.stringify(rows, null, 2));
    else if (rows.length === 0) io.out('No recorded calls match.');
    else for (const row of rows) io.out(historyLine(row));
    return 0;
  } finally {
    store.close();
  }
}

export function historyLine(row: HistoryRow): string {
  const when = new Date(row.at).toISOString().replace('T', ' ').slice(0, 19);
  const by =
    row.ruleId !== null ? ` by rule ${row.ruleId}` : row.decidedBy ? ` by ${row.decidedBy}` : '';
  const args = JSON.stringify(row.arguments) ?? '';
  const cut = (text: string): string => (text.length > 100 ? `${text.slice(0, 97)}...` : text);
  const message = row.message ? ` “${row.message}”` : '';
  const would = row.wouldHave ? ` (would have: ${row.wouldHave})` : '';
  // Edited, then approved: what ran, after what the agent asked.
  const edited =
    row.approvedArguments === null || row.approvedArguments === undefined
      ? ''
      : `  edited to ${cut(JSON.stringify(row.approvedArguments) ?? '')}`;
  return `${row.id}  ${when}  ${row.host}/${row.server} ${row.tool} [${row.risk}] ${row.decision}${would}${by}${message}  ${cut(args)}${edited}`;
}
