// `airlock servers`: the servers the gate has seen, and what changed in the code they run
// since the user last reviewed it; `review` accepts the change (allow rules apply again). A
// server's tools can be listed, switched off and on, and a changed definition accepted.
import { parse, dataDirOf, noExtraArguments, UsageError } from '../args';
import type { Io } from '../output';
import { openExistingRecord } from '../record';
import { changeThroughGate } from '../throughGate';
import { describeChange } from '../../registry/codeIdentity';
import type { Store } from '../../store/store';
import { reviewModeOf, setReviewMode } from '../../store/reviewModes';
import type { ServerRow } from '../../store/types';
import type { ToolRecord } from '../../contract/types';

export const SERVERS_HELP = `Usage:
  airlock servers [--json]         the servers the gate has seen, with what changed since review
  airlock servers review ID        accept what server ID runs now: its allow rules apply again
  airlock servers tools ID [--json]   server ID's tools: off, or changed since review
  airlock servers disable ID TOOL  switch a tool off: its calls are refused without asking
  airlock servers enable ID TOOL   switch it on again
  airlock servers review ID TOOL   accept a tool's changed definition: its allow rules apply again
  airlock servers review-results ID TOOL off|flagged|all
                                   hold the tool's results for review before the agent reads them
                                   (flagged: those the scan flags; decide with airlock result)

A server's identity covers what changes the code it runs: the command resolved the way the
shim starts it, its arguments resolved against the working directory, the environment
variables that change code loading (NODE_OPTIONS, PYTHONPATH, LD_PRELOAD, DYLD_*…), and the
name and version it reports when it starts. A change in any of them suspends its allow rules
until you review it. A changed command line is a different server. A running gate takes a
change here at once; with none running it is saved for the next start.`;

/** Each subcommand, with how many arguments it takes at most (ID, TOOL, mode). */
const MAX_ARGUMENTS: Record<string, number> = {
  list: 0,
  review: 2,
  tools: 1,
  enable: 2,
  disable: 2,
  'review-results': 3,
};
const SUBCOMMANDS = Object.keys(MAX_ARGUMENTS);

export async function serversCommand(argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  const explicit = sub !== undefined && !sub.startsWith('-');
  const { values, positionals } = parse(explicit ? rest : argv, { json: { type: 'boolean' } });
  if (values.help) {
    io.out(SERVERS_HELP);
    return 0;
  }
  if (explicit && !SUBCOMMANDS.includes(sub))
    throw new UsageError(
      `unknown servers command "${sub}" (it is: list, review, tools, enable, disable or review-results)`,
    );
  noExtraArguments(positionals, explicit ? (MAX_ARGUMENTS[sub] ?? 0) : 0);
  const dir = dataDirOf(values).dir;
  // All of them need an existing record: no server seen means nothing to list or change.
  const store = openExistingRecord(dir);
  try {
    switch (sub) {
      case 'review':
        return positionals[1] === undefined
          ? await reviewServer(store, dir, serverOf(store, positionals[0], sub), io)
          : await reviewTool(store, dir, toolOf(store, positionals, sub), io);
      case 'tools':
        return listTools(store, serverOf(store, positionals[0], sub), values.json === true, io);
      case 'enable':
      case 'disable':
        return await switchTool(store, dir, toolOf(store, positionals, sub), sub === 'enable', io);
      case 'review-results':
        return await setResultReview(
          store,
          dir,
          toolOf(store, positionals, sub),
          positionals[2],
          io,
        );
      default: {
        const servers = store.servers.list();
        if (values.json) io.out(JSON.stringify(servers, null, 2));
        else if (servers.length === 0) io.out('No servers seen yet.');
        else for (const s of servers) io.out(serverLines(s).join('\n'));
        return 0;
      }
    }
  } finally {
    store.close();
  }
}

function serverOf(store: Store, text: string | undefined, sub: string): ServerRow {
  const id = Number(text);
  if (!/^\d+$/.test(text ?? '') || !Number.isSafeInteger(id) || id <= 0)
    throw new UsageError(
      `servers ${sub} needs the ID of a server, as \`airlock servers\` lists it`,
    );
  const server = store.servers.get(id);
  if (!server) throw new Error(`there is no server ${id}`);
  return server;
}

function toolOf(store: Store, positionals: string[], sub: string): ToolRecord {
  const server = serverOf(store, positionals[0], sub);
  const name = positionals[1];
  if (name === undefined)
    throw new UsageError(`servers ${sub} needs a server ID and a tool name, as in: ${sub} 2 echo`);
  const tool = store.tools.get(server.id, name);
  if (!tool) throw new Error(`server ${server.id} has no tool "${name}"`);
  return tool;
}

