// UI benchmarks (issue 4): the same harness and Chromium as the e2e suite, timed. They write
// their figures into bench/BENCHMARKS.md and never fail on timing.
import { defineConfig } from '@playwright/test';
import { chromiumUse } from './e2e/chromium';

export default defineConfig({
  testDir: 'bench',
  testMatch: '*.pw.ts',
  globalSetup: './e2e/global-setup.ts',
  timeout: 900_000,
  expect: { timeout: 30_000 },
  workers: 1,
  fullyParallel: false,
  reporter: [['list']],
  outputDir: 'test-results/bench',
  use: chromiumUse,
});
