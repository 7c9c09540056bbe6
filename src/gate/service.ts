// The gate service: the socket, the handshake, the shim sessions and the approval broker.
// The same service runs in `airlock gate` (headless) and in the Electron main process.
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { Mode, PendingCall, ToolDefinition } from '../contract/types';
import { clientProof, decisionMac, gateProof, newNonce, sameProof, sessionKey } from './auth';
import { ApprovalBroker, type Resolution } from './broker';
import { LineChannel } from './lineChannel';
import { listenOnSocket, type Listening } from './listener';
import { parseHostLine } from '../mcp/hostLine';
import type { ControlRequest, SessionInfo, Verdict } from './wire';
import { WIRE_VERSION } from './wire';

export const DEFAULT_TIMEOUT_MS = 45_000;
const HANDSHAKE_TIMEOUT_MS = 3_000;

export interface GateOptions {
  dataDir: string;
  mode?: Mode;
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** One connected shim: one server run by one host. */
export interface ShimSession {
  id: string;
  info: SessionInfo | null;
  tools: Map<string, ToolDefinition>;
  roots: string[];
  channel: LineChannel;
  key: string;
  /** rid → pending call id, for cancellation. */
  held: Map<number, number>;
}

export interface GateService extends EventEmitter {
  readonly dataDir: string;
  readonly socketPath: string;
  readonly broker: ApprovalBroker;
  mode: Mode;
  timeoutMs: number;
  sessions(): ShimSession[];
  pending(): PendingCall[];
  decide(id: number, verdict: Verdict, message?: string | null): boolean;
  close(): Promise<void>;
}

export async function startGateService(opts: GateOptions): Promise<GateService> {
  const gate = new Gate(opts);
  await gate.listen();
  return gate;
}

class Gate extends EventEmitter implements GateService {
  readonly dataDir: string;
  mode: Mode;
  timeoutMs: number;
  readonly broker: ApprovalBroker;
  private listening: Listening | null = null;
  private readonly live = new Map<string, ShimSession>();
  private readonly sockets = new Set<Socket>();
  private nextCallId = 1;
  private readonly log: (line: string) => void;

  constructor(opts: GateOptions) {
    super();
    this.dataDir = opts.dataDir;
    this.mode = opts.mode ?? 'ask';
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.log = opts.log ?? (() => {});
    this.broker = new ApprovalBroker(() => this.timeoutMs);
    this.broker.on('changed', () => this.emit('pending-changed'));
  }

  get socketPath(): string {
    return this.listening?.socketPath ?? '';
  }

  async listen(): Promise<void> {
    this.listening = await listenOnSocket(this.dataDir, (socket) => this.accept(socket));
  }

  sessions(): ShimSession[] {
    return [...this.live.values()];
  }

  pending(): PendingCall[] {
    return this.broker.list();
  }

  decide(id: number, verdict: Verdict, message?: string | null): boolean {
    return this.broker.decide(id, verdict, message);
  }

  async close(): Promise<void> {
    this.broker.interruptAll('the Airlock gate stopped');
    for (const s of this.sockets) s.destroy();
    await this.listening?.close();
    this.listening = null;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const gateNonce = newNonce();
    const secret = this.listening?.secret ?? '';
    let route: ((msg: Record<string, unknown>) => void) | null = null;
    let onClose: (() => void) | null = null;
    const timer = setTimeout(() => channel.close('handshake timed out'), HANDSHAKE_TIMEOUT_MS);
    const channel = new LineChannel(
      socket,
      (msg) => {
        if (route) return route(msg);
        if (msg.t !== 'auth' || typeof msg.nonce !== 'string' || typeof msg.proof !== 'string') {
          return channel.close('expected an auth message');
        }
        if (!sameProof(msg.proof, clientProof(secret, gateNonce, msg.nonce))) {
          channel.send({ t: 'refused', reason: 'wrong secret' });
          return channel.close('client failed the handshake');
        }
        clearTimeout(timer);
        channel.send({ t: 'welcome', proof: gateProof(secret, gateNonce, msg.nonce) });
        const key = sessionKey(secret, gateNonce, msg.nonce);
        if (msg.role === 'shim') {
          const session: ShimSession = {
            id: randomUUID(),
            info: null,
            tools: new Map(),
            roots: [],
            channel,
            key,
            held: new Map(),
          };
          this.live.set(session.id, session);
          route = (m) => this.onShimMessage(session, m);
          onClose = () => {
            this.live.delete(session.id);
            this.broker.cancelSession(session.id, 'the shim disconnected');
            this.emit('sessions-changed');
          };
        } else {
          route = (m) => this.onControl(channel, m as unknown as ControlRequest);
        }
      },
      () => {
        clearTimeout(timer);
        onClose?.();
      },
    );
    channel.send({ t: 'challenge', v: WIRE_VERSION, nonce: gateNonce });
  }