async function reviewServer(store: Store, dir: string, server: ServerRow, io: Io): Promise<number> {
  if (server.identityChanges.length === 0) {
    io.out(`Server ${server.id} has nothing to review.`);
    return 0;
  }
  // Through a running gate: its shims and an open app hear of it at once. Either way only the
  // change listed here is accepted; a newer one needs its own review.
  const answer = await changeThroughGate(dir, {
    t: 'reviewServerIdentity',
    serverId: server.id,
    changes: server.identityChanges,
  });
  if (!answer) store.servers.reviewFacts(server.id, Date.now());
  io.out(`Reviewed server ${server.id}: its allow rules apply again.`);
  return 0;
}

const changedSinceReview = (t: ToolRecord): boolean =>
  t.reviewedHash !== null && t.reviewedHash !== t.hash;

async function reviewTool(store: Store, dir: string, tool: ToolRecord, io: Io): Promise<number> {
  const label = `${tool.name} of server ${tool.serverId}`;
  if (!changedSinceReview(tool)) {
    io.out(`Tool ${label} has nothing to review.`);
    return 0;
  }
  // The definition read here is the one accepted: a newer change needs its own review.
  const answer = await changeThroughGate(dir, {
    t: 'markToolReviewed',
    serverId: tool.serverId,
    tool: tool.name,
    hash: tool.hash,
  });
  if (!answer) store.tools.markReviewed(tool.serverId, tool.name, Date.now());
  io.out(`Reviewed tool ${label}: its allow rules apply again.`);
  return 0;
}

async function switchTool(
  store: Store,
  dir: string,
  tool: ToolRecord,
  enabled: boolean,
  io: Io,
): Promise<number> {
  const answer = await changeThroughGate(dir, {
    t: 'setToolEnabled',
    serverId: tool.serverId,
    tool: tool.name,
    enabled,
  });
  if (!answer) store.tools.setEnabled(tool.serverId, tool.name, enabled, Date.now());
  io.out(
    enabled
      ? `Switched on tool ${tool.name} of server ${tool.serverId}.`
      : `Switched off tool ${tool.name} of server ${tool.serverId}: its calls are refused.`,
  );
  return 0;
}

async function setResultReview(
  store: Store,
  dir: string,
  tool: ToolRecord,
  mode: string | undefined,
  io: Io,
): Promise<number> {
  if (mode !== 'off' && mode !== 'flagged' && mode !== 'all')
    throw new UsageError(
      `servers review-results needs off, flagged or all after the tool, as in: review-results ${tool.serverId} ${tool.name} flagged`,
    );
  const answer = await changeThroughGate(dir, {
    t: 'setToolReviewResults',
    serverId: tool.serverId,
    tool: tool.name,
    mode,
  });
  if (!answer) setReviewMode(store, tool.serverId, tool.name, mode, Date.now());
  io.out(
    mode === 'off'
      ? `Results of tool ${tool.name} of server ${tool.serverId} reach the agent without review.`
      : `Results of tool ${tool.name} of server ${tool.serverId} are held for review: ${mode === 'all' ? 'every one' : 'those the scan flags'} (decide with airlock result ID).`,
  );
  return 0;
}

function listTools(store: Store, server: ServerRow, json: boolean, io: Io): number {
  const tools = store.tools.listForServer(server.id);
  if (json) {
    io.out(JSON.stringify(tools, null, 2));
    return 0;
  }
  if (tools.length === 0) io.out(`Server ${server.id} has listed no tools yet.`);
  for (const t of tools) {
    const review = reviewModeOf(store, server.id, t.name);
    const notes = [
      ...(t.enabled ? [] : ['off']),
      ...(review === 'off' ? [] : [`results held for review: ${review}`]),
      ...(changedSinceReview(t)
        ? [`CHANGED since review (airlock servers review ${server.id} ${t.name})`]
        : []),
    ];
    io.out(`${t.name}${notes.length ? `  ${notes.join(', ')}` : ''}`);
  }
  return 0;
}

function serverLines(s: ServerRow): string[] {
  const { host, name, command, args, packageVersion } = s.identity;
  const lines = [
    `${s.id}  ${name} (${host})  ${[command, ...args].join(' ')}${packageVersion ? `  [${packageVersion}]` : ''}`,
  ];
  if (s.identityChanges.length) {
    lines.push(`    CHANGED since review: allow rules suspended (airlock servers review ${s.id})`);
    for (const c of s.identityChanges) lines.push(`      ${describeChange(c)}`);
  }
  return lines;
}
