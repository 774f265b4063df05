import type * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './internal/native-addon.js';
import type { WasmBackendLike } from './internal/wasm-backend-heap.js';
import type { MatMulEngine } from './matmul-engine.js';
import { type MatMulPlan, planFloat32MatMul } from './matmul-plan.js';

/**
 * The native addon (native/matmul.cc: AVX-512 / AVX2 / portable micro-kernels picked at run time) as the tfjs
 * `wasm` backend's BatchMatMul: it reads the operands and writes the product directly in tfjs's heap through
 * typed-array views, on all threads, with zero copies.
 */
export class NativeMatMulEngine implements MatMulEngine {
  readonly name = 'native';
  readonly stats = { inPlace: 0, threaded: 0, packed: 0, delegated: 0 };

  constructor(
    private readonly addon: NativeAddon,
    readonly threads: number,
  ) {}

  /** Micro-kernel family in use (`avx512`, `avx2`, `generic`). */
  get isa(): string {
    return this.addon.isa();
  }

  batchMatMul(
    backend: WasmBackendLike,
    a: tf.TensorInfo,
    b: tf.TensorInfo,
    transposeA: boolean,
    transposeB: boolean,
  ): tf.TensorInfo {
    const plan = planFloat32MatMul(a, b, transposeA, transposeB);
    // makeOutput first: it may grow the heap, which detaches earlier views.
    const out = backend.makeOutput(plan.outShape, 'float32');
    if (plan.batch * plan.m * plan.n === 0) return out;
    const [aView, bView, outView] = [a, b, out].map(
      (tensor) => backend.typedArrayFromHeap(tensor) as Float32Array,
    );
    this.run(aView!, bView!, outView!, plan);
    this.stats.threaded++;
    return out;
  }

  private run(a: Float32Array, b: Float32Array, out: Float32Array, plan: MatMulPlan): void {
    const { m, n, k, transA, transB, aOffsets, bOffsets } = plan;
    this.addon.matmul(a, b, out, aOffsets, bOffsets, m, n, k, transA, transB, this.threads);
  }

  /** The product outside tfjs (self-check, benchmarks). */
  multiplyDirect(a: Float32Array, b: Float32Array, plan: MatMulPlan): Float32Array {
    const out = new Float32Array(plan.batch * plan.m * plan.n);
    if (out.length > 0) this.run(a, b, out, plan);
    return out;
  }

  close(): void {}
}
