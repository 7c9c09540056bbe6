// The gate's record as the app reads it: history, rules, servers, tools and settings, with no
// way to write. Every change goes through the gate's methods (controlChanges.ts, settings), so
// the gate's caches, the shims and every listener hear of it.
import type { Store } from '../store/store';

export interface RecordView {
  readonly history: Store['history'];
  readonly rules: Pick<Store['rules'], 'list' | 'get'>;
  readonly servers: Pick<Store['servers'], 'list' | 'get'>;
  readonly tools: Pick<Store['tools'], 'get' | 'listForServer'>;
  readonly settings: Pick<Store['settings'], 'get'>;
}
