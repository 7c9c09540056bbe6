// The connected shims: each one's session (which server, run by which host, with which tools),
// and what the gate does with the messages a shim sends. Calls go on to the CallDesk; the
// session's server and tool records are kept here.
import { randomUUID } from 'node:crypto';
import type { ToolDefinition } from '../contract/types';
import { describeChange, identityFacts } from '../registry/codeIdentity';
import { toolHash } from '../registry/hash';
import { scanDescription } from '../registry/poison';
import type { Store } from '../store/store';
import type { ApprovalBroker } from './broker';
import type { CallDesk } from './callDesk';
import type { Peer } from './handshake';
import type { LineChannel } from './lineChannel';
import { refusalLine } from './refusal';
import type { ResultReviews } from './resultReviews';
import { newSession, type ShimSession } from './session';
import type { GateSettings } from './settings';
import { perCallMessage } from './shimMessageCheck';
import { identityOf } from './sessionIdentity';
import { shimMessageSchema, type ShimMessage } from './wire';

/** Dropped-message reports recorded per session; past this a hostile server only gets counted. */
const MAX_RECORDED_DROPS = 20;

export interface SessionsDeps {
  store(): Store;
  /** Evaluates, records and answers the calls (null until the store is open). */
  desk(): CallDesk | null;
  broker: ApprovalBroker;
  results: ResultReviews;
  settings(): GateSettings;
  log(line: string): void;
  /** Listeners hear of it: the shims connected, or a server's records, changed. */
  changed(what: 'sessions-changed' | 'servers-changed'): void;
}

export class ShimSessions {
  private readonly live = new Map<string, ShimSession>();

  constructor(private readonly deps: SessionsDeps) {}

  list(): ShimSession[] {
    return [...this.live.values()];
  }

  get size(): number {
    return this.live.size;
  }

  /** A shim passed the handshake: its session starts, and its messages are handled here. */
  open(channel: LineChannel, key: string): Peer {
    const session = newSession(randomUUID(), channel, key);
    this.live.set(session.id, session);
    return {
      receive: (v) => {
        // The per-call messages are checked by hand first (only what the schema accepts).
        const message = perCallMessage(v);
        if (message) return this.guard(session, () => this.onMessage(session, message));
        const parsed = shimMessageSchema.safeParse(v);
        if (!parsed.success) {
          // A message that does not fit the protocol: the shim is broken or hostile; hang up.
          this.deps.log(refusalLine('shim', v, parsed.error));
          return channel.close('malformed shim message');
        }
        this.guard(session, () => this.onMessage(session, parsed.data));
      },
      closed: () => {
        this.live.delete(session.id);
        this.deps.broker.cancelSession(session.id, 'the shim disconnected');
        this.deps.results.cancelSession(session.id, 'the shim disconnected');
        this.deps.changed('sessions-changed');
      },
    };
  }

  /** Tell every shim (or only one) whether calls may go ahead without asking. */
  pushMode(only?: ShimSession): void {
    const s = this.deps.settings();
    const msg = { t: 'mode', observe: s.mode === 'observe' && !s.paused };
    for (const session of only ? [only] : this.live.values()) session.channel.send(msg);
  }

  /** Tell the shims of a server which of its tools are switched off. */
  pushDisabledTools(serverId: number): void {
    const disabled = this.deps
      .store()
      .tools.listForServer(serverId)
      .filter((t) => !t.enabled)
      .map((t) => t.name);
    for (const s of this.live.values()) {
      if (s.serverId === serverId) s.channel.send({ t: 'disabled', tools: disabled });
    }
    this.deps.changed('servers-changed');
  }

  /** A failure while handling one shim message must not take the gate down. */
  private guard(session: ShimSession, handle: () => void): void {
    try {
      handle();
    } catch (err) {
      this.deps.log(
        `error handling a message from ${session.info?.server ?? 'a shim'}: ${(err as Error).message}`,
      );
    }
  }

