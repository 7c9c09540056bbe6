// The IPC channel names, alone in a file without imports: the sandboxed preload can bundle
// this list without pulling zod (a sandboxed preload cannot require packages).

export const CHANNELS = [
  'listPending',
  'decide',
  'holdPending',
  'describeCall',
  'queryHistory',
  'historyStats',
  'getHistoryRow',
  'exportHistory',
  'listRules',
  'addRule',
  'updateRule',
  'removeRule',
  'testRule',
  'listServers',
  'setToolEnabled',
  'markToolReviewed',
  'reviewServerIdentity',
  'getSettings',
  'setSettings',
  'scanHosts',
  'guardHost',
  'unguardHost',
  'guardServer',
  'unguardServer',
  'secureServer',
  'listHostEvents',
  'dismissHostEvents',
  'appInfo',
  'listResultReviews',
  'decideResult',
  'setToolReviewResults',
] as const;

export type Channel = (typeof CHANNELS)[number];

/** Prefix of every ipcMain channel, so Airlock's channels never collide with Electron's own. */
export const IPC_PREFIX = 'airlock:';
/** The one main → renderer channel, carrying AppEvent values. */
export const EVENT_CHANNEL = 'airlock:event';

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && (CHANNELS as readonly string[]).includes(name);
}
