// window.airlock: one function per channel plus onEvent, and nothing else. Sandboxed: this
// file may import only electron and import-free modules (the channel list).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNELS, EVENT_CHANNEL, IPC_PREFIX } from '../src/contract/channels';

const api: Record<string, unknown> = {};
for (const channel of CHANNELS) {
  api[channel] = (payload?: unknown) => ipcRenderer.invoke(IPC_PREFIX + channel, payload);
}
api.onEvent = (listener: (event: unknown) => void) => {
  if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
  const wrapped = (_e: IpcRendererEvent, event: unknown) => listener(event);
  ipcRenderer.on(EVENT_CHANNEL, wrapped);
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  };
};

contextBridge.exposeInMainWorld('airlock', Object.freeze(api));
