export const SURFACE: Record<string, { type: string; members: string[]; events: string[] }>;
export const EXPORTS: string[];
export function createElectronStandIn(opts: Record<string, unknown>): Record<string, unknown>;
