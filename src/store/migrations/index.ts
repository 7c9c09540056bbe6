import type { Migration } from './types';
import { initial } from './001_initial';
import { callSearch } from './002_call_search';
import { callStats } from './003_call_stats';
import { serverFacts } from './004_server_facts';
import { leanRecord } from './005_lean_record';
import { editedArguments } from './006_edited_arguments';
import { callResults } from './007_call_results';
import { leanSearch } from './008_lean_search';
import { leanChain } from './009_lean_chain';
import { statsBehind } from './010_stats_behind';
import { searchBehind } from './011_search_behind';

export type { Migration } from './types';

/** In order; each version is its position + 1. Add new steps at the end only. */
export const MIGRATIONS: readonly Migration[] = [
  initial,
  callSearch,
  callStats,
  serverFacts,
  leanRecord,
  editedArguments,
  callResults,
  leanSearch,
  leanChain,
  statsBehind,
  searchBehind,
];
