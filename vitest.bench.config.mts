import { defineConfig } from 'vitest/config';

// Benchmarks are run on purpose (`npm run bench`), one file at a time, never as part of `npm test`.
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    // bench/summary.ts: after the benchmarks, the issue 13 targets table from their saved rows.
    globalSetup: ['./scripts/build-once.ts', './bench/summary.ts'],
    fileParallelism: false,
    testTimeout: 900_000,
    // Temporary directories the test helpers made go when each test file ends.
    setupFiles: ['./src/testing/removeTempDirs.setup.ts'],
    pool: 'forks',
  },
});
