import type { Settings } from '../../src/contract/ipc';
import { useStore } from '../store';

export function SettingsView() {
  const settings = useStore((s) => s.settings);
  const update = useStore((s) => s.updateSettings);
  const setTab = useStore((s) => s.setTab);
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
      <p className="muted">
        Hosts and the servers they launch are listed, graded and guarded in{' '}
        <button type="button" className="link" onClick={() => setTab('servers')}>
          Servers
        </button>
        .
      </p>
    </section>
  );
}
