import type * as tf from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './internal/wasm-backend-heap.js';

/** A BatchMatMul implementation for the tfjs `wasm` backend. */
export interface MatMulEngine {
  /** `wasm` (csrc/matmul.c) or `native` (native/matmul.cc). */
  readonly name: 'wasm' | 'native';
  /** Threads it computes on (the caller's included). */
  readonly threads: number;
  /**
   * Products computed in place on the tfjs heap / handed to the threads / one-row products on packed weights /
   * left to tfjs's XNNPACK path.
   */
  readonly stats: { inPlace: number; threaded: number; packed: number; delegated: number };
  /** `a` · `b` (tfjs BatchMatMul semantics) into a new output on `backend`. */
  batchMatMul(
    backend: WasmBackendLike,
    a: tf.TensorInfo,
    b: tf.TensorInfo,
    transposeA: boolean,
    transposeB: boolean,
  ): tf.TensorInfo;
  /**
   * One row times an untransposed 2-D weight (`[1, k]` · `[k, n]`, decoding), or undefined to leave it to tfjs's
   * XNNPACK path.
   */
  vectorProduct?(backend: WasmBackendLike, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo | undefined;
  /** Weights held packed for {@link vectorProduct} now. */
  readonly packedWeights?: number;
  /** Releases threads. */
  close(): void;
}
