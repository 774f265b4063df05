import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { canStore, rowBytes, type StoredWeight, type WeightFormat, weightStore } from '@lawgpt/engine';
import type { LlamaConfig } from './config.js';
import { InputError, MemoryError, WeightError } from './errors.js';
import type { SourceTensor, WeightSource } from './weight-source.js';
import {
  type LlamaParameters,
  type LoadProgress,
  type ParameterSpec,
  parameterSpecs,
  toVariable,
} from './weights.js';

/** `dtype` of a load: keep the stored formats (`auto`), or convert every 2-D weight to one format. */
export type LoadDtype = 'auto' | WeightFormat;

/**
 * Where float32 weights live: `tensor` = TensorFlow.js variables (trainable), `stored` = the engine's memory
 * (frozen, not bound by the wasm heap), `auto` = variables when they fit the backend's heap comfortably.
 */
export type WeightStorage = 'auto' | 'tensor' | 'stored';

/** float32 weights above this stay out of tfjs-wasm's 4 GiB heap (activations need the rest). */
const WASM_TENSOR_BUDGET = 2.5 * 2 ** 30;
/** Working memory counted on top of the weights when checking that a model fits. */
const HEADROOM = 300 * 2 ** 20;

/** How one parameter will be held. */
export interface WeightPlanEntry {
  spec: ParameterSpec;
  source: SourceTensor;
  /** The format it is held in. */
  format: WeightFormat;
  /** `tensor`: a tfjs variable (float32); `stored`: an engine-held {@link StoredWeight}. */
  holder: 'tensor' | 'stored';
  /** Bytes it occupies. */
  bytes: number;
  /** Set when the asked-for format could not hold it (rows not made of whole 32-value blocks). */
  fallback?: string;
}

/** Options of {@link planWeights}. */
export interface PlanWeightsOptions {
  source: WeightSource;
  config: LlamaConfig;
  dtype?: LoadDtype;
  storage?: WeightStorage;
  /** tfjs backend name (`wasm` bounds tensor storage). */
  backend: string;
}

function formatFor(source: SourceTensor, dtype: LoadDtype): { format: WeightFormat; fallback?: string } {
  if (source.shape.length === 1) return { format: 'f32' };
  const wanted = dtype === 'auto' ? source.format : dtype;
  if (canStore(wanted, source.shape[1]!)) return { format: wanted };
  // As llama.cpp's converter does for a tensor it cannot quantize.
  return {
    format: 'f16',
    fallback: `${source.name}: ${source.shape[1]} values per row are not whole 32-value blocks; held as f16`,
  };
}

/** Decide the format and holder of every parameter (nothing is read or allocated). */
export function planWeights({
  source,
  config,
  dtype = 'auto',
  storage = 'auto',
  backend,
}: PlanWeightsOptions) {
  const entries: WeightPlanEntry[] = parameterSpecs(config).map((spec) => {
    const tensor = source.tensor(spec.name);
    if (!tensor) throw new WeightError(spec.name, `shape [${spec.shape.join(', ')}]`, 'missing', source.path);
    const { format, fallback } = formatFor(tensor, dtype);
    const size = spec.shape.reduce((product, value) => product * value, 1);
    const bytes = spec.shape.length === 1 ? size * 4 : spec.shape[0]! * rowBytes(format, spec.shape[1]!);
    return {
      spec,
      source: tensor,
      format,
      holder: 'stored' as const,
      bytes,
      ...(fallback ? { fallback } : {}),
    };
  });
  const floatBytes = entries
    .filter((entry) => entry.format === 'f32')
    .reduce((sum, entry) => sum + entry.bytes, 0);
  const tensors =
    storage === 'tensor' || (storage === 'auto' && (backend !== 'wasm' || floatBytes <= WASM_TENSOR_BUDGET));
  for (const entry of entries) {
    if (entry.spec.shape.length === 1 || (tensors && entry.format === 'f32')) entry.holder = 'tensor';
  }
  const bytes = entries.reduce((sum, entry) => sum + entry.bytes, 0);
  return { entries, bytes, fallbacks: entries.flatMap((entry) => (entry.fallback ? [entry.fallback] : [])) };
}

