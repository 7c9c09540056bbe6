// `airlock servers`: the servers the gate has seen, and what changed in the code they run
// since the user last reviewed it; `review` accepts the change (allow rules apply again).
import { parse, dataDirOf, noExtraArguments, UsageError } from '../args';
import type { Io } from '../output';
import { openExistingRecord } from '../record';
import { changeThroughGate } from '../throughGate';
import { describeChange } from '../../registry/codeIdentity';
import type { ServerRow } from '../../store/types';

export const SERVERS_HELP = `Usage:
  airlock servers [--json]      the servers the gate has seen, with what changed since review
  airlock servers review ID     accept what server ID runs now: its allow rules apply again

A server's identity covers what changes the code it runs: the command resolved the way the
shim starts it, its arguments resolved against the working directory, the environment
variables that change code loading (NODE_OPTIONS, PYTHONPATH, LD_PRELOAD, DYLD_*…), and the
name and version it reports when it starts. A change in any of them suspends its allow rules
until you review it. A changed command line is a different server. A running gate takes a
review at once.`;

export async function serversCommand(argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  const explicit = sub !== undefined && !sub.startsWith('-');
  const { values, positionals } = parse(explicit ? rest : argv, { json: { type: 'boolean' } });
  if (values.help) {
    io.out(SERVERS_HELP);
    return 0;
  }
  if (explicit && sub !== 'list' && sub !== 'review')
    throw new UsageError(`unknown servers command "${sub}" (it is: list or review)`);
  noExtraArguments(positionals, sub === 'review' ? 1 : 0);
  // Both read an existing record: no server to review means nothing to create.
  const dir = dataDirOf(values).dir;
  const store = openExistingRecord(dir);
  try {
    if (sub === 'review') {
      const id = Number(positionals[0]);
      if (!/^\d+$/.test(positionals[0] ?? '') || !Number.isSafeInteger(id) || id <= 0)
        throw new UsageError(
          'servers review needs the ID of a server, as `airlock servers` lists it',
        );
      const server = store.servers.get(id);
      if (!server) throw new Error(`there is no server ${id}`);
      if (server.identityChanges.length === 0) {
        io.out(`Server ${id} has nothing to review.`);
        return 0;
      }
      // Through a running gate: its shims and an open app hear of it at once. Either way only
      // the change listed here is accepted; a newer one needs its own review.
      const answer = await changeThroughGate(dir, {
        t: 'reviewServerIdentity',
        serverId: id,
        changes: server.identityChanges,
      });
      if (!answer) store.servers.reviewFacts(id, Date.now());
      io.out(`Reviewed server ${id}: its allow rules apply again.`);
      return 0;
    }
    const servers = store.servers.list();
    if (values.json) io.out(JSON.stringify(servers, null, 2));
    else if (servers.length === 0) io.out('No servers seen yet.');
    else for (const s of servers) io.out(serverLines(s).join('\n'));
    return 0;
  } finally {
    store.close();
  }
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
