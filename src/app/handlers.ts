// The implementation behind every IPC channel: parse the payload with the channel's zod
// schema, then call the service method of the same name. main/ binds these to ipcMain and the
// e2e harness to the page; neither adds logic of its own.
import { CHANNELS, isChannel, parseRequest, type Channel, type ResponseOf } from '../contract/ipc';
import type { AppServices } from './services';

export type Handler<C extends Channel> = (payload: unknown) => Promise<ResponseOf<C>>;
export type Handlers = { readonly [C in Channel]: Handler<C> };

export function createHandlers(services: AppServices): Handlers {
  const entries = CHANNELS.map((channel) => [channel, handlerFor(services, channel)] as const);
  return Object.freeze(Object.fromEntries(entries)) as unknown as Handlers;
}

function handlerFor<C extends Channel>(services: AppServices, channel: C): Handler<C> {
  return async (payload) => {
    const request = parseRequest(channel, payload);
    // One cast: TypeScript cannot correlate a generic channel with its method's signature;
    // services.ts checks every method against the contract at compile time.
    const method = services[channel] as unknown as (req: unknown) => Promise<ResponseOf<C>>;
    return method.call(services, request);
  };
}

/** Dispatches a message whose channel name came from outside (IPC, page binding). */
export async function dispatch(
  handlers: Handlers,
  channel: unknown,
  payload: unknown,
): Promise<unknown> {
  if (!isChannel(channel)) throw new Error(`Unknown channel: ${String(channel).slice(0, 80)}`);
  return handlers[channel](payload);
}
