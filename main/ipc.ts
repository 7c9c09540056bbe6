// Binds the contract's handlers to ipcMain. No logic here beyond checking who is asking.
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { CHANNELS, IPC_PREFIX } from '../src/contract/channels';
import type { Handlers } from '../src/app/handlers';
import { isTrustedSender, type TrustedPages } from './sender';

export function bindIpc(handlers: Handlers, pages: TrustedPages): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(IPC_PREFIX + channel, async (event: IpcMainInvokeEvent, payload: unknown) => {
      const frame = event.senderFrame;
      if (!frame || !isTrustedSender(frame.url, frame === frame.top, pages)) {
        throw new Error('IPC refused: the sender is not an Airlock page.');
      }
      return handlers[channel](payload);
    });
  }
  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(IPC_PREFIX + channel);
  };
}
