// Startup budgets: some hosts give a server a fixed time to start and answer `initialize`, and the
// shim adds one Node start in front of it (measured 0.1–0.25 s). Scan says where a host has such
// a budget; `install --startup-timeout SEC` raises Codex's in the same edit as the wrap (it sits in
// the launch span, so uninstall takes it back with the wrap).
import type { HostId } from './types';

export interface StartupBudget {
  seconds: number;
  /** The setting that holds it, as the host spells it. */
  setting: string;
  isDefault: boolean;
  /** Airlock can raise it in the wrap's edit. */
  raisable: boolean;
}

export const SHIM_START = 'about 0.1–0.25 s';

export const CODEX_STARTUP_KEY = 'startup_timeout_sec';

export function startupBudget(host: HostId, raw: unknown): StartupBudget | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (host === 'codex') {
    if (typeof r.startup_timeout_sec === 'number')
      return {
        seconds: r.startup_timeout_sec,
        setting: CODEX_STARTUP_KEY,
        isDefault: false,
        raisable: true,
      };
    if (typeof r.startup_timeout_ms === 'number')
      return {
        seconds: r.startup_timeout_ms / 1000,
        setting: 'startup_timeout_ms',
        isDefault: false,
        raisable: false,
      };
    return { seconds: 10, setting: CODEX_STARTUP_KEY, isDefault: true, raisable: true };
  }
  if (host === 'opencode') {
    // opencode waits `timeout` ms (default 5000) for a local server's tool list.
    const ms = typeof r.timeout === 'number' ? r.timeout : 5000;
    return {
      seconds: ms / 1000,
      setting: 'timeout (ms)',
      isDefault: r.timeout === undefined,
      raisable: false,
    };
  }
  return undefined;
}

export function describeBudget(b: StartupBudget): string {
  return `${b.seconds} s to start (${b.setting}${b.isDefault ? ', the default' : ''}); the shim adds ${SHIM_START}`;
}
