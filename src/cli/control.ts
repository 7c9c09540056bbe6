// One request to a running gate over an authenticated control connection. The gate's answer
// is checked by the hand-written validator (held to wire.ts's zod schema by its test): loading
// zod would slow every `airlock pending`/`approve`/`deny`/`result`/`status` start.
import { connectGate } from '../link/client';
import type { ChangeRequest, ControlResponse, ResultVerdict } from '../gate/wire';
import { checkControlResponse } from '../link/wireCheck';
import type { GateSettings } from '../gate/settings';

type Body =
  | { t: 'pending' }
  | { t: 'status' }
  | { t: 'decide'; id: number; verdict: 'allow' | 'deny'; message?: string; args?: unknown }
  | { t: 'decideResult'; id: number; verdict: ResultVerdict; message?: string }
  | { t: 'settings'; patch: Partial<GateSettings> }
  | WithoutReq<ChangeRequest>;

/** A request as the caller writes it: the request number is this module's. */
type WithoutReq<T> = T extends unknown ? Omit<T, 'req'> : never;

export async function controlRequest(
  dataDir: string,
  body: Body,
  timeoutMs = 3_000,
): Promise<ControlResponse> {
  const conn = await connectGate(dataDir, 'control', timeoutMs, checkControlResponse);
  try {
    return await new Promise<ControlResponse>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the gate did not answer in time')),
        timeoutMs,
      );
      conn.onMessage((msg) => {
        if (msg.req !== 1) return;
        clearTimeout(timer);
        resolve(msg);
      });
      conn.onClose((reason) => {
        clearTimeout(timer);
        reject(new Error(`the gate closed the connection: ${reason}`));
      });
      conn.channel.send({ ...body, req: 1 });
    });
  } finally {
    conn.channel.close('done');
  }
}
