import { useState } from 'react';
import type { ServerView, ToolView } from '../../src/contract/ipc';
import { DiffView } from '../components/DiffView';
import { RiskReasons, RiskTag } from '../components/RiskTag';
import { VisibleText } from '../components/VisibleText';
import { definitionText } from '../lib/diff';
import { formatTime } from '../lib/format';
import { useStore } from '../store';
import { HostsSection } from './HostsSection';

export function ServersView() {
  const servers = useStore((s) => s.servers);
  return (
    <>
      <HostsSection />
      <section className="servers" aria-label="Servers">
        <h2>Servers seen by Airlock</h2>
        {servers.length === 0 ? (
          <p className="muted">No servers seen yet. They appear when a guarded host starts one.</p>
        ) : null}
        {servers.map((s) => (
          <ServerCard key={s.id} server={s} />
        ))}
      </section>
    </>
  );
}

function ServerCard({ server }: { server: ServerView }) {
  const { identity } = server;
  return (
    <article className="server" aria-labelledby={`server-${server.id}`}>
      <header>
        <h2 id={`server-${server.id}`}>
          <VisibleText text={identity.name} /> <span className="muted">on {identity.host}</span>
        </h2>
        <RiskTag level={server.grade.level} />
      </header>
      <p className="identity">
        <code>
          <VisibleText text={[identity.command, ...identity.args].join(' ')} />
        </code>
        {identity.packageVersion ? ` · version ${identity.packageVersion}` : ''} · first seen{' '}
        {formatTime(server.firstSeen)} · last seen {formatTime(server.lastSeen)}
      </p>
      <ul className="tools">
        {server.tools.map((t) => (
          <ToolItem key={t.name} tool={t} />
        ))}
      </ul>
    </article>
  );
}

function ToolItem({ tool }: { tool: ToolView }) {
  const setToolEnabled = useStore((s) => s.setToolEnabled);
  const markToolReviewed = useStore((s) => s.markToolReviewed);
  const [open, setOpen] = useState(false);
  const changed = tool.reviewedHash !== null && tool.reviewedHash !== tool.hash;
  const a = tool.definition.annotations ?? {};
  const hints = [
    a.readOnlyHint ? 'read-only' : null,
    a.destructiveHint ? 'destructive' : null,
    a.idempotentHint ? 'idempotent' : null,
    a.openWorldHint ? 'open world' : null,
  ].filter((h): h is string => h !== null);
  return (
    <li className={`tool${tool.enabled ? '' : ' off'}`} data-testid="tool" data-tool={tool.name}>
      <div className="tool-head">
        <input
          type="checkbox"
          role="switch"
          checked={tool.enabled}
          aria-label={`${tool.name} enabled`}
          onChange={(e) => void setToolEnabled(tool.serverId, tool.name, e.target.checked)}
        />
        <code className="tool-name">
          <VisibleText text={tool.name} />
        </code>
        <RiskTag level={tool.risk.level} />
        {hints.map((h) => (
          <span key={h} className="chip">
            {h}
          </span>
        ))}
        {tool.poison.length > 0 ? (
          <span className="chip chip-bad" data-testid="poison-flag">
            suspicious description
          </span>
        ) : null}
        {changed ? <span className="chip chip-warn">definition changed</span> : null}
        <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide' : 'Details'}
        </button>
      </div>
      {tool.poison.length > 0 ? (
        <ul className="poison" aria-label={`Findings in ${tool.name}`}>
          {tool.poison.map((p, i) => (
            <li key={i}>
              <VisibleText text={p.text} /> <code className="muted">{p.code}</code>
            </li>
          ))}
        </ul>
      ) : null}
      {changed ? (
        <div className="review">
          <DiffView
            before={definitionText(tool.previousDefinition ?? {})}
            after={definitionText(tool.definition)}
            label={`Definition change of ${tool.name}`}
          />
          <button
            type="button"
            className="primary"
            onClick={() => void markToolReviewed(tool.serverId, tool.name, tool.hash)}
          >
            Mark reviewed
          </button>
        </div>
      ) : null}
      {open ? (
        <div className="tool-detail">
          {tool.definition.description ? (
            <p className="plain">
              <VisibleText text={tool.definition.description} />
            </p>
          ) : null}
          <RiskReasons risk={tool.risk} />
          <pre className="plain">
            <VisibleText text={definitionText(tool.definition.inputSchema ?? {})} />
          </pre>
        </div>
      ) : null}
    </li>
  );
}
