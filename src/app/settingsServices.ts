// Settings as the app shows them: the gate's (mode, timeout, retention…) and the app's own
// (start at login, sound, theme), saved together through the gate.
import type { Settings } from '../contract/ipc';
import type { GateApi, GateSettings } from '../gate/service';
import type { AppServices } from './services';

/** App-only settings, kept beside the gate's in the store. */
const APP_DEFAULTS = { startAtLogin: false, sound: true, theme: 'system' as Settings['theme'] };

/** Synchronous over the gate (the event stream reads them too). */
interface SettingsPart extends Pick<AppServices, 'getSettings' | 'setSettings'> {
  getSettings(): Settings;
  setSettings(patch: Partial<Settings>): Settings;
}

export function settingsServices(gate: GateApi): SettingsPart {
  const getSettings = (): Settings => {
    const g = gate.settings();
    const saved = gate.record.settings;
    return {
      mode: g.mode,
      paused: g.paused,
      timeoutSeconds: g.timeoutSeconds,
      retentionDays: g.retentionDays ?? 0,
      resultExcerptChars: g.resultExcerptChars,
      startAtLogin: saved.get('startAtLogin', APP_DEFAULTS.startAtLogin),
      sound: saved.get('sound', APP_DEFAULTS.sound),
      theme: saved.get('theme', APP_DEFAULTS.theme),
    };
  };
  return {
    getSettings,
    setSettings(patch) {
      const gatePatch: Partial<GateSettings> = {};
      if (patch.mode !== undefined) gatePatch.mode = patch.mode;
      if (patch.paused !== undefined) gatePatch.paused = patch.paused;
      if (patch.timeoutSeconds !== undefined) gatePatch.timeoutSeconds = patch.timeoutSeconds;
      if (patch.retentionDays !== undefined)
        gatePatch.retentionDays = patch.retentionDays === 0 ? null : patch.retentionDays;
      if (patch.resultExcerptChars !== undefined)
        gatePatch.resultExcerptChars = patch.resultExcerptChars;
      const appPatch: Record<string, unknown> = {};
      for (const key of ['startAtLogin', 'sound', 'theme'] as const) {
        if (patch[key] !== undefined) appPatch[key] = patch[key];
      }
      // Always through the gate, so every listener hears one settings-changed.
      gate.updateSettings(gatePatch, appPatch);
      return getSettings();
    },
  };
}
