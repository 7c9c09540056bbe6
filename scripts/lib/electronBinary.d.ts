import type { ChildProcess, SpawnOptions } from 'node:child_process';

export function installedElectronBinary(
  electronDir: string,
  env?: NodeJS.ProcessEnv,
): string | null;
export function resolveElectronBinary(
  electronDir: string,
  opts?: { env?: NodeJS.ProcessEnv; node?: string; timeoutMs?: number; onDownload?: () => void },
): { path: string; downloaded: boolean; error?: undefined } | { error: string; path?: undefined };
export function launchElectron(
  binary: string,
  args: string[],
  options: SpawnOptions,
  on: { onError(line: string): void; onExit(code: number): void },
): ChildProcess;
export function reasonLine(text: string | null | undefined): string;
