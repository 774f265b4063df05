import type { KernelEngine, StoredWeight, WeightFormat } from '@lawgpt/engine';
import { type BackendName, selectBackend, selectKernels, weightStore } from '@lawgpt/engine';
import type { LlamaConfig } from './config.js';
import type { LoadModelOptions } from './load.js';
import { LlamaModel } from './model.js';
import { createRng, fillNormal } from './random.js';
import { type LlamaParameters, parameterSpecs, toVariable } from './weights.js';

/** Options of {@link createRandomModel}. */
export interface RandomModelOptions {
  /** Seed of the weights (same seed → same model). Default 0. */
  seed?: number;
  /** Standard deviation of non-norm weights (HF `initializer_range`). Default 0.02. */
  std?: number;
  /** Backend to select first; default as {@link selectBackend}. */
  backend?: BackendName;
  /** matMul engine on the wasm backend, as {@link LoadModelOptions.kernels}. */
  kernels?: KernelEngine;
  /**
   * Format of the 2-D weights. Default `f32` as trainable tfjs variables; any other format (or `f32` with
   * `storage: 'stored'`) is held by the engine, as {@link LoadModelOptions.dtype} does.
   */
  dtype?: WeightFormat;
  /** `stored` keeps f32 weights in the engine's memory too. Default `tensor`. */
  storage?: 'tensor' | 'stored';
}

/**
 * A model with random weights, initialised like the test fixtures: RMSNorm weights
 * `1 + 0.1·N(0,1)`, everything else (biases included) `std·N(0,1)`. For demos, tests and benchmarks.
 */
export async function createRandomModel(
  config: LlamaConfig,
  { seed = 0, std = 0.02, backend, kernels, dtype = 'f32', storage = 'tensor' }: RandomModelOptions = {},
): Promise<LlamaModel> {
  const selected = await selectBackend({ backend });
  const kernelState = selectKernels(selected, kernels);
  const rng = createRng(seed);
  const parameters: LlamaParameters = new Map();
  const stored = new Map<string, StoredWeight>();
  const engineHeld = dtype !== 'f32' || storage === 'stored';
  for (const spec of parameterSpecs(config)) {
    const size = spec.shape.reduce((product, value) => product * value, 1);
    const isNorm = spec.shape.length === 1 && !spec.name.endsWith('.bias');
    const values = fillNormal(new Float32Array(size), rng, isNorm ? 1 : 0, isNorm ? 0.1 : std);
    if (spec.shape.length === 1 || !engineHeld) {
      parameters.set(spec.name, toVariable(values, spec));
    } else {
      const [rows, cols] = spec.shape as [number, number];
      stored.set(spec.name, weightStore().fromValues({ name: spec.name, format: dtype, rows, cols, values }));
    }
  }
  const model = new LlamaModel(config, parameters, selected, stored);
  model.kernels = kernelState;
  return model;
}
