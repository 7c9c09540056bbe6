import type { Migration } from './types';

// What decides the code a server runs beyond its command line (resolved command path, resolved
// args, code-loading environment, what it reports at initialize): the facts last seen, and the
// ones the user accepted. NULL accepted facts mean "never seen": the first sighting is trusted.
export const serverFacts: Migration = {
  version: 4,
  name: 'server facts',
  up(db) {
    db.exec(`
      ALTER TABLE servers ADD COLUMN facts TEXT;
      ALTER TABLE servers ADD COLUMN reviewed_facts TEXT;
    `);
  },
};
