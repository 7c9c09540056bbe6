// The core inside the Electron main process: the same gate service as `airlock gate`, and the
// AppServices the UI talks to.
/// <reference types="vite/client" />
import type { AppServices } from '../src/app/services';
import type { Mode } from '../src/contract/types';
import { startGateService, type GateService } from '../src/gate/service';

export interface Core {
  services: AppServices;
  close(): Promise<void>;
}

// createAppServices lands in src/app/createServices.ts (the lead's file). A glob import keeps
// the build green until it exists; once it does, replace this with a plain import.
const wiring = import.meta.glob<{ createAppServices(gate: GateService): AppServices }>(
  '../src/app/createServices.ts',
  { eager: true },
);

export async function startCore(dataDir: string, mode?: Mode): Promise<Core> {
  const createAppServices = Object.values(wiring)[0]?.createAppServices;
  if (!createAppServices) throw new Error('src/app/createServices.ts is not wired in yet.');
  const gate = await startGateService({ dataDir, ...(mode ? { mode } : {}) });
  const services = createAppServices(gate);
  return { services, close: () => gate.close() };
}
