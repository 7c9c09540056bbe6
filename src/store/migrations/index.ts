import type { Migration } from './types';
import { initial } from './001_initial';
import { callSearch } from './002_call_search';
import { callStats } from './003_call_stats';
import { leanRecord } from './006_lean_record';
import { reserved4, reserved5 } from './reserved';

export type { Migration } from './types';

/** In order; each version is its position + 1. Add new steps at the end only. */
export const MIGRATIONS: readonly Migration[] = [
  initial,
  callSearch,
  callStats,
  reserved4,
  reserved5,
  leanRecord,
];
