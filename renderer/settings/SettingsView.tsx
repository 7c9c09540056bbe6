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
  if (!settings) return <p className="muted">Loading…</p>;
  const set = (patch: Partial<Settings>) => void update(patch);
  return (
    <section className="settings" aria-label="Settings">
      <GateStatus />
      <form className="settings-form" onSubmit={(e) => e.preventDefault()}>
        <h2>Deciding</h2>
        <RangeField
          label="Ask timeout (seconds)"
          hint="A call nobody decides is denied after this."
          what="The ask timeout"
          setting="timeoutSeconds"
          value={settings.timeoutSeconds}
          onSave={(n) => set({ timeoutSeconds: n })}
        />
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
        <RangeField
          label="Keep history (days)"
          hint="0 keeps everything."
          what="History to keep"
          setting="retentionDays"
          value={settings.retentionDays}
          onSave={(n) => set({ retentionDays: n })}
        />
        <RangeField
          label="Result excerpt (characters)"
          hint="How much of each call's result History keeps, secrets masked. 0 keeps none."
          what="Result excerpt"
          setting="resultExcerptChars"
          value={settings.resultExcerptChars}
          onSave={(n) => set({ resultExcerptChars: n })}
        />
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

/**
 * A whole-number setting. It is saved on blur only if it is in the range the gate and the CLI
 * accept; otherwise the reason is shown and the saved value goes back in the input.
 */
function RangeField({
  label,
  hint,
  what,
  setting,
  value,
  onSave,
}: {
  label: string;
  hint: string;
  what: string;
  setting: keyof typeof SETTING_RANGES;
  value: number;
  onSave: (n: number) => void;
}) {
  const fail = useStore((s) => s.fail);
  const range: SettingRange = SETTING_RANGES[setting];
  return (
    <Field label={label} hint={hint}>
      {(id) => (
        <input
          id={id}
          type="number"
          min={range.min}
          max={range.max}
          defaultValue={value}
          key={value}
          onBlur={(e) => {
            const input = e.target;
            const n = Number(input.value);
            if (input.value.trim() === '' || !inRange(n, range)) {
              fail(
                new Error(`${what} is ${describeRange(range)}; "${input.value}" was not saved.`),
              );
              input.value = input.defaultValue;
            } else if (n !== value) onSave(n);
          }}
        />
      )}
    </Field>
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
