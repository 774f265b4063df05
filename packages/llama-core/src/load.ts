import type { KernelEngine } from '@lawgpt/engine';
import { type BackendName, selectBackend, selectKernels } from '@lawgpt/engine';
import { readLlamaConfig } from './config.js';
import { ConfigError } from './errors.js';
import { LlamaModel } from './model.js';
import { SafetensorsCheckpoint } from './safetensors/checkpoint.js';
import { type LoadProgress, loadParameters } from './weights.js';

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** TensorFlow.js backend; default `$LAWGPT_BACKEND`, else wasm, else cpu. */
  backend?: BackendName;
  /**
   * matMul engine on the wasm backend: `wasm` (the project's multi-threaded WASM SIMD kernel), `native` (the
   * N-API addon, when it was built) or `stock` (tfjs's own). Default `$LAWGPT_KERNELS`, else `wasm`.
   * The model reports the engine in use as `model.kernels`.
   */
  kernels?: KernelEngine;
  /** Compute dtype. Only `float32` (F16/BF16 checkpoints are widened exactly on load). */
  dtype?: 'float32';
  /** Progress after each tensor (tensors, bytes, bytes/s, ETA). */
  onProgress?: (progress: LoadProgress) => void;
  /** Aborts the load between tensors. */
  signal?: AbortSignal;
}

/**
 * Load a HF LLaMA folder (`config.json` + `model.safetensors` or a sharded index): the config is
 * validated, then every tensor's shape against it, then the tensors are read one at a time.
 */
export async function loadModel(
  dir: string,
  { backend, kernels, dtype = 'float32', onProgress, signal }: LoadModelOptions = {},
): Promise<LlamaModel> {
  if (dtype !== 'float32') throw new ConfigError(undefined, 'options.dtype', '"float32"', dtype);
  const selected = await selectBackend({ backend });
  const kernelState = selectKernels(selected, kernels);
  const config = await readLlamaConfig(dir);
  const checkpoint = await SafetensorsCheckpoint.open(dir);
  try {
    const parameters = await loadParameters(checkpoint, config, { onProgress, signal });
    const model = new LlamaModel(config, parameters, selected);
    model.kernels = kernelState;
    return model;
  } finally {
    await checkpoint.close();
  }
}