/** Bytes the system can give now: MemAvailable where /proc/meminfo exists, else `os.freemem()`. */
export function availableMemory(): number {
  try {
    const match = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {}
  return freemem();
}

/** Throws {@link MemoryError} (before anything is allocated) when the plan cannot fit, naming a format that would. */
export function checkMemory(options: PlanWeightsOptions, bytes: number, available = availableMemory()): void {
  if (bytes + HEADROOM <= available) return;
  const smaller = (['bf16', 'q8_0', 'q4_0'] as const).find(
    (dtype) => planWeights({ ...options, dtype }).bytes + HEADROOM <= available,
  );
  throw new MemoryError(bytes + HEADROOM, available, smaller, options.source.path);
}

/** Options of {@link loadWeights}. */
export interface LoadWeightsOptions {
  onProgress?: (progress: LoadProgress) => void;
  signal?: AbortSignal;
  /** Load weights holding infinite or NaN values instead of throwing. */
  allowNonfinite?: boolean;
}

/** Reads every parameter as planned, one tensor at a time (stored weights straight into the engine's memory). */
export async function loadWeights(
  source: WeightSource,
  entries: WeightPlanEntry[],
  { onProgress, signal, allowNonfinite = false }: LoadWeightsOptions = {},
): Promise<{ parameters: LlamaParameters; stored: Map<string, StoredWeight> }> {
  const parameters: LlamaParameters = new Map();
  const stored = new Map<string, StoredWeight>();
  const totalBytes = entries.reduce((sum, entry) => sum + entry.bytes, 0);
  const started = performance.now();
  let bytes = 0;
  try {
    for (const entry of entries) {
      signal?.throwIfAborted();
      if (entry.holder === 'stored')
        stored.set(entry.spec.name, await loadStored(source, entry, allowNonfinite));
      else
        parameters.set(
          entry.spec.name,
          toVariable(await tensorValues(source, entry, allowNonfinite), entry.spec),
        );
      bytes += entry.bytes;
      const bytesPerSecond = bytes / Math.max((performance.now() - started) / 1000, 1e-9);
      onProgress?.({
        tensors: parameters.size + stored.size,
        totalTensors: entries.length,
        bytes,
        totalBytes,
        tensor: entry.spec.name,
        bytesPerSecond,
        etaSeconds: (totalBytes - bytes) / bytesPerSecond,
      });
    }
  } catch (error) {
    for (const variable of parameters.values()) variable.dispose();
    for (const weight of stored.values()) weight.dispose();
    throw error;
  }
  return { parameters, stored };
}

async function loadStored(source: WeightSource, entry: WeightPlanEntry, allowNonfinite: boolean) {
  const { name, shape, format: sourceFormat, path } = entry.source;
  const sourceRowBytes = rowBytes(sourceFormat, shape[1]!);
  try {
    return await weightStore().load({
      name,
      format: entry.format,
      rows: shape[0]!,
      cols: shape[1]!,
      sourceFormat,
      read: (start, _count, dst) => source.readBytes(name, start * sourceRowBytes, dst),
      ...source.rowOrder?.(name),
      allowNonfinite,
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'WeightStoreError') {
      throw new WeightError(name, 'finite values the engine can hold', error.message, path);
    }
    throw error;
  }
}

/** float32 values (HF layout) of a tensor-held parameter, checked finite. */
async function tensorValues(source: WeightSource, entry: WeightPlanEntry, allowNonfinite: boolean) {
  const { name, shape, format, path } = entry.source;
  let values: Float32Array;
  if (format === 'f32' || format === 'f16' || format === 'bf16') {
    values = await source.readValues(name);
  } else {
    // Quantized source for a float32 variable: decode through a temporary stored weight.
    const weight = await loadStored(source, { ...entry, format }, allowNonfinite);
    values = weight.readRows();
    weight.dispose();
  }
  if (values.length !== shape.reduce((product, size) => product * size, 1)) {
    throw new InputError(name, `${shape.join('×')} values`, values.length);
  }
  const order =
    format === 'f32' || format === 'f16' || format === 'bf16' ? source.rowOrder?.(name) : undefined;
  if (order) {
    const cols = shape[1]!;
    const reordered = new Float32Array(values.length);
    for (let row = 0; row < shape[0]!; row++) {
      const from = order.sourceRow(row) * cols;
      reordered.set(values.subarray(from, from + cols), row * cols);
    }
    values = reordered;
  }
  if (!allowNonfinite) {
    let bad = 0;
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) bad++;
    if (bad > 0) {
      throw new WeightError(
        name,
        'finite values',
        `${bad} infinite or NaN values (allowNonfinite skips this check)`,
        path,
      );
    }
  }
  return values;
}
