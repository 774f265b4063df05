// The whole llama-core test suite (conformance goldens included) with a chosen matMul engine installed first:
//   LAWGPT_KERNELS=wasm   npx vitest run --config bench/kernels-conformance.config.ts
//   LAWGPT_KERNELS=native npx vitest run --config bench/kernels-conformance.config.ts
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    exclude: ['src/kernels/**', '**/node_modules/**'],
    setupFiles: ['bench/kernels-conformance.setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
