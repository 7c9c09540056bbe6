import type { Migration } from './types';

// Versions 4 and 5 are taken by work merged beside this branch (issue 13 split the schema
// changes by area); until it lands here they are empty steps, so numbering stays positional.
// When merging: keep the real 004/005 and drop these.
export const reserved4: Migration = { version: 4, name: 'reserved_4', up() {} };
export const reserved5: Migration = { version: 5, name: 'reserved_5', up() {} };
