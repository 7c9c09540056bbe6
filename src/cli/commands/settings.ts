import { parse, dataDirOf, UsageError } from '../args';
import type { Io } from '../output';
import { controlRequest } from '../control';
import { databasePath } from '../../core/dataDir';
import { openStore } from '../../store/store';
import { GateUnavailableError } from '../../gate/client';
import { readGateSettings, type GateSettings } from '../../gate/settings';

export const SETTINGS_HELP = `Usage: airlock settings [--json]
       airlock settings set KEY VALUE

The gate's settings, shared by the desktop app and \`airlock gate\`:
  mode        ask | observe      ask: policy and rules decide, the rest waits for you;
                                 observe: allow and record everything
  paused      true | false       deny every new gated call
  timeout     SECONDS (5-3600)   deny a call nobody decided after this long
  retention   DAYS (0-3650)      prune calls older than this; 0 keeps everything

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
    case 'timeout': {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 5 || n > 3600)
        throw new UsageError('timeout is a whole number of seconds from 5 to 3600');
      return { timeoutSeconds: n };
    }
    case 'retention': {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0 || n > 3650)
        throw new UsageError('retention is a whole number of days from 0 to 3650');
      return { retentionDays: n === 0 ? null : n };
    }
    default:
      throw new UsageError(`unknown setting "${key}" (mode, paused, timeout, retention)`);
  }
}

export async function settingsCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
  if (values.help) {
    io.out(SETTINGS_HELP);
    return 0;
  }
  const dir = dataDirOf(values).dir;
  if (positionals.length === 0) {
    const store = openStore(databasePath(dir));
    try {
      const s = readGateSettings(store);
      if (values.json) io.out(JSON.stringify(s));
      else
        io.out(
          `mode ${s.mode}\npaused ${s.paused}\ntimeout ${s.timeoutSeconds}\nretention ${s.retentionDays ?? 0}`,
        );
    } finally {
      store.close();
    }
    return 0;
  }
  const [verb, key, value, ...extra] = positionals;
  if (verb !== 'set' || key === undefined || value === undefined || extra.length) {
    throw new UsageError('airlock settings set KEY VALUE (see airlock settings --help)');
  }
  const patch = parseSetting(key, value);
  try {
    // A running gate applies it itself, so the shims hear of a mode change at once.
    const res = await controlRequest(dir, { t: 'settings', patch });
    if (res.t === 'error') throw new Error(res.message);
    io.out(`Set ${key} to ${value} (the running gate applied it).`);
  } catch (err) {
    if (!(err instanceof GateUnavailableError)) throw err;
    const store = openStore(databasePath(dir));
    try {
      for (const [k, v] of Object.entries(patch)) store.settings.set(k, v, Date.now());
    } finally {
      store.close();
    }
    io.out(`Set ${key} to ${value} (no gate is running: it applies at the next start).`);
  }
  return 0;
}
