// The settings the gate acts on right now: the saved ones, with this run's flags on top until a
// person saves a value of their own. The app's own settings (theme, sound…) are kept beside
// them in the same table, written here so one save is one change for every listener.
import type { Store } from '../store/store';
import { PerTurn } from './perTurn';
import { readGateSettings, SETTING_DEFAULTS, type GateSettings } from './settings';

const GATE_KEYS: ReadonlySet<string> = new Set(Object.keys(SETTING_DEFAULTS));

export class RunSettings {
  /** Read once per turn of the event loop: a flood's calls share one read (perTurn.ts). */
  private readonly now = new PerTurn(() => ({
    ...readGateSettings(this.store()),
    ...this.overrides,
  }));

  constructor(
    private readonly store: () => Store,
    /** `--mode`, `--timeout` for this run only. */
    private readonly overrides: Partial<GateSettings>,
  ) {}

  /** A copy: callers may change it without changing what the next caller of this turn reads. */
  current(): GateSettings {
    return { ...this.now.get() };
  }

  /** Saves a person's choices; `appSettings` holds keys the gate itself does not act on. */
  save(patch: Partial<GateSettings>, appSettings: Record<string, unknown> = {}): void {
    for (const key of Object.keys(appSettings)) {
      // A gate setting written this way would skip what a change of it must do (tell the shims).
      if (GATE_KEYS.has(key)) throw new Error(`"${key}" is a gate setting, not the app's`);
    }
    const store = this.store();
    for (const [key, value] of Object.entries(appSettings)) {
      if (value !== undefined) store.settings.set(key, value, Date.now());
    }
    const now = Date.now();
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      store.settings.set(key, value, now);
      delete this.overrides[key as keyof GateSettings]; // a person's choice beats the flag
    }
    this.now.clear();
  }
}
