import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  shims: true,
  // tfjs-core's gradient and chained-op registrations exist only as ESM files that Node cannot load
  // (src/tfjs-setup.ts): bundle them; `@tensorflow/tfjs-core` itself stays external.
  noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
});
