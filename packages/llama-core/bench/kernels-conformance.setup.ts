// Installs the matMul engine named by $LAWGPT_KERNELS before every test file of the llama-core suite, and fails
// the run if the engine fell back (see bench/kernels-conformance.config.ts).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { type KernelEngine, kernelStats, useKernels } from '@lawgpt/engine';
import { afterAll, beforeAll } from 'vitest';

beforeAll(async () => {
  const wanted = (process.env.LAWGPT_KERNELS ?? 'wasm') as KernelEngine;
  const state = useKernels({ engine: wanted });
  if (state.engine !== wanted)
    throw new Error(`matMul engine ${wanted} fell back: ${state.fallbacks.join('; ')}`);
  await tf.ready();
});

afterAll(() => {
  const stats = kernelStats();
  if (stats)
    console.log(
      `[kernels] ${process.env.LAWGPT_KERNELS ?? 'wasm'}: ${stats.inPlace} in place, ${stats.threaded} threaded products on ${tf.getBackend()}`,
    );
});
