import { parse, dataDirOf, noExtraArguments, UsageError } from '../args';
import type { Io } from '../output';
import { controlRequest } from '../control';
import { CHANGE_TIMEOUT_MS } from '../throughGate';
import { hasRecord, openExistingRecord, openRecordForWriting } from '../record';
import { GateUnavailableError } from '../../link/client';
import { readGateSettings, SETTING_DEFAULTS, type GateSettings } from '../../gate/settings';
import {
  describeRange,
  inRange,
  SETTING_RANGES,
  type SettingRange,
} from '../../contract/settingRanges';

export const SETTINGS_HELP = `Usage: airlock settings [--json]
       airlock settings set KEY VALUE

The gate's settings, shared by the desktop app and \`airlock gate\`:
  mode        ask | observe      ask: policy and rules decide, the rest waits for you;
                                 observe: allow and record everything
  paused      true | false       deny every new gated call
  timeout     SECONDS (${SETTING_RANGES.timeoutSeconds.min}-${SETTING_RANGES.timeoutSeconds.max})   deny a call nobody decided after this long
  retention   DAYS (${SETTING_RANGES.retentionDays.min}-${SETTING_RANGES.retentionDays.max})      prune calls older than this; 0 keeps everything
  result-excerpt CHARS (${SETTING_RANGES.resultExcerptChars.min}-${SETTING_RANGES.resultExcerptChars.max})  text of each result kept in History, secrets masked

A running gate takes a change at once (through its socket); otherwise it is saved for the
next start.`;

type Patch = Partial<GateSettings>;

export function parseSetting(key: string, value: string): Patch {
  switch (key) {
    case 'mode':
      if (value !== 'ask' && value !== 'observe') throw new UsageError('mode is ask or observe');
      return { mode: value };
    case 'paused':
      if (value !== 'true' && value !== 'false') throw new UsageError('paused is true or false');
      return { paused: value === 'true' };
    case 'timeout':
      return { timeoutSeconds: parseTimeoutSeconds(value, 'timeout') };
    case 'retention': {
      const n = wholeNumberIn(value, SETTING_RANGES.retentionDays, 'retention');
      return { retentionDays: n === 0 ? null : n };
    }
    case 'result-excerpt':
      return {
        resultExcerptChars: wholeNumberIn(value, SETTING_RANGES.resultExcerptChars, key),
      };
    default:
      throw new UsageError(
        `unknown setting "${key}" (mode, paused, timeout, retention, result-excerpt)`,
      );
  }
}

/** The call timeout as `settings set timeout` and `gate --timeout` both read it. */
export function parseTimeoutSeconds(text: string, label: string): number {
  return wholeNumberIn(text, SETTING_RANGES.timeoutSeconds, label);
}

function wholeNumberIn(text: string, range: SettingRange, label: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!inRange(n, range))
    throw new UsageError(`${label} is ${describeRange(range)}, not "${text}"`);
  return n;
}

export async function settingsCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
  if (values.help) {
    io.out(SETTINGS_HELP);
    return 0;
  }
  const dir = dataDirOf(values).dir;
  if (positionals.length === 0) {
    // Showing must not create the record: with none yet, the defaults are what a gate would use.
    const saved = hasRecord(dir);
    const s = saved ? readSettings(dir) : SETTING_DEFAULTS;
    if (values.json) io.out(JSON.stringify(s));
    else {
      io.out(
        `mode ${s.mode}\npaused ${s.paused}\ntimeout ${s.timeoutSeconds}\nretention ${s.retentionDays ?? 0}\nresult-excerpt ${s.resultExcerptChars}`,
      );
      if (!saved) io.out(`(the defaults: nothing has been saved in ${dir} yet)`);
    }
    return 0;
  }
  const [verb, key, value] = positionals;
  if (verb !== 'set')
    throw new UsageError(`unknown settings command "${verb}" (it is: set KEY VALUE)`);
  if (key === undefined || value === undefined)
    throw new UsageError('settings set needs a KEY and a VALUE, as in: settings set timeout 60');
  noExtraArguments(positionals, 3);
  const patch = parseSetting(key, value);
  try {
    // A running gate applies it itself, so the shims hear of a mode change at once.
    // As long as any change through the gate may take (it may wait on the database's lock).
    const res = await controlRequest(dir, { t: 'settings', patch }, CHANGE_TIMEOUT_MS);
    if (res.t === 'error') throw new Error(res.message);
    io.out(`Set ${key} to ${value} (the running gate applied it).`);
  } catch (err) {
    if (!(err instanceof GateUnavailableError)) throw err;
    const store = openRecordForWriting(dir);
    try {
      for (const [k, v] of Object.entries(patch)) store.settings.set(k, v, Date.now());
    } finally {
      store.close();
    }
    io.out(`Set ${key} to ${value} (no gate is running: it applies at the next start).`);
  }
  return 0;
}

function readSettings(dir: string): GateSettings {
  const store = openExistingRecord(dir);
  try {
    return readGateSettings(store);
  } finally {
    store.close();
  }
}
