import { defineConfig } from 'tsup';

export default defineConfig({
  // the worker is its own entry: createWorkerEngine starts dist/worker.js (or worker.cjs) next to the index
  entry: ['src/index.ts', 'src/worker.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: true,
  target: 'node20',
  shims: true,
});
