// The renderer's only way to main: window.airlock, defined by the preload (or the e2e harness).
import type { AirlockApi } from '../src/contract/ipc';

declare global {
  interface Window {
    readonly airlock?: AirlockApi;
  }
}

export function hasApi(): boolean {
  return typeof window.airlock === 'object' && window.airlock !== null;
}

// Resolved on each use so that a missing preload shows as an error on screen, not a blank page.
export const api: AirlockApi = new Proxy({} as AirlockApi, {
  get(_target, key: string) {
    const real = window.airlock;
    if (!real) throw new Error('window.airlock is missing: the preload did not run.');
    return real[key as keyof AirlockApi];
  },
});
