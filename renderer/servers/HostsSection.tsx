// Every host found on this machine and each server entry in its configs: posture grade,
// transport, and a Guard switch that runs the same plan as `airlock hosts install --server`.
import { useEffect, useId, useState } from 'react';
import type { HostReport, HostServerEntry } from '../../src/contract/ipc';
import { api } from '../api';
import { VisibleText } from '../components/VisibleText';
import { useStore } from '../store';
import { entryKey } from '../store/servers';

export function HostsSection() {
  const hosts = useStore((s) => s.hosts);
  const scanHosts = useStore((s) => s.scanHosts);
  useEffect(() => {
    void scanHosts();
  }, [scanHosts]);
  const found = (hosts ?? []).filter((h) => h.found);
  const missing = (hosts ?? []).filter((h) => !h.found);
  return (
    <section className="hosts" aria-label="Hosts">
      <h2>
        MCP hosts on this computer{' '}
        <button type="button" onClick={() => void scanHosts()}>
          Rescan
        </button>
      </h2>
      <HostNotices />
      {hosts === null ? <p className="muted">Looking for host configs…</p> : null}
      {hosts !== null && found.length === 0 ? (
        <p className="muted">No MCP host config found.</p>
      ) : null}
      {found.map((h) => (
        <HostCard key={h.host} host={h} />
      ))}
      {missing.length > 0 ? (
        <p className="muted">Not found: {missing.map((h) => h.label).join(', ')}.</p>
      ) : null}
    </section>
  );
}

/** What the host watcher noticed: new unguarded servers, removed wraps. */
function HostNotices() {
  const events = useStore((s) => s.hostEvents);
  const hosts = useStore((s) => s.hosts);
  const dismiss = useStore((s) => s.dismissHostEvents);
  const guardEntry = useStore((s) => s.guardEntry);
  if (events.length === 0) return null;
  return (
    <div className="notices" role="status" aria-label="Host notices">
      {events.map((e) => {
        const entry = hosts
          ?.find((h) => h.host === e.host)
          ?.servers.find(
            (s) => s.name === e.server && s.configPath === e.configPath && s.project === e.project,
          );
        return (
          <p key={e.id} className="warning notice" data-testid="host-notice">
            <VisibleText text={e.message} />{' '}
            {entry && entry.guardable && !entry.guarded ? (
              <button
                type="button"
                className="primary"
                onClick={() =>
                  void guardEntry({ host: e.host, server: e.server, project: e.project }, true)
                }
              >
                Guard
              </button>
            ) : null}{' '}
            <button type="button" onClick={() => void dismiss([e.id])}>
              Dismiss
            </button>
          </p>
        );
      })}
    </div>
  );
}

function HostCard({ host }: { host: HostReport }) {
  const guardHost = useStore((s) => s.guardHost);
  const guardable = host.servers.filter((s) => s.guardable);
  const allGuarded = guardable.length > 0 && guardable.every((s) => s.guarded);
  return (
    <article className="host" data-host={host.host} aria-labelledby={`host-${host.host}`}>
      <header className="host-head">
        <h3 id={`host-${host.host}`}>{host.label}</h3>
        <code className="muted">
          <VisibleText text={host.configPath ?? ''} />
        </code>
        {guardable.length > 1 ? (
          <button type="button" onClick={() => void guardHost(host.host, !allGuarded)}>
            {allGuarded ? `Unguard all in ${host.label}` : `Guard all in ${host.label}`}
          </button>
        ) : null}
      </header>
      <SingleConsentSwitch host={host} />
      {host.error ? (
        <p className="warning">
          <VisibleText text={host.error} />
        </p>
      ) : null}
      {host.servers.length === 0 ? (
        <p className="muted">No servers configured.</p>
      ) : (
        <ul className="entries">
          {host.servers.map((s) => (
            <EntryRow
              key={`${s.configPath}\n${s.project ?? ''}\n${s.name}`}
              host={host}
              entry={s}
            />
          ))}
        </ul>
      )}
    </article>
  );
}

/**
 * One consent instead of two: guards every server of the host AND writes the host's own allow
 * entry for them, so the host stops asking and only Airlock does. Off takes back only the allow
 * entries Airlock wrote, byte for byte; the servers stay guarded. Hosts without such a setting say why.
 */
function SingleConsentSwitch({ host }: { host: HostReport }) {
  const guardHost = useStore((s) => s.guardHost);
  const id = useId();
  const [busy, setBusy] = useState(false);
  const info = host.singleConsent;
  const guardable = host.servers.filter((s) => s.guardable);
  if (!info || guardable.length === 0) return null;
  if (!info.supported)
    return (
      <p className="muted single-consent" data-testid="single-consent-none">
        One consent: <VisibleText text={info.summary} />
      </p>
    );
  const on = guardable.every((s) => s.guarded && s.autoApproved === true);
  const toggle = async (want: boolean): Promise<void> => {
    setBusy(true);
    try {
      await guardHost(host.host, true, want);
    } finally {
      setBusy(false);
    }
  };
  return (
    <p className="single-consent">
      <input
        id={id}
        type="checkbox"
        role="switch"
        checked={on}
        disabled={busy}
        aria-describedby={`${id}-what`}
        onChange={(ev) => void toggle(ev.currentTarget.checked)}
      />{' '}
      <label htmlFor={id}>One consent: only Airlock asks</label>{' '}
      <span id={`${id}-what`} className="muted">
        (guards every server and <VisibleText text={info.summary} />)
      </span>
    </p>
  );
}

