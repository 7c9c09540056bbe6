// Start at login. macOS and Windows: Electron's login items. Linux: Electron's API does nothing,
// so an XDG autostart entry (~/.config/autostart/airlock.desktop, read by every desktop that
// follows the freedesktop.org autostart spec).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the entry goes: $XDG_CONFIG_HOME/autostart, else ~/.config/autostart. */
export function autostartFile(env: NodeJS.ProcessEnv, home: string): string {
  const config =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/')
      ? env.XDG_CONFIG_HOME
      : join(home, '.config');
  return join(config, 'autostart', 'airlock.desktop');
}

/**
 * What to start: an AppImage runs from a temporary mount, so its own file ($APPIMAGE) is what
 * must start next time; otherwise the app's binary.
 */
export function autostartCommand(execPath: string, env: NodeJS.ProcessEnv): string {
  return env.APPIMAGE && env.APPIMAGE.startsWith('/') ? env.APPIMAGE : execPath;
}

/**
 * The desktop entry's text. Exec is quoted per the Desktop Entry spec: inside double quotes,
 * `"` `` ` `` `$` `\` take a backslash; then the value's own escaping doubles every backslash
 * (GLib rejects `\"` at that level); `%` is written `%%`.
 */
export function autostartEntry(command: string): string {
  const argument = `"${command.replace(/([\\"`$])/g, '\\$1')}"`;
  const value = argument.replace(/\\/g, '\\\\').replace(/%/g, '%%');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Airlock',
    'Comment=Consent gate for MCP tool calls',
    `Exec=${value}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function applyLinuxAutostart(
  enabled: boolean,
  facts: { env: NodeJS.ProcessEnv; home: string; execPath: string },
): void {
  const file = autostartFile(facts.env, facts.home);
  if (!enabled) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, autostartEntry(autostartCommand(facts.execPath, facts.env)), { mode: 0o644 });
}
