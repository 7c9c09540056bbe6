import { defineConfig } from 'vitest/config';

// Benchmarks are run on purpose (`npm run bench`), one file at a time, never as part of `npm test`.
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    globalSetup: ['./scripts/build-once.ts'],
    fileParallelism: false,
    testTimeout: 900_000,
    pool: 'forks',
  },
});
