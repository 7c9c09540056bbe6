import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'renderer/**/*.test.ts',
      'renderer/**/*.test.tsx',
      'main/**/*.test.ts',
      'scripts/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    globalSetup: ['./scripts/build-once.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Temporary directories the test helpers made go when each test file ends.
    setupFiles: ['./src/testing/removeTempDirs.setup.ts'],
    pool: 'forks',
  },
});
