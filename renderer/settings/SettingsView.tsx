import { useEffect } from 'react';
import type { Settings } from '../../src/contract/ipc';
import { VisibleText } from '../components/VisibleText';
import { useStore } from '../store';

export function SettingsView() {
  const settings = useStore((s) => s.settings);
  const update = useStore((s) => s.updateSettings);
  if (!settings) return <p className="muted">Loading…</p>;
  const set = (patch: Partial<Settings>) => void update(patch);
  return (
    <section className="settings" aria-label="Settings">
      <form className="settings-form" onSubmit={(e) => e.preventDefault()}>
        <label>
          Ask timeout (seconds)
          <input
            type="number"
            min={5}
            max={3600}
            defaultValue={settings.timeoutSeconds}
            key={settings.timeoutSeconds}
            onBlur={(e) => {
              const n = Number(e.target.value);
              if (Number.isInteger(n) && n >= 5 && n <= 3600 && n !== settings.timeoutSeconds) {
                set({ timeoutSeconds: n });
              }
            }}
          />
        </label>
        <fieldset>
          <legend>Mode</legend>
          <label>
            <input
              type="radio"
              name="mode"
              checked={settings.mode === 'ask'}
              onChange={() => set({ mode: 'ask' })}
            />
            Ask (gate calls)
          </label>
          <label>
            <input
              type="radio"
              name="mode"
              checked={settings.mode === 'observe'}
              onChange={() => set({ mode: 'observe' })}
            />
            Observe only (record, never block)
          </label>
        </fieldset>
        <label>
          <input
            type="checkbox"
            checked={settings.paused}
            onChange={(e) => set({ paused: e.target.checked })}
          />
          Paused: deny every new gated call
        </label>
        <label>
          Keep history (days, 0 = keep everything)
          <input
            type="number"
            min={0}
            max={3650}
            defaultValue={settings.retentionDays}
            key={settings.retentionDays}
            onBlur={(e) => {
              const n = Number(e.target.value);
              if (Number.isInteger(n) && n >= 0 && n <= 3650 && n !== settings.retentionDays) {
                set({ retentionDays: n });
              }
            }}
          />
        </label>
        <label>
          <input
            type="checkbox"
            checked={settings.startAtLogin}
            onChange={(e) => set({ startAtLogin: e.target.checked })}
          />
          Start at login
        </label>
        <label>
          <input
            type="checkbox"
            checked={settings.sound}
            onChange={(e) => set({ sound: e.target.checked })}
          />
          Play a sound when a call waits
        </label>
        <label>
          Theme
          <select
            value={settings.theme}
            onChange={(e) => set({ theme: e.target.value as Settings['theme'] })}
          >
            <option value="system">Follow the system</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
      </form>
      <Hosts />
    </section>
  );
}

function Hosts() {
  const hosts = useStore((s) => s.hosts);
  const scanHosts = useStore((s) => s.scanHosts);
  const guardHost = useStore((s) => s.guardHost);
  useEffect(() => {
    if (hosts === null) void scanHosts();
  }, [hosts, scanHosts]);
  return (
    <section aria-label="Hosts">
      <h2>
        MCP hosts{' '}
        <button type="button" onClick={() => void scanHosts()}>
          Rescan
        </button>
      </h2>
      {(hosts ?? []).map((h) => {
        const guarded = h.servers.length > 0 && h.servers.every((s) => s.guarded);
        return (
          <article key={h.host} className="host">
            <h3>
              {h.label} <span className="muted">{h.found ? h.configPath : 'not found'}</span>
            </h3>
            {h.error ? (
              <p className="warning">
                <VisibleText text={h.error} />
              </p>
            ) : null}
            <ul>
              {h.servers.map((s) => (
                <li key={s.name}>
                  <span className={s.guarded ? 'chip' : 'chip chip-warn'}>
                    {s.guarded ? 'guarded' : 'not guarded'}
                  </span>{' '}
                  <VisibleText text={s.name} />{' '}
                  <code className="muted">
                    <VisibleText text={[s.command, ...s.args].join(' ')} />
                  </code>
                </li>
              ))}
            </ul>
            {h.found ? (
              <button type="button" onClick={() => void guardHost(h.host, !guarded)}>
                {guarded ? `Remove Airlock from ${h.label}` : `Guard ${h.label} with Airlock`}
              </button>
            ) : null}
          </article>
        );
      })}
    </section>
  );
}
