// The shim ↔ gate protocol: newline-delimited JSON over the local socket. Types only, so the
// shim (which must start fast and stay small) pays nothing for them at run time.
import type { DecidedBy, DecisionKind, PendingCall, ToolDefinition } from '../contract/types';
import type { GateSettings } from './settings';

export const WIRE_VERSION = 1;

// Handshake: each side proves the per-install secret to the other (see auth.ts).
export type Challenge = { t: 'challenge'; v: number; nonce: string };
export type Auth = { t: 'auth'; role: 'shim' | 'control'; nonce: string; proof: string };
export type Welcome = { t: 'welcome'; proof: string };
export type Refused = { t: 'refused'; reason: string };

export interface SessionInfo {
  server: string;
  host: string;
  command: string;
  args: string[];
  cwd: string;
  pid: number;
}

/** Shim → gate, after the handshake. */
export type ShimMessage =
  | ({ t: 'session' } & SessionInfo)
  | { t: 'tools'; tools: ToolDefinition[] }
  | { t: 'roots'; roots: string[] }
  /** `line` is the exact request text the host sent; the gate parses it itself. */
  | { t: 'ask'; rid: number; line: string; digest: string }
  /** Observe mode: the call went ahead already; record it. */
  | { t: 'observed'; rid: number; line: string; digest: string }
  | { t: 'cancel'; rid: number; reason: string }
  | { t: 'outcome'; rid: number; isError: boolean; durationMs: number; size: number }
  /** Server output the shim kept from the host (a stray answer, a banner line…), described. */
  | { t: 'dropped'; what: string }
  /** What the server said it is, in its answer to the host's initialize or server/discover. */
  | { t: 'serverInfo'; name: string; version: string }
  /** Calls the shim denied while the gate was unreachable, reported once it is back. */
  | { t: 'offline'; calls: { at: number; line: string; reason: string }[] };

export type Verdict = 'allow' | 'deny';

/** Gate → shim. */
export type GateMessage =
  | { t: 'held'; rid: number; deadline: number }
  | { t: 'decision'; rid: number; verdict: Verdict; text: string; mac: string }
  | { t: 'disabled'; tools: string[] }
  /** Whether calls may go ahead without asking (observe mode, not paused). */
  | { t: 'mode'; observe: boolean };

/** Control clients (the CLI's pending/approve/deny) → gate; each carries a request number. */
export type ControlRequest =
  | { t: 'pending'; req: number }
  | { t: 'decide'; req: number; id: number; verdict: Verdict; message?: string }
  | { t: 'status'; req: number }
  | { t: 'settings'; req: number; patch: Partial<GateSettings> };

export type ControlResponse =
  | { t: 'pending'; req: number; calls: PendingCall[] }
  | { t: 'ok'; req: number }
  | {
      t: 'status';
      req: number;
      mode: string;
      pending: number;
      sessions: number;
      dataDir: string;
      pid: number;
    }
  /** `settled`: a `decide` for a call no longer waiting, and what became of it. */
  | { t: 'error'; req: number; message: string; settled?: SettledCall };

/** How a call that is no longer waiting was decided (from the record). */
export interface SettledCall {
  decision: DecisionKind;
  decidedBy: DecidedBy | null;
  ruleId: number | null;
  message: string | null;
  /** When it was decided (ms since the epoch); null when the record does not say. */
  decidedAt: number | null;
}
