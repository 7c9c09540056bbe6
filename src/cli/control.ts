// One request to a running gate over an authenticated control connection.
import { connectGate } from '../gate/client';
import { controlResponseSchema, type ControlResponse } from '../gate/wire';
import type { GateSettings } from '../gate/settings';

type Body =
  | { t: 'pending' }
  | { t: 'status' }
  | { t: 'decide'; id: number; verdict: 'allow' | 'deny'; message?: string }
  | { t: 'settings'; patch: Partial<GateSettings> };

const checkResponse = (value: unknown): ControlResponse | null => {
  const parsed = controlResponseSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
};

export async function controlRequest(
  dataDir: string,
  body: Body,
  timeoutMs = 3_000,
): Promise<ControlResponse> {
  const conn = await connectGate(dataDir, 'control', timeoutMs, checkResponse);
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
