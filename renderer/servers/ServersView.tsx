import { useState } from 'react';
import { ReviewResultsSelect } from './ReviewResultsSelect';
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
      <AttentionSection servers={servers} />
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

/**
 * What needs a person first: tools whose description looks poisoned and tools whose
 * definition changed since it was reviewed, each with its one-click answer.
 */
function AttentionSection({ servers }: { servers: ServerView[] }) {
  const setToolEnabled = useStore((s) => s.setToolEnabled);
  const items = servers.flatMap((server) =>
    server.tools
      .filter((t) => t.poison.length > 0 || isChanged(t))
      .map((tool) => ({ server, tool })),
  );
  const changedServers = servers.filter((s) => (s.identityChanges ?? []).length > 0);
  if (items.length === 0 && changedServers.length === 0) return null;
  return (
    <section className="attention" aria-labelledby="attention-title">
      <h2 id="attention-title">Needs your attention</h2>
      <ul className="attention-list">
        {changedServers.map((server) => (
          <IdentityChangeItem key={`server-${server.id}`} server={server} />
        ))}
        {items.map(({ server, tool }) => (
          <li key={`${server.id}/${tool.name}`} data-testid="attention-item">
            <div className="attention-what">
              <code>
                <VisibleText text={tool.name} />
              </code>{' '}
              <span className="muted">
                on <VisibleText text={server.identity.name} /> ({server.identity.host})
              </span>
              <div>
                {tool.poison.length > 0
                  ? `Its description looks poisoned: ${tool.poison[0]?.text ?? ''}`
                  : 'Its definition changed since you reviewed it; its allow rules are suspended.'}
              </div>
            </div>
            {tool.enabled ? (
              <button
                type="button"
                className="danger"
                onClick={() => void setToolEnabled(tool.serverId, tool.name, false)}
              >
                Switch {tool.name} off
              </button>
            ) : (
              <span className="chip">switched off</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * A server that runs different code than the user reviewed (another binary behind the command,
 * a code-loading variable, a new release): its allow rules are suspended until reviewed here
 * (or with `airlock servers review ID`).
 */
function IdentityChangeItem({ server }: { server: ServerView }) {
  const reviewServerIdentity = useStore((s) => s.reviewServerIdentity);
  const changes = server.identityChanges ?? [];
  const name = server.identity.name;
  return (
    <li data-testid="attention-item" data-server-id={server.id}>
      <div className="attention-what">
        <VisibleText text={name} /> <span className="muted">({server.identity.host})</span>
        <div>
          It runs different code than you reviewed; its allow rules are suspended, so its calls ask.
        </div>
        <ul className="identity-changes" aria-label={`What changed in ${name}`}>
          {changes.map((c) => (
            <li key={c.fact}>
              <code>{c.fact}</code>: <ChangedValue value={c.before} /> →{' '}
              <ChangedValue value={c.after} />
            </li>
          ))}
        </ul>
      </div>
      <button type="button" onClick={() => void reviewServerIdentity(server.id, changes)}>
        Reviewed
      </button>
    </li>
  );
}

/** A fact's value as the server reported it, long ones cut (the CLI shows them whole). */
function ChangedValue({ value }: { value: string | null }) {
  if (value === null) return <span className="muted">(not set)</span>;
  return (
    <code>
      <VisibleText text={value.length > 200 ? `${value.slice(0, 200)}…` : value} />
    </code>
  );
}

function isChanged(tool: ToolView): boolean {
  return tool.reviewedHash !== null && tool.reviewedHash !== tool.hash;
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
  const changed = isChanged(tool);
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
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={tool.enabled}
            aria-label={`${tool.name} enabled`}
            onChange={(e) => void setToolEnabled(tool.serverId, tool.name, e.target.checked)}
          />
          <span aria-hidden="true">{tool.enabled ? 'On' : 'Off'}</span>
        </label>
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
        <ReviewResultsSelect tool={tool} />
        <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide' : 'Details'}
        </button>
      </div>
      {tool.poison.length > 0 ? (
        <ul className="poison" aria-label={`Findings in ${tool.name}`}>
          {tool.poison.map((p, i) => (
            <li key={i}>
              <VisibleText text={p.text} />
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
