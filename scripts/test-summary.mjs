#!/usr/bin/env node
// Adds up the vitest JSON results that each package's test run wrote (packages/*/test-results.json, and the
// fault suite's test/faults/test-results.json)
// and prints one closing line for the whole repository: "Tests: N passed, N failed, N skipped".
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const totals = { passed: 0, failed: 0, skipped: 0 };
const rows = [];
const projects = [
  ...readdirSync(join(root, 'packages'))
    .sort()
    .map((name) => [name, join(root, 'packages', name)]),
  ['test/faults', join(root, 'test', 'faults')],
];
for (const [name, dir] of projects) {
  const file = join(dir, 'test-results.json');
  if (!existsSync(file)) {
    rows.push(`  ${name.padEnd(18)} no test results (test-results.json missing)`);
    totals.failed += 1;
    continue;
  }
  const result = JSON.parse(readFileSync(file, 'utf8'));
  const skipped = result.numPendingTests + result.numTodoTests;
  totals.passed += result.numPassedTests;
  totals.failed += result.numFailedTests;
  totals.skipped += skipped;
  rows.push(
    `  ${name.padEnd(18)} ${result.numPassedTests} passed, ${result.numFailedTests} failed, ${skipped} skipped`,
  );
}
console.log(`\nPer package:\n${rows.join('\n')}`);
console.log(`Tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exitCode = totals.failed > 0 ? 1 : 0;
