#!/usr/bin/env node
// `npm test`: lint, format, typecheck, build, every vitest suite, and the Playwright e2e suites.
// It ends with one line, "N passed, N failed[, N skipped]", counting every test and check it
// ran (lint, format, typecheck and build count as one check each); the same line goes to
// test-results/summary.txt for CI.
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };

function run(label, command, args, env = {}) {
  process.stdout.write(`\n=== ${label}\n`);
  const r = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return r.status === 0;
}

function check(label, command, args) {
  const ok = run(label, command, args);
  totals[ok ? 'passed' : 'failed'] += 1;
  return ok;
}

check('lint', bin('eslint'), ['.']);
check('format (prettier)', bin('prettier'), ['--check', '.']);
check('typecheck (node)', bin('tsc'), ['-p', 'tsconfig.node.json', '--noEmit']);
check('typecheck (renderer)', bin('tsc'), ['-p', 'tsconfig.web.json', '--noEmit']);
const built = check('build', bin('electron-vite'), ['build']);

if (built) {
  const vitestJson = join(results, 'vitest.json');
  run(
    'unit and integration tests (vitest)',
    bin('vitest'),
    ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`],
    {
      AIRLOCK_SKIP_BUILD: '1',
    },
  );
  countVitest(vitestJson);

  const pwJson = join(results, 'playwright.json');
  if (existsSync(join(root, 'playwright.config.ts'))) {
    run('e2e (playwright)', bin('playwright'), ['test', '--reporter=list,json'], {
      PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson,
      AIRLOCK_SKIP_BUILD: '1',
    });
    countPlaywright(pwJson);
  }
}

function countVitest(file) {
  if (!existsSync(file)) return void (totals.failed += 1);
  const report = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += report.numPassedTests ?? 0;
  totals.failed +=
    (report.numFailedTests ?? 0) +
    ((report.numFailedTestSuites ?? 0) ? countSuiteOnlyFailures(report) : 0);
  totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}

// A test file that fails to load has no failed tests, only a failed suite: count it once.
function countSuiteOnlyFailures(report) {
  return (report.testResults ?? []).filter(
    (f) => f.status === 'failed' && (f.assertionResults ?? []).every((a) => a.status !== 'failed'),
  ).length;
}

function countPlaywright(file) {
  if (!existsSync(file)) return void (totals.failed += 1);
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const s = report.stats ?? {};
  totals.passed += (s.expected ?? 0) + (s.flaky ?? 0);
  totals.failed += s.unexpected ?? 0;
  totals.skipped += s.skipped ?? 0;
  if ((report.errors ?? []).length && !s.unexpected) totals.failed += 1;
}

const line = `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`;
writeFileSync(join(results, 'summary.txt'), line + '\n');
process.stdout.write(`\n${line}\n`);
process.exitCode = totals.failed === 0 ? 0 : 1;