  private onShimMessage(session: ShimSession, msg: Record<string, unknown>): void {
    switch (msg.t) {
      case 'session':
        session.info = {
          server: String(msg.server ?? ''),
          host: String(msg.host ?? ''),
          command: String(msg.command ?? ''),
          args: Array.isArray(msg.args) ? msg.args.map(String) : [],
          cwd: String(msg.cwd ?? ''),
          pid: Number(msg.pid ?? 0),
        };
        this.emit('sessions-changed');
        return;
      case 'tools':
        if (Array.isArray(msg.tools)) {
          session.tools = new Map(
            (msg.tools as ToolDefinition[])
              .filter((t) => t && typeof t.name === 'string')
              .map((t) => [t.name, t]),
          );
          this.emit('sessions-changed');
        }
        return;
      case 'roots':
        if (Array.isArray(msg.roots))
          session.roots = msg.roots.filter((r): r is string => typeof r === 'string');
        return;
      case 'ask':
        return this.onAsk(session, msg);
      case 'cancel': {
        const id = session.held.get(Number(msg.rid));
        if (id !== undefined)
          this.broker.cancel(id, `cancelled by the host: ${String(msg.reason ?? '')}`);
        return;
      }
      case 'outcome':
      case 'offline':
        return; // recorded by the store (issue 3)
      default:
        this.log(`ignoring unknown shim message ${JSON.stringify(msg.t)}`);
    }
  }

  private onAsk(session: ShimSession, msg: Record<string, unknown>): void {
    const rid = Number(msg.rid);
    const line = typeof msg.line === 'string' ? msg.line : '';
    const digest = typeof msg.digest === 'string' ? msg.digest : '';
    const answer = (verdict: Verdict, text: string): void => {
      session.channel.send({
        t: 'decision',
        rid,
        verdict,
        text,
        mac: decisionMac(session.key, rid, digest, verdict),
      });
    };
    if (!Number.isSafeInteger(rid)) return session.channel.close('ask without a request number');
    // The gate decides on exactly the bytes it is shown: it parses the line itself.
    if (createHash('sha256').update(line, 'utf8').digest('hex') !== digest) {
      return answer('deny', 'Denied by Airlock: the request did not match its digest');
    }
    const parsed = parseHostLine(Buffer.from(line, 'utf8'));
    if (
      parsed.kind !== 'request' ||
      parsed.method !== 'tools/call' ||
      typeof parsed.params?.name !== 'string'
    ) {
      return answer('deny', 'Denied by Airlock: the gate could not read this tool call');
    }
    const tool = parsed.params.name;
    const args = parsed.params.arguments ?? {};
    if (this.mode === 'observe') return answer('allow', 'Allowed by Airlock (observe mode)');

    const id = this.nextCallId++;
    session.held.set(rid, id);
    const definition = session.tools.get(tool);
    const call = this.broker.hold(
      {
        id,
        sessionId: session.id,
        host: session.info?.host ?? '',
        server: session.info?.server ?? '',
        serverId: null,
        tool,
        description: definition?.description ?? null,
        arguments: args,
        risk: { level: 'medium', reasons: [] },
        definitionChanged: false,
      },
      (r: Resolution) => {
        session.held.delete(rid);
        if (r.kind === 'cancelled') return; // the host withdrew it, or the shim is gone
        answer(r.verdict, denialOrApproval(r));
      },
    );
    session.channel.send({ t: 'held', rid, deadline: call.deadline });
  }

  private onControl(channel: LineChannel, req: ControlRequest): void {
    const reply = (msg: object): void => channel.send({ req: req.req, ...msg });
    switch (req.t) {
      case 'pending':
        return reply({ t: 'pending', calls: this.pending() });
      case 'decide': {
        if (req.verdict !== 'allow' && req.verdict !== 'deny')
          return reply({ t: 'error', message: 'verdict must be allow or deny' });
        const ok = this.decide(Number(req.id), req.verdict, req.message ?? null);
        return reply(
          ok ? { t: 'ok' } : { t: 'error', message: `no call ${req.id} is waiting for a decision` },
        );
      }
      case 'status':
        return reply({
          t: 'status',
          mode: this.mode,
          pending: this.broker.size,
          sessions: this.live.size,
          dataDir: this.dataDir,
          pid: process.pid,
        });
      default:
        return reply({ t: 'error', message: 'unknown request' });
    }
  }
}

/** The text the agent (and the model behind it) reads. */
export function denialOrApproval(r: Pick<Resolution, 'verdict' | 'kind' | 'message'>): string {
  if (r.verdict === 'allow') return 'Approved in Airlock';
  switch (r.kind) {
    case 'denied':
      return `Denied by user in Airlock${r.message ? `: ${r.message}` : ''}`;
    case 'timed-out':
      return `Denied by Airlock: ${r.message ?? 'no decision in time'}`;
    default:
      return `Denied by Airlock${r.message ? `: ${r.message}` : ''}`;
  }
}
