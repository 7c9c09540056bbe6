// The Servers view: each server with its tools and their standing risk, and the changes a
// person makes there (a tool on/off, its results held for review, a reviewed definition or
// identity), each the gate's checked change, the same one `airlock servers` sends.
import type { ServerView, ToolView } from '../contract/ipc';
import type { RiskAssessment, ToolRecord } from '../contract/types';
import { toolStateOf } from '../policy/evaluate';
import type { GateApi } from '../gate/service';
import { assessRisk, maxLevel } from '../policy/risk';
import type { ServerRow } from '../store/types';
import type { AppServices } from './services';

type ServersPart = Pick<
  AppServices,
  | 'listServers'
  | 'setToolEnabled'
  | 'setToolReviewResults'
  | 'markToolReviewed'
  | 'reviewServerIdentity'
>;

export function serversServices(gate: GateApi): ServersPart {
  const toolView = (record: ToolRecord): ToolView => ({
    ...record,
    reviewResults: gate.reviewModeOf(record.serverId, record.name),
    // The tool's standing risk: what any call of it starts from.
    risk: assessRisk({ tool: record.name, arguments: {} }, toolStateOf(record), {
      roots: [],
      env: gate.env,
      readSensitiveEarlier: false,
      knownDomains: [],
    }),
  });

  /** The tool as it is after a change (the change itself refused a missing tool). */
  const toolNow = (serverId: number, tool: string): ToolView => {
    const record = gate.record.tools.get(serverId, tool);
    if (!record) throw new Error(`server ${serverId} has no tool "${tool}"`);
    return toolView(record);
  };

  const serverView = (server: ServerRow): ServerView => {
    const tools = gate.record.tools.listForServer(server.id).map(toolView);
    const worst = maxLevel(tools.map((t) => t.risk.level));
    const grade: RiskAssessment = {
      level: worst,
      reasons: tools
        .filter((t) => t.risk.level === worst)
        .flatMap((t) => t.risk.reasons.filter((r) => r.level === worst)),
    };
    return {
      id: server.id,
      identity: server.identity,
      firstSeen: server.firstSeen,
      lastSeen: server.lastSeen,
      grade,
      tools,
      identityChanges: server.identityChanges,
    };
  };

  return {
    listServers: () => gate.record.servers.list().map(serverView),

    setToolEnabled({ serverId, tool, enabled }) {
      gate.changes.setToolEnabled(serverId, tool, enabled);
      return toolNow(serverId, tool);
    },

    setToolReviewResults({ serverId, tool, mode }) {
      gate.changes.setToolReviewResults(serverId, tool, mode);
      return toolNow(serverId, tool);
    },

    markToolReviewed({ serverId, tool, hash }) {
      gate.changes.markToolReviewed(serverId, tool, hash);
      return toolNow(serverId, tool);
    },

    reviewServerIdentity({ serverId, changes }) {
      gate.changes.reviewServerIdentity(serverId, changes);
      const reviewed = gate.record.servers.get(serverId);
      if (!reviewed) throw new Error(`there is no server ${serverId}`);
      return serverView(reviewed);
    },
  };
}
