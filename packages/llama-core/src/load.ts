import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { type BackendName, type KernelEngine, selectBackend, selectKernels } from '@lawgpt/engine';
import { checkpointTensors } from './checkpoint-layout.js';
import { readLlamaConfig } from './config.js';
import { InputError } from './errors.js';
import { configFromGguf, ggufSource } from './gguf/gguf-model.js';
import { GgufFile } from './gguf/gguf-reader.js';
import {
  checkMemory,
  type LoadDtype,
  loadWeights,
  planWeights,
  type WeightPlanEntry,
  type WeightStorage,
} from './load-weights.js';
import { LlamaModel } from './model.js';
import { SafetensorsCheckpoint } from './safetensors/checkpoint.js';
import { layoutSource, safetensorsSource, type WeightSource } from './weight-source.js';
import { type LoadProgress, validateSource } from './weights.js';

const DTYPES: readonly LoadDtype[] = ['auto', 'f32', 'bf16', 'f16', 'q8_0', 'q4_0'];

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
  /**
   * Format of the 2-D weights: `auto` (default) keeps what the file stores (F32, F16, BF16 — 2 bytes per value
   * stay 2 bytes, widened inside the kernels — or a GGUF's Q8_0/Q4_0 blocks); `f32`, `bf16`, `f16` convert;
   * `q8_0` / `q4_0` quantize at load in llama.cpp's block layouts. Norms are always float32; activations and the
   * KV cache stay float32. `float32` is accepted for `f32`.
   */
  dtype?: LoadDtype | 'float32';
  /**
   * Where float32 weights live: `auto` (default) keeps them as trainable tfjs variables when they fit the backend
   * comfortably (up to 2.5 GiB on wasm) and otherwise in the engine's memory; `tensor` / `stored` force one.
   * Other formats are always engine-held (frozen).
   */
  storage?: WeightStorage;
  /** Load weights holding infinite or NaN values instead of throwing. */
  allowNonfinite?: boolean;
  /** Progress after each tensor (tensors, bytes, bytes/s, ETA). */
  onProgress?: (progress: LoadProgress) => void;
  /** Aborts the load between tensors (everything loaded so far is freed). */
  signal?: AbortSignal;
}

/** Resolves `options.dtype` (named in the error when unknown). */
export function resolveDtype(dtype: LoadModelOptions['dtype'] = 'auto'): LoadDtype {
  const value = dtype === 'float32' ? 'f32' : dtype;
  if (!DTYPES.includes(value)) throw new InputError('options.dtype', DTYPES.join(' | '), dtype);
  return value;
}

/**
 * Load a model: a HF folder (`config.json` + `model.safetensors` or a sharded index) of a LLaMA, Qwen2, Qwen3 or
 * InternLM2 model (InternLM2's packed `wqkv` is unpacked into q/k/v as it streams), or a llama.cpp `.gguf` file
 * (architectures llama, qwen2, qwen3; F32, F16, BF16, Q8_0, Q4_0 tensors; llama's q/k rows back in HF order). The config is validated, then every
 * tensor's shape against it; the formats are planned and checked to fit in memory before anything is allocated;
 * then the tensors are streamed one at a time, shard by shard, into tfjs variables or the engine's memory (see
 * `dtype` and `storage`).
 */
export async function loadModel(path: string, options: LoadModelOptions = {}): Promise<LlamaModel> {
  const dtype = resolveDtype(options.dtype);
  const selected = await selectBackend({ backend: options.backend });
  const kernelState = selectKernels(selected, options.kernels);
  let config: LlamaModel['config'];
  let source: WeightSource;
  if (isGgufPath(path)) {
    const file = await GgufFile.open(path);
    try {
      config = configFromGguf(file);
      source = ggufSource(file, config);
    } catch (error) {
      await file.close();
      throw error;
    }
  } else {
    config = await readLlamaConfig(path);
    const checkpoint = safetensorsSource(await SafetensorsCheckpoint.open(path));
    try {
      validateSource(checkpoint, config, checkpointTensors(config));
    } catch (error) {
      await checkpoint.close();
      throw error;
    }
    source = layoutSource(checkpoint, config);
  }
  try {
    return await loadFromSource(source, config, { ...options, dtype }, selected, kernelState);
  } finally {
    await source.close();
  }
}

/** The shared second half of {@link loadModel} and the GGUF loader: plan, check memory, stream, build the model. */
export async function loadFromSource(
  source: WeightSource,
  config: LlamaModel['config'],
  options: LoadModelOptions & { dtype: LoadDtype },
  selected: NonNullable<LlamaModel['backend']>,
  kernelState: LlamaModel['kernels'],
): Promise<LlamaModel> {
  validateSource(source, config);
  const planOptions = {
    source,
    config,
    dtype: options.dtype,
    storage: options.storage,
    backend: selected.tfjsName,
  };
  const plan = planWeights(planOptions);
  checkMemory(planOptions, plan.bytes);
  const { parameters, stored } = await loadWeights(source, plan.entries, options);
  const model = new LlamaModel(config, parameters, selected, stored);
  model.kernels = kernelState;
  model.loadReport = { dtype: options.dtype, fallbacks: plan.fallbacks, entries: plan.entries };
  return model;
}

/** The config of a model folder (`config.json`) or of a GGUF file (its metadata), without loading weights. */
export async function readModelConfig(path: string): Promise<LlamaModel['config']> {
  if (!isGgufPath(path)) return readLlamaConfig(path);
  const file = await GgufFile.open(path);
  try {
    return configFromGguf(file);
  } finally {
    await file.close();
  }
}

/** A path that names a GGUF file: `*.gguf`, or a regular file starting with the GGUF magic. */
export function isGgufPath(path: string): boolean {
  if (path.toLowerCase().endsWith('.gguf')) return true;
  try {
    if (!statSync(path).isFile()) return false;
    const fd = openSync(path, 'r');
    const magic = Buffer.alloc(4);
    readSync(fd, magic, 0, 4, 0);
    closeSync(fd);
    return magic.toString('latin1') === 'GGUF';
  } catch {
    return false;
  }
}

/** What a load did: the dtype asked for, each parameter's format and holder, and formats that could not be used. */
export interface LoadReport {
  dtype: LoadDtype;
  fallbacks: string[];
  entries: WeightPlanEntry[];
}
