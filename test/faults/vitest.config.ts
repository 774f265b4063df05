import { defineConfig } from 'vitest/config';

// Every case runs `lawgpt` (or a training script) as a child process; two test files at a time keep a 2-core
// machine busy without starving the children.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['../helpers/temp-root.ts', 'src/tally-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    maxConcurrency: 3,
    minWorkers: 1,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
  },
});
