import type * as tf from '@tensorflow/tfjs';
import type { WasmBackendLike } from './internal/wasm-backend-heap.js';

/** A BatchMatMul implementation for the tfjs `wasm` backend. */
export interface MatMulEngine {
  /** `wasm` (csrc/matmul.c) or `native` (native/matmul.cc). */
  readonly name: 'wasm' | 'native';
  /** Threads it computes on (the caller's included). */
  readonly threads: number;
  /** Products computed in place on the tfjs heap / handed to the threads / left to tfjs's XNNPACK path. */
  readonly stats: { inPlace: number; threaded: number; delegated: number };
  /** `a` · `b` (tfjs BatchMatMul semantics) into a new output on `backend`. */
  batchMatMul(
    backend: WasmBackendLike,
    a: tf.TensorInfo,
    b: tf.TensorInfo,
    transposeA: boolean,
    transposeB: boolean,
  ): tf.TensorInfo;
  /** Releases threads. */
  close(): void;
}
