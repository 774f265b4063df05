import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // @lawgpt/common is private: bundle its code and its types into this package (it is only a devDependency).
  noExternal: ['@lawgpt/common'],
  dts: { resolve: ['@lawgpt/common'] },
  clean: true,
  sourcemap: true,
  target: 'node20',
  shims: true,
});
