import { useEffect, useId, useState, type ReactNode } from 'react';
import type { AppInfo, Settings } from '../../src/contract/ipc';
import {
  SETTING_RANGES,
  describeRange,
  inRange,
  type SettingRange,
} from '../../src/contract/settingRanges';
import { api } from '../api';
import { useStore } from '../store';

export function SettingsView() {
  const settings = useStore((s) => s.settings);
  const update = useStore((s) => s.updateSettings);
  const setTab = useStore((s) => s.setTab);
  const fail = useStore((s) => s.fail);
  if (!settings) return <p className="muted">Loading…</p>;
  const set = (patch: Partial<Settings>) => void update(patch);
  /**
   * The input's whole number if it is in the range the gate and the CLI accept; else null,
   * with the reason on screen and the saved value back in the input (nothing is saved).
   */
  const numberIn = (input: HTMLInputElement, what: string, range: SettingRange): number | null => {
    const n = Number(input.value);
    if (input.value.trim() !== '' && inRange(n, range)) return n;
    fail(new Error(`${what} is ${describeRange(range)}; "${input.value}" was not saved.`));
    input.value = input.defaultValue;
    return null;
  };
  return (
    <section className="settings" aria-label="Settings">
      <GateStatus />
      <form className="settings-form" onSubmit={(e) => e.preventDefault()}>
        <h2>Deciding</h2>
        <Field label="Ask timeout (seconds)" hint="A call nobody decides is denied after this.">
          {(id) => (
            <input
              id={id}
              type="number"
              min={SETTING_RANGES.timeoutSeconds.min}
              max={SETTING_RANGES.timeoutSeconds.max}
              defaultValue={settings.timeoutSeconds}
              key={settings.timeoutSeconds}
              onBlur={(e) => {
                const n = numberIn(e.target, 'The ask timeout', SETTING_RANGES.timeoutSeconds);
                if (n !== null && n !== settings.timeoutSeconds) set({ timeoutSeconds: n });
              }}
            />
          )}
        </Field>
        <fieldset>
          <legend>Mode</legend>
          <label className="check">
            <input
              type="radio"
              name="mode"
              checked={settings.mode === 'ask'}
              onChange={() => set({ mode: 'ask' })}
            />
            <span>Ask (gate calls)</span>
          </label>
          <label className="check">
            <input
              type="radio"
              name="mode"
              checked={settings.mode === 'observe'}
              onChange={() => set({ mode: 'observe' })}
            />
            <span>Observe only (record, never block)</span>
          </label>
        </fieldset>
        <label className="check">
          <input
            type="checkbox"
            checked={settings.paused}
            onChange={(e) => set({ paused: e.target.checked })}
          />
          <span>Paused: deny every new gated call</span>
        </label>
        <h2>Record and app</h2>
        <Field label="Keep history (days)" hint="0 keeps everything.">
          {(id) => (
            <input
              id={id}
              type="number"
              min={SETTING_RANGES.retentionDays.min}
              max={SETTING_RANGES.retentionDays.max}
              defaultValue={settings.retentionDays}
              key={settings.retentionDays}
              onBlur={(e) => {
                const n = numberIn(e.target, 'History to keep', SETTING_RANGES.retentionDays);
                if (n !== null && n !== settings.retentionDays) set({ retentionDays: n });
              }}
            />
          )}
        </Field>
        <Field
          label="Result excerpt (characters)"
          hint="How much of each call's result History keeps, secrets masked. 0 keeps none."
        >
          {(id) => (
            <input
              id={id}
              type="number"
              min={SETTING_RANGES.resultExcerptChars.min}
              max={SETTING_RANGES.resultExcerptChars.max}
              defaultValue={settings.resultExcerptChars}
              key={settings.resultExcerptChars}
              onBlur={(e) => {
                const n = numberIn(e.target, 'Result excerpt', SETTING_RANGES.resultExcerptChars);
                if (n !== null && n !== settings.resultExcerptChars) set({ resultExcerptChars: n });
              }}
            />
          )}
        </Field>
        <label className="check">
          <input
            type="checkbox"
            checked={settings.startAtLogin}
            onChange={(e) => set({ startAtLogin: e.target.checked })}
          />
          <span>Start at login</span>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={settings.sound}
            onChange={(e) => set({ sound: e.target.checked })}
          />
          <span>Play a sound when a call waits</span>
        </label>
        <Field label="Theme">
          {(id) => (
            <select
              id={id}
              value={settings.theme}
              onChange={(e) => set({ theme: e.target.value as Settings['theme'] })}
            >
              <option value="system">Follow the system</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          )}
        </Field>
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

/** A label on its own line above its input, with an optional hint below. */
function Field({
  label,
  hint,
  children,
}: {
  label: string;
  hint?: string;
  children: (id: string) => ReactNode;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {hint ? <span className="muted hint">{hint}</span> : null}
    </div>
  );
}

/** Is the gate up, how many shims are connected, where its record lives, which version runs. */
function GateStatus() {
  const pending = useStore((s) => s.pending.length);
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .appInfo()
      .then(setInfo)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [pending]);
  return (
    <section className="status-card" aria-labelledby="gate-status-title">
      <h2 id="gate-status-title">Gate</h2>
      {error ? (
        <p className="chip-bad">The gate does not answer: {error}</p>
      ) : info ? (
        <dl data-testid="gate-status">
          <dt>Status</dt>
          <dd>
            Running: {info.sessions} {info.sessions === 1 ? 'server' : 'servers'} connected,{' '}
            {info.pending} {info.pending === 1 ? 'call' : 'calls'} waiting
          </dd>
          <dt>Data directory</dt>
          <dd>
            <code>{info.dataDir}</code>
          </dd>
          <dt>Socket</dt>
          <dd>
            <code>{info.socketPath}</code>
          </dd>
          <dt>Version</dt>
          <dd>Airlock {info.version}</dd>
        </dl>
      ) : (
        <p className="muted">Asking the gate…</p>
      )}
    </section>
  );
}