function EntryRow({ host, entry }: { host: HostReport; entry: HostServerEntry }) {
  const guardEntry = useStore((s) => s.guardEntry);
  const ref = { host: host.host, server: entry.name, project: entry.project };
  const busy = useStore((s) => s.guarding.includes(entryKey(ref)));
  const [open, setOpen] = useState(false);
  const reasonId = useId();
  const why = entry.guardable ? null : (entry.note ?? 'This entry cannot be guarded.');
  const deductions = entry.deductions.map((d) => `−${d.points} ${d.text}`).join('\n');
  return (
    <li
      className="entry"
      data-testid="host-entry"
      data-host={host.host}
      data-server={entry.name}
      data-guarded={entry.guarded}
    >
      <div className="entry-head">
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={entry.guarded}
            disabled={!entry.guardable || busy}
            aria-label={`Guard ${entry.name} in ${host.label}`}
            aria-describedby={why ? reasonId : undefined}
            onChange={(e) => void guardEntry(ref, e.target.checked)}
          />
          <span>{entry.guarded ? 'guarded' : 'not guarded'}</span>
        </label>
        <span
          className={`grade grade-${entry.grade}`}
          data-testid="grade"
          title={deductions || 'No deductions'}
          aria-label={`Grade ${entry.grade}, score ${entry.score}`}
        >
          {entry.grade}
        </span>
        <strong>
          <VisibleText text={entry.name} />
        </strong>
        <span className="chip">{entry.transport}</span>
        {entry.project ? (
          <span className="chip" title={entry.project}>
            project
          </span>
        ) : null}
        {entry.disabled ? <span className="chip">disabled</span> : null}
        <code className="muted entry-cmd">
          <VisibleText text={[entry.command, ...entry.args].join(' ')} />
        </code>
        <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide' : 'Why'}
        </button>
      </div>
      {why ? (
        <p className="muted entry-why" id={reasonId}>
          <VisibleText text={why} />
        </p>
      ) : null}
      <KeychainControls host={host} entry={entry} />
      {open ? (
        <ul className="deductions" aria-label={`Deductions of ${entry.name}`}>
          {entry.deductions.length === 0 ? <li>No deductions: score 100.</li> : null}
          {(entry.credits ?? []).map((c) => (
            <li key={c.code} className="credit">
              <span className="points">✓</span> <VisibleText text={c.text} />{' '}
              <code className="muted">{c.code}</code>
            </li>
          ))}
          {entry.deductions.map((d, i) => (
            <li key={`${d.code}-${i}`}>
              <span className="points">−{d.points}</span> <VisibleText text={d.text} />{' '}
              <code className="muted">{d.code}</code>
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/**
 * "Move secrets to keychain" (`airlock hosts secure --server`), and the way back, each behind a
 * confirm that names what moves (sites such as `env API_KEY`, never values).
 */
function KeychainControls({ host, entry }: { host: HostReport; entry: HostServerEntry }) {
  const scanHosts = useStore((s) => s.scanHosts);
  const fail = useStore((s) => s.fail);
  const [asking, setAsking] = useState<'move' | 'undo' | null>(null);
  const [busy, setBusy] = useState(false);
  const movable = entry.guarded ? (entry.secrets?.movable ?? []) : [];
  const inKeychain = entry.secrets?.inKeychain === true;
  if (movable.length === 0 && !inKeychain) return null;
  const run = async (undo: boolean): Promise<void> => {
    setBusy(true);
    try {
      await api.secureServer({
        host: host.host,
        server: entry.name,
        ...(entry.project !== null ? { project: entry.project } : {}),
        ...(undo ? { undo } : {}),
      });
      setAsking(null);
      await scanHosts();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  if (asking !== null)
    return (
      <p
        className="keychain-confirm"
        role="group"
        aria-label={`Confirm keychain change for ${entry.name}`}
      >
        {asking === 'move' ? (
          <>
            Move {movable.join(', ')} of <VisibleText text={entry.name} /> into the OS keychain? The
            config keeps a reference that only Airlock&apos;s shim resolves when it starts the
            server; the server will not start where the keychain is locked or missing.
          </>
        ) : (
          <>
            Put the secrets of <VisibleText text={entry.name} /> back into the config file in plain
            text and delete them from the OS keychain?
          </>
        )}{' '}
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => void run(asking === 'undo')}
        >
          {asking === 'move' ? 'Move' : 'Put back'}
        </button>{' '}
        <button type="button" disabled={busy} onClick={() => setAsking(null)}>
          Cancel
        </button>
      </p>
    );
  return (
    <p className="keychain">
      {movable.length > 0 ? (
        <button type="button" onClick={() => setAsking('move')}>
          Move secrets to keychain
        </button>
      ) : null}{' '}
      {inKeychain ? (
        <>
          <span className="muted">Secrets kept in the OS keychain.</span>{' '}
          <button type="button" onClick={() => setAsking('undo')}>
            Put secrets back in config
          </button>
        </>
      ) : null}
    </p>
  );
}
