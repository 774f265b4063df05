import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // one temporary folder per run, removed at the end (test/helpers/temp-root.ts)
    globalSetup: ['../../test/helpers/temp-root.ts'],
    // what importing @lawgpt/engine registers (gradients, chained ops, cpu), for tests that import one module
    setupFiles: ['src/tfjs-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
  },
});
