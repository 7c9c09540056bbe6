// The settings in force: the saved ones under this run's flags, until a person saves their own;
// the app's keys ride along but can never stand in for a gate setting.
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempStore } from '../store/testSupport';
import { RunSettings } from './runSettings';
import { SETTING_DEFAULTS } from './settings';

afterAll(removeTempDirs);

describe('RunSettings', () => {
  it("a run's flag holds until a person saves that setting", () => {
    const { store } = tempStore();
    const run = new RunSettings(() => store, { mode: 'observe', timeoutSeconds: 10 });
    expect(run.current()).toEqual({ ...SETTING_DEFAULTS, mode: 'observe', timeoutSeconds: 10 });
    run.save({ mode: 'ask' });
    expect(run.current()).toMatchObject({ mode: 'ask', timeoutSeconds: 10 });
    expect(store.settings.get('mode', null)).toBe('ask');
    store.close();
  });

  it("saves the app's own keys beside the gate's", () => {
    const { store } = tempStore();
    const run = new RunSettings(() => store, {});
    run.save({ paused: true }, { theme: 'dark', sound: false, skipped: undefined });
    expect(store.settings.all()).toEqual({ paused: true, theme: 'dark', sound: false });
    store.close();
  });

  it('refuses a gate setting passed as an app key, and writes nothing', () => {
    const { store } = tempStore();
    const run = new RunSettings(() => store, { mode: 'observe' });
    expect(() => run.save({}, { theme: 'dark', mode: 'ask' })).toThrow(
      '"mode" is a gate setting, not the app\'s',
    );
    expect(store.settings.all()).toEqual({});
    expect(run.current().mode).toBe('observe');
    store.close();
  });
});
