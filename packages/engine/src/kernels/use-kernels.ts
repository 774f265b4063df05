import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { KernelError } from '../errors.js';
import { setNativeStoredProducts } from '../weights/stored-matmul.js';
import { verifyOnBackend } from './backend-check.js';
import { batchMatMulGradConfig } from './batch-mat-mul-gradient.js';
import { ELEMENTWISE_KERNELS, setElementwiseKernels } from './elementwise-kernels.js';
import { setZeroCopyIdentity } from './identity-kernel.js';
import { enginePool } from './internal/engine-pool.js';
import { loadNativeAddon } from './internal/native-addon.js';
import type { WasmBackendLike } from './internal/wasm-backend-heap.js';
import type { MatMulEngine } from './matmul-engine.js';
import { NativeMatMulEngine } from './native-matmul-engine.js';
import { selfCheck } from './self-check.js';
import { WasmMatMulEngine } from './wasm-matmul-engine.js';

/** Who computes BatchMatMul on the tfjs `wasm` backend. */
export type KernelEngine = 'wasm' | 'native' | 'stock';

const ENGINES: readonly KernelEngine[] = ['wasm', 'native', 'stock'];

/** What {@link useKernels} set up, as {@link activeKernels} reports it. */
export interface KernelState {
  /** The engine asked for. */
  requested: KernelEngine;
  /** Where the request came from: the `engine` option, `LAWGPT_KERNELS`, or the default (`wasm`). */
  source: 'option' | 'env' | 'default';
  /** The engine actually serving BatchMatMul on the wasm backend. */
  engine: KernelEngine;
  /** Threads the engine uses (the caller's included). */
  threads: number;
  /** Native engine only: the micro-kernel family picked for this CPU (`avx512`, `avx2`, `generic`). */
  isa?: string;
  /** tfjs kernels replaced on the `wasm` backend. */
  kernels: string[];
  /** Each fallback taken (engine unavailable, self-check failed, fewer threads), in order; empty when none. */
  fallbacks: string[];
}

/** Options of {@link useKernels}. */
export interface UseKernelsOptions {
  /** Engine to use; default `$LAWGPT_KERNELS`, else `wasm`. */
  engine?: KernelEngine;
  /** Threads for the wasm engine including the caller's; default `os.availableParallelism()`. */
  threads?: number;
  /** Environment to read `LAWGPT_KERNELS` from; default `process.env`. */
  env?: Record<string, string | undefined>;
  /**
   * Also install single-kernel RMSNorm and RoPE (forward and gradient) on the wasm backend for the model's
   * named ops; default true for the `wasm` and `native` engines, always off for `stock`.
   */
  elementwise?: boolean;
}

let stockConfig: tf.KernelConfig | undefined;
let current: { engine?: MatMulEngine; state: KernelState } | undefined;

function stockState(): KernelState {
  return { requested: 'stock', source: 'default', engine: 'stock', threads: 1, kernels: [], fallbacks: [] };
}

/** The engine serving matMul now (stock until {@link useKernels} is called). */
export function activeKernels(): KernelState {
  return structuredClone(current?.state ?? stockState());
}

function fallBack(state: KernelState, message: string): void {
  state.fallbacks.push(message);
  console.warn(`[@lawgpt/engine] ${message}`);
}

/** The engine asked for by `options.engine`, else `LAWGPT_KERNELS`, else `wasm` (a bad value is a KernelError). */
export function resolveEngine(options: UseKernelsOptions): Pick<KernelState, 'requested' | 'source'> {
  if (options.engine !== undefined) {
    if (!ENGINES.includes(options.engine)) {
      throw new KernelError('useKernels', `engine ${ENGINES.join(' | ')}`, JSON.stringify(options.engine));
    }
    return { requested: options.engine, source: 'option' };
  }
  const fromEnv = (options.env ?? process.env).LAWGPT_KERNELS;
  if (fromEnv === undefined || fromEnv === '') return { requested: 'wasm', source: 'default' };
  if (!ENGINES.includes(fromEnv as KernelEngine)) {
    throw new KernelError('LAWGPT_KERNELS', ENGINES.join(' | '), JSON.stringify(fromEnv));
  }
  return { requested: fromEnv as KernelEngine, source: 'env' };
}

/** Starts the wasm engine, checked on both paths; undefined (with fallbacks noted) when it cannot be trusted. */
function startWasmEngine(threads: number, state: KernelState): WasmMatMulEngine | undefined {
  let engine: WasmMatMulEngine | undefined;
  if (threads > 1) {
    try {
      engine = new WasmMatMulEngine({ threads });
      // One-row untransposed products take the packed-weight path (decoding), all others the threaded one.
      const problem = selfCheck((a, b, plan) =>
        engine!.multiplyDirect(a, b, plan, isVectorPlan(plan) ? 'packed' : 'threaded'),
      );
      if (problem) throw new Error(`self-check failed: ${problem}`);
    } catch (error) {
      engine?.close();
      engine = undefined;
      fallBack(
        state,
        `wasm matMul on ${threads} threads unusable (${(error as Error).message}); using 1 thread`,
      );
    }
  }
  engine ??= new WasmMatMulEngine({ threads: 1 });
  const problem = selfCheck((a, b, plan) => engine.multiplyDirect(a, b, plan, 'in-place'));
  if (problem) {
    engine.close();
    fallBack(state, `wasm matMul failed its self-check (${problem}); using stock tfjs kernels`);
    return undefined;
  }
  return engine;
}

