import type { SpawnSyncReturns } from 'node:child_process';

export function moduleAbi(bytes: Uint8Array): number | null;
export function electronAbi(electronDir: string): number;
export function electronRebuildEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function electronSqliteBinding(
  root: string,
  opts?: {
    env?: NodeJS.ProcessEnv;
    arch?: string;
    stdio?: 'inherit' | 'ignore' | 'pipe';
    log?: (line: string) => void;
    run?: (
      command: string,
      args: string[],
      options: { cwd: string; env: NodeJS.ProcessEnv },
    ) => Pick<SpawnSyncReturns<Buffer>, 'status' | 'error'>;
  },
): { path: string; error?: undefined } | { error: string; path?: undefined };
