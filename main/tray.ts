// The tray icon (idle / calls waiting / paused) and its menu.
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import type { Settings } from '../src/contract/ipc';
import type { PendingCall } from '../src/contract/types';
import { escapeInvisible } from '../src/contract/visible';

export type TrayState = 'idle' | 'waiting' | 'paused';

export interface TrayActions {
  showPopup(): void;
  openMain(): void;
  setSettings(patch: Partial<Settings>): void;
  quit(): void;
}

export function trayState(pending: number, settings: Settings | null): TrayState {
  if (settings?.paused) return 'paused';
  return pending > 0 ? 'waiting' : 'idle';
}

export class AirlockTray {
  private readonly tray: Tray;
  private installCli: (() => void) | null = null;

  constructor(
    private readonly assetsDir: string,
    private readonly actions: TrayActions,
  ) {
    this.tray = new Tray(this.icon('idle'));
    this.tray.on('click', () => actions.showPopup());
    this.update([], null);
  }

  bounds() {
    const b = this.tray.getBounds();
    return b.width > 0 ? b : null;
  }

  update(pending: PendingCall[], settings: Settings | null): void {
    const state = trayState(pending.length, settings);
    this.tray.setImage(this.icon(state));
    const label =
      state === 'paused'
        ? 'Airlock: paused, denying gated calls'
        : pending.length > 0
          ? `Airlock: ${pending.length} call${pending.length === 1 ? '' : 's'} waiting`
          : 'Airlock';
    this.tray.setToolTip(label);
    if (process.platform === 'darwin')
      this.tray.setTitle(pending.length > 0 ? String(pending.length) : '');
    this.tray.setContextMenu(Menu.buildFromTemplate(this.menu(pending, settings)));
  }

  /** The "Put `airlock` on PATH…" offer, shown while there is something to offer. */
  setCliOffer(run: (() => void) | null): void {
    this.installCli = run;
  }

  destroy(): void {
    this.tray.destroy();
  }

  private menu(pending: PendingCall[], settings: Settings | null): MenuItemConstructorOptions[] {
    const a = this.actions;
    const waiting: MenuItemConstructorOptions[] =
      pending.length === 0
        ? [{ label: 'No calls waiting', enabled: false }]
        : pending.slice(0, 8).map((p) => ({
            // Menu labels are plain text, but invisible characters still must not hide anything.
            label: `${escapeInvisible(p.tool).slice(0, 60)} on ${escapeInvisible(p.server).slice(0, 40)} (${p.risk.level})`,
            click: () => a.showPopup(),
          }));
    return [
      ...waiting,
      { type: 'separator' },
      { label: 'Open Airlock', click: () => a.openMain() },
      {
        label: 'Pause (deny all gated calls)',
        type: 'checkbox',
        checked: settings?.paused ?? false,
        click: (item) => a.setSettings({ paused: item.checked }),
      },
      {
        label: 'Observe only',
        type: 'checkbox',
        checked: settings?.mode === 'observe',
        click: (item) => a.setSettings({ mode: item.checked ? 'observe' : 'ask' }),
      },
      {
        label: 'Start at login',
        type: 'checkbox',
        checked: settings?.startAtLogin ?? false,
        click: (item) => a.setSettings({ startAtLogin: item.checked }),
      },
      ...(this.installCli
        ? [
            {
              label: 'Put `airlock` on PATH…',
              click: this.installCli,
            } as MenuItemConstructorOptions,
          ]
        : []),
      { type: 'separator' },
      { label: 'Quit Airlock', click: () => a.quit() },
    ];
  }

  private icon(state: TrayState) {
    const image = nativeImage.createFromPath(join(this.assetsDir, `tray-${state}.png`));
    image.addRepresentation({
      scaleFactor: 2,
      buffer: nativeImage.createFromPath(join(this.assetsDir, `tray-${state}@2x.png`)).toPNG(),
    });
    return image;
  }
}