  private onMessage(session: ShimSession, msg: ShimMessage): void {
    const desk = this.deps.desk();
    switch (msg.t) {
      case 'session':
        return this.onSession(session, msg);
      case 'tools':
        return this.onTools(session, msg.tools);
      case 'roots':
        session.roots = msg.roots;
        return;
      case 'ask':
        return desk?.ask(session, msg);
      case 'observed':
        return desk?.observed(session, msg);
      case 'cancel': {
        const id = session.calls.get(msg.rid);
        const reason = `cancelled by the host${msg.reason ? `: ${msg.reason}` : ''}`;
        if (id !== undefined) this.deps.broker.cancel(id, reason);
        this.deps.results.cancelRequest(session.id, msg.rid, reason);
        return;
      }
      case 'outcome':
        return desk?.outcome(session, msg);
      case 'resultPart':
        return desk?.resultPart(session, msg);
      case 'offline':
        return desk?.offline(session, msg);
      case 'dropped':
        return this.onDropped(session, msg.what);
      case 'serverInfo':
        session.serverInfo = { name: msg.name, version: msg.version };
        return this.observeFacts(session);
    }
  }

  private onSession(session: ShimSession, msg: Extract<ShimMessage, { t: 'session' }>): void {
    if (session.info) return session.channel.close('a shim may start its session only once');
    const { t: _t, ...info } = msg;
    session.info = info;
    const store = this.deps.store();
    // Session records wait for no one: committed now, flushed off the event loop (a lost one
    // only makes the server or tool look new again, which asks more, never less).
    session.serverId = store.unsynced(() => store.servers.upsert(identityOf(info), Date.now())).id;
    this.observeFacts(session);
    this.pushDisabledTools(session.serverId);
    this.pushMode(session);
    this.deps.changed('sessions-changed');
  }

  /** Record what this session runs; a difference from what was reviewed suspends allow rules. */
  private observeFacts(session: ShimSession): void {
    if (!session.info || session.serverId === null) return;
    session.facts = identityFacts({
      commandPath: session.info.commandPath,
      args: session.info.args,
      cwd: session.info.cwd,
      codeEnv: session.info.codeEnv,
      serverInfo: session.serverInfo,
    });
    const { serverId, facts } = session;
    const store = this.deps.store();
    const changes = store.unsynced(() => store.servers.observeFacts(serverId, facts, Date.now()));
    if (changes.length) {
      this.deps.log(
        `server ${session.info.server} (${session.info.host}) runs different code than reviewed; its allow rules are suspended until \`airlock servers review ${session.serverId}\`: ${changes.map(describeChange).join('; ')}`,
      );
    }
    this.deps.changed('servers-changed');
  }

  /** The shim dropped something its server sent. Only the first few go on the record. */
  private onDropped(session: ShimSession, what: string): void {
    session.dropped++;
    const who = session.info ? `${session.info.server} (${session.info.host})` : 'a server';
    if (session.dropped <= MAX_RECORDED_DROPS) {
      this.deps.log(`the shim of ${who} dropped a message from its server: ${what}`);
      const store = this.deps.store();
      if (session.serverId !== null)
        store.unsynced(() =>
          store.servers.noteDropped(session.serverId as number, what, Date.now()),
        );
    } else if (session.dropped % 1000 === 0) {
      this.deps.log(`the shim of ${who} has dropped ${session.dropped} messages from its server`);
    }
  }

  private onTools(session: ShimSession, tools: ToolDefinition[]): void {
    session.tools = new Map(tools.map((t) => [t.name, t]));
    if (session.serverId === null) return;
    // Shadowing: a description that names another server's tools. Its own tools are fair game.
    const elsewhere = [...this.live.values()]
      .filter((s) => s.serverId !== session.serverId)
      .flatMap((s) => [...s.tools.keys()]);
    const serverId = session.serverId;
    const store = this.deps.store();
    const recorded = store.unsynced(() =>
      store.tools.recordList(
        serverId,
        tools.map((definition) => ({
          definition,
          hash: toolHash(definition),
          poison: scanDescription(definition, elsewhere),
        })),
        Date.now(),
      ),
    );
    for (const r of recorded) {
      if (r.changed)
        this.deps.log(
          `tool ${session.info?.server}/${r.record.name} changed its definition: its allow rules are suspended until reviewed`,
        );
    }
    this.deps.changed('servers-changed');
  }
}
