// "Put `airlock` on PATH", as editors offer for their command line: a symlink to the packaged
// app's resources/bin/airlock in a folder on the user's PATH. Never replaces a file that is not
// ours. Windows has no symlink convention for this: the user is told which folder to add.
import { lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export type CliLinkPlan =
  | { kind: 'link'; link: string; target: string; onPath: boolean }
  | { kind: 'manual'; message: string };

export interface CliLinkFacts {
  platform: NodeJS.Platform;
  home: string;
  env: NodeJS.ProcessEnv;
  /** The packaged app's resources/bin/airlock (or airlock.cmd). */
  target: string;
  writable: (dir: string) => boolean;
}

export function cliLinkPlan(f: CliLinkFacts): CliLinkPlan {
  if (f.platform === 'win32') {
    return {
      kind: 'manual',
      message: `Add this folder to your PATH to run \`airlock\` in a terminal: ${dirname(f.target)}`,
    };
  }
  // An AppImage's files live on a mount that moves every run: a link would dangle.
  if (f.env.APPIMAGE) {
    return {
      kind: 'manual',
      message:
        'The AppImage cannot put `airlock` on PATH (its files move every run); install the .deb for the command line.',
    };
  }
  const path = (f.env.PATH ?? '').split(delimiter).filter(Boolean);
  const local = join(f.home, '.local', 'bin');
  // macOS: /usr/local/bin when this user may write there (Homebrew on Intel makes it so).
  const dir = f.platform === 'darwin' && f.writable('/usr/local/bin') ? '/usr/local/bin' : local;
  return { kind: 'link', link: join(dir, 'airlock'), target: f.target, onPath: path.includes(dir) };
}

export type CliLinkState = 'installed' | 'absent' | 'other';

/** Is our link there? 'other' is a file or link that is not ours (left alone). */
export function cliLinkState(plan: Extract<CliLinkPlan, { kind: 'link' }>): CliLinkState {
  let stat;
  try {
    stat = lstatSync(plan.link);
  } catch {
    return 'absent';
  }
  if (!stat.isSymbolicLink()) return 'other';
  const to = readlinkSync(plan.link);
  if (to === plan.target) return 'installed';
  // A link to another copy of Airlock (an older install) is ours to re-point.
  return /[\\/]bin[\\/]airlock$/.test(to) && /airlock/i.test(to) ? 'absent' : 'other';
}

/** Creates the link; returns one line for the user. */
export function installCliLink(plan: Extract<CliLinkPlan, { kind: 'link' }>): string {
  const state = cliLinkState(plan);
  if (state === 'installed') return `\`airlock\` is already on PATH (${plan.link}).`;
  if (state === 'other') return `${plan.link} exists and is not Airlock's; left it alone.`;
  mkdirSync(dirname(plan.link), { recursive: true });
  rmSync(plan.link, { force: true });
  symlinkSync(plan.target, plan.link);
  return plan.onPath
    ? `Installed \`airlock\` as ${plan.link}.`
    : `Installed \`airlock\` as ${plan.link}; add ${dirname(plan.link)} to your PATH.`;
}