/** Loads and checks the native addon; undefined (with fallbacks noted) when absent or wrong. */
function startNativeEngine(threads: number, state: KernelState): NativeMatMulEngine | undefined {
  const { addon, problem } = loadNativeAddon();
  if (!addon) {
    fallBack(state, `native matMul addon unavailable: ${problem}; using the wasm engine`);
    return undefined;
  }
  const engine = new NativeMatMulEngine(addon, threads);
  const failure = selfCheck((a, b, plan) => engine.multiplyDirect(a, b, plan));
  if (failure) {
    fallBack(state, `native matMul failed its self-check (${failure}); using the wasm engine`);
    return undefined;
  }
  return engine;
}

const isVectorPlan = (plan: {
  m: number;
  batch: number;
  transA: boolean;
  transB: boolean;
  outShape: number[];
}) => plan.m === 1 && plan.batch === 1 && !plan.transA && !plan.transB && plan.outShape.length === 2;

/**
 * One row times an untransposed 2-D weight (decoding). The wasm engine on several threads computes these from
 * the weight packed once into its shared memory; otherwise they stay on tfjs-wasm's XNNPACK path, which packs
 * the weight once too and streams it faster than a per-call kernel (160M decode on a quiet machine: 31 tok/s
 * through XNNPACK vs 25 with the native engine's 2-thread product, measured).
 */
function isVectorProduct(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean) {
  return (
    !transposeA &&
    !transposeB &&
    a.shape.length === 2 &&
    b.shape.length === 2 &&
    a.shape[0] === 1 &&
    b.shape[1]! > 1
  );
}

function install(engine: MatMulEngine, state: KernelState): void {
  const stock = stockConfig!;
  const verified = new WeakMap<object, boolean>();
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const heap = backend as unknown as WasmBackendLike;
    let trusted = verified.get(heap);
    if (trusted === undefined) {
      const problem = verifyOnBackend(engine, heap);
      trusted = problem === undefined;
      verified.set(heap, trusted);
      if (!trusted) {
        state.engine = 'stock';
        state.kernels = state.kernels.filter((name) => name !== tf.BatchMatMul);
        fallBack(
          state,
          `${engine.name} matMul disagrees on the live tfjs heap (${problem}); using stock tfjs kernels`,
        );
      }
    }
    if (!trusted) return stock.kernelFunc({ inputs, backend, attrs });
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA = false, transposeB = false } = (attrs ?? {}) as Partial<tf.BatchMatMulAttrs>;
    if (isVectorProduct(a, b, transposeA, transposeB)) {
      const product = engine.vectorProduct?.(heap, a, b);
      if (product) return product;
      engine.stats.delegated++;
      return stock.kernelFunc({ inputs, backend, attrs });
    }
    return engine.batchMatMul(heap, a, b, transposeA, transposeB);
  };
  tf.unregisterKernel(tf.BatchMatMul, 'wasm');
  tf.registerKernel({ ...stock, kernelFunc });
}

/**
 * Chooses who computes matMul (tfjs `BatchMatMul`) on the `wasm` backend and installs it: `wasm` = the
 * project's WebAssembly SIMD kernel on all cores (default), `native` = the N-API addon built from
 * native/matmul.cc at install (falls back to `wasm` where it is not built), `stock` = tfjs's own kernel.
 * The engine is checked against a float64 reference first (and once more on the live tfjs heap at first use);
 * a failing engine falls back loudly (console.warn, `fallbacks`), never silently. Also installs a BatchMatMul
 * gradient that handles broadcast batch dimensions, and (option `elementwise`) RMSNorm/RoPE kernels.
 * Only the `wasm` backend is affected. Call again to switch.
 */
export function useKernels(options: UseKernelsOptions = {}): KernelState {
  const { requested, source } = resolveEngine(options);
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  // The stored-weight and KV-cache kernels run on the engine's pool with the same number of threads.
  enginePool(threads);
  stockConfig ??= tf.getKernel(tf.BatchMatMul, 'wasm');
  if (!stockConfig) {
    const expected =
      "the tfjs wasm backend to be loaded first (selectBackend({ backend: 'wasm' }), or import '@tensorflow/tfjs-backend-wasm')";
    throw new KernelError('useKernels', expected, 'not loaded');
  }
  current?.engine?.close();
  tf.unregisterKernel(tf.BatchMatMul, 'wasm');
  tf.registerKernel(stockConfig);
  tf.registerGradient(batchMatMulGradConfig);
  setElementwiseKernels(false);
  setZeroCopyIdentity(false);

  const state: KernelState = { requested, source, engine: 'stock', threads: 1, kernels: [], fallbacks: [] };
  let engine: MatMulEngine | undefined;
  setNativeStoredProducts(undefined);
  if (requested === 'native') {
    const native = startNativeEngine(threads, state);
    if (native) {
      state.isa = native.isa;
      setNativeStoredProducts(loadNativeAddon().addon, threads);
    }
    engine = native;
  }
  if (requested !== 'stock' && !engine) engine = startWasmEngine(threads, state);
  if (engine) {
    install(engine, state);
    setZeroCopyIdentity(true);
    Object.assign(state, {
      engine: engine.name,
      threads: engine.threads,
      kernels: [tf.BatchMatMul, tf.Identity],
    });
    if (options.elementwise ?? true) {
      setElementwiseKernels(true);
      state.kernels.push(...ELEMENTWISE_KERNELS);
    }
  }
  current = { engine, state };
  return activeKernels();
}

/** Dispatch counters of the active engine and the weights it holds packed (undefined for stock). */
export function kernelStats():
  | { inPlace: number; threaded: number; packed: number; delegated: number; packedWeights: number }
  | undefined {
  const engine = current?.engine;
  if (!engine) return undefined;
  return { ...engine.stats, packedWeights: engine.packedWeights ?? 0 };
}
